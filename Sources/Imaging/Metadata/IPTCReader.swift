import Crypto
import GalleryCore

/// Reads IPTC IIM datasets from a Photoshop APP13 block ("Photoshop 3.0\0" + 8BIM image
/// resources, IIM in resource 0x0404) or from raw IIM bytes (TIFF's IPTC tag).
///
/// Every length is checked against the bytes that remain; a record that claims more is
/// dropped along with everything after it. Text is decoded by ``TextNormalizer/decode(_:)``:
/// UTF-8 when valid (whether 1:90 says so or not: many tools write UTF-8 without it), else
/// Windows-1252.
enum IPTCReader {
    static func read(_ block: [UInt8]) -> IPTCFields? {
        guard let iim = iimBytes(in: block[...]) else { return nil }
        let datasets = parseDatasets(iim)
        // MWG's check that XMP still mirrors this block: the digest stored in resource 0x0425
        // against the MD5 of the IIM bytes as they are (as exiftool's CurrentIPTCDigest).
        var changedSinceXMP: Bool?
        if let stored = resource(0x0425, in: block[...]), stored.count == 16,
            !stored.elementsEqual(Insecure.MD5.hash(data: iim))
        {
            changedSinceXMP = true
        }
        func text(_ dataset: UInt8) -> String? {
            let values = datasets.filter { $0.record == 2 && $0.dataset == dataset }.compactMap { entry in
                TextNormalizer.decode(entry.value)
            }
            // Repeatable datasets (2:80 By-line) are joined; the rest keep their first value.
            return values.isEmpty ? nil : (dataset == 80 ? values.joined(separator: "; ") : values[0])
        }
        // 2:25 Keywords repeats, one keyword per dataset.
        let keywords = datasets.filter { $0.record == 2 && $0.dataset == 25 }.compactMap { entry in
            TextNormalizer.decode(entry.value)
        }
        let location = PhotoLocation(
            sublocation: text(92), city: text(90), region: text(95), country: text(101), countryCode: text(100))
        let fields = IPTCFields(
            captionAbstract: text(120), headline: text(105), byline: text(80), credit: text(110),
            copyrightNotice: text(116), source: text(115), dateCreated: text(55), timeCreated: text(60),
            keywords: keywords.isEmpty ? nil : keywords, location: location.isEmpty ? nil : location,
            changedSinceXMP: changedSinceXMP)
        return fields.isEmpty ? nil : fields
    }

    struct Dataset {
        var record: UInt8
        var dataset: UInt8
        var value: ArraySlice<UInt8>
    }

    /// Finds the IIM stream: inside 8BIM resource 0x0404, or the block itself if it starts
    /// with an IIM tag marker.
    static func iimBytes(in block: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let bytes = withoutHeader(block)
        if bytes.first == 0x1C { return bytes }
        return resource(0x0404, in: block)
    }

    /// The block after its `Photoshop 3.0\0` header, if it has one.
    static func withoutHeader(_ block: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let photoshopHeader = Array("Photoshop 3.0\0".utf8)
        return block.starts(with: photoshopHeader) ? block.dropFirst(photoshopHeader.count) : block
    }

    /// The data of one Photoshop image resource (`8BIM`, id, Pascal name, size, data).
    static func resource(_ id: UInt16, in block: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let bytes = withoutHeader(block)
        var cursor = bytes.startIndex
        let signature = Array("8BIM".utf8)
        while cursor + 12 <= bytes.endIndex {
            guard bytes[cursor..<cursor + 4].elementsEqual(signature) else { return nil }
            let resourceID = UInt16(bytes[cursor + 4]) << 8 | UInt16(bytes[cursor + 5])
            let nameLength = Int(bytes[cursor + 6])
            // Pascal string (length byte + name) padded to an even size.
            var position = cursor + 6 + ((nameLength + 2) & ~1)
            guard position + 4 <= bytes.endIndex else { return nil }
            let size =
                Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8
                | Int(bytes[position + 3])
            position += 4
            guard size >= 0, size <= bytes.endIndex - position else { return nil }
            if resourceID == id { return bytes[position..<position + size] }
            cursor = position + size + (size & 1)
        }
        return nil
    }

    static func parseDatasets(_ iim: ArraySlice<UInt8>) -> [Dataset] {
        var datasets: [Dataset] = []
        var cursor = iim.startIndex
        while cursor + 5 <= iim.endIndex, iim[cursor] == 0x1C, datasets.count < 10_000 {
            let record = iim[cursor + 1]
            let dataset = iim[cursor + 2]
            var length = Int(iim[cursor + 3]) << 8 | Int(iim[cursor + 4])
            var start = cursor + 5
            if length & 0x8000 != 0 {
                // Extended dataset: the low bits give how many length bytes follow (≤ 4).
                let lengthBytes = length & 0x7FFF
                guard lengthBytes <= 4, start + lengthBytes <= iim.endIndex else { break }
                length = iim[start..<start + lengthBytes].reduce(0) { $0 << 8 | Int($1) }
                start += lengthBytes
            }
            guard length <= iim.endIndex - start else { break }
            datasets.append(Dataset(record: record, dataset: dataset, value: iim[start..<start + length]))
            cursor = start + length
        }
        return datasets
    }
}
