/// EXIF and XMP from a PNG's chunks, for the loaders that do not hand them over: an `eXIf`
/// chunk (PNG 1.5 extension; the TIFF structure without a header) and an `iTXt` chunk with
/// keyword `XML:com.adobe.xmp` (XMP Part 3, §1.1.5), uncompressed as XMP writers leave it.
///
/// Walks the chunk list only: every length is checked against the bytes that remain, at most
/// 10,000 chunks are looked at, and it stops at `IEND` or at the first chunk that does not fit.
enum PNGMetadataReader {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func read(_ bytes: UnsafeRawBufferPointer) -> (exif: [UInt8]?, xmp: [UInt8]?) {
        guard bytes.count > 8, bytes.prefix(8).elementsEqual(signature) else { return (nil, nil) }
        var exif: [UInt8]?
        var xmp: [UInt8]?
        var cursor = 8
        var seen = 0
        while cursor + 12 <= bytes.count, seen < 10_000 {
            seen += 1
            let length = bytes[cursor..<cursor + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[cursor + 4..<cursor + 8], as: UTF8.self)
            let start = cursor + 8
            guard length <= bytes.count - start - 4 else { break }
            let data = bytes[start..<start + length]
            switch type {
            case "eXIf" where exif == nil:
                exif = Array(data)
            case "iTXt" where xmp == nil:
                xmp = xmpPacket(inInternationalText: Array(data))
            case "IEND":
                return (exif, xmp)
            default:
                break
            }
            cursor = start + length + 4  // data, then its CRC
        }
        return (exif, xmp)
    }

    /// `iTXt`: keyword, NUL, compression flag, method, language tag, NUL, translated
    /// keyword, NUL, text.
    private static func xmpPacket(inInternationalText chunk: [UInt8]) -> [UInt8]? {
        let keyword = Array("XML:com.adobe.xmp".utf8)
        guard chunk.count > keyword.count + 3, chunk.starts(with: keyword), chunk[keyword.count] == 0,
            chunk[keyword.count + 1] == 0  // compressed XMP is not read (no writer galleryd met uses it)
        else { return nil }
        var rest = chunk[(keyword.count + 3)...]
        for _ in 0..<2 {
            guard let end = rest.firstIndex(of: 0) else { return nil }
            rest = rest[(end + 1)...]
        }
        return Array(rest)
    }
}
