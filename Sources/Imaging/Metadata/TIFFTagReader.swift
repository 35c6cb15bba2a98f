import GalleryCore

/// Reads the text tags of a TIFF file's first IFD (ImageDescription, Artist, Copyright,
/// Make, Model) and the capture time from its EXIF IFD (DateTimeOriginal, OffsetTimeOriginal,
/// SubSecTimeOriginal; never IFD0's DateTime, the time of the last change). libvips gives no
/// EXIF block for TIFF, and libexif stops at 64 KiB (the JPEG APP1 limit) while a TIFF's IFD
/// often sits at its end. Every offset is bounds-checked; anything odd yields nothing.
enum TIFFTagReader {
    static func read(_ bytes: UnsafeRawBufferPointer) -> ExifFields? {
        tags(bytes)?.exif
    }

    /// The EXIF fields, and IFD0's IPTC-NAA stream (tag 33723) as the file holds it.
    static func tags(_ bytes: UnsafeRawBufferPointer) -> (exif: ExifFields, iptc: [UInt8]?)? {
        guard bytes.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= bytes.count else { return nil }
            let (a, b) = (Int(bytes[offset]), Int(bytes[offset + 1]))
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ offset: Int) -> Int? {
            guard let low = u16(littleEndian ? offset : offset + 2), let high = u16(littleEndian ? offset + 2 : offset)
            else { return nil }
            return high << 16 | low
        }
        /// The ASCII entries of the IFD at `offset`, and the EXIF IFD's offset if it names one.
        func entries(at offset: Int) -> (
            texts: [(tag: Int, bytes: UnsafeRawBufferPointer.SubSequence)], exif: Int?, iptc: [UInt8]?
        )? {
            guard let count = u16(offset), count < 1000 else { return nil }
            var texts: [(tag: Int, bytes: UnsafeRawBufferPointer.SubSequence)] = []
            var exif: Int?
            var iptc: [UInt8]?
            for index in 0..<count {
                let entry = offset + 2 + index * 12
                guard let tag = u16(entry), let type = u16(entry + 2), let length = u32(entry + 4) else { continue }
                if tag == 0x8769, type == 4 || type == 13, length == 1 { exif = u32(entry + 8) }
                // IPTC-NAA (33723): the IIM stream, as UNDEFINED/BYTE or as LONGs (Photoshop).
                let width = type == 4 ? 4 : 1
                if tag == 0x83BB, [1, 4, 7].contains(type), length > 0, length < 1 << 24 {
                    let size = length * width
                    let start = size <= 4 ? entry + 8 : (u32(entry + 8) ?? -1)
                    if start >= 0, start + size <= bytes.count { iptc = Array(bytes[start..<start + size]) }
                }
                guard type == 2, length > 0, length < 65_536 else { continue }
                let start = length <= 4 ? entry + 8 : (u32(entry + 8) ?? -1)
                guard start >= 0, start + length <= bytes.count else { continue }
                texts.append((tag, bytes[start..<start + length]))
            }
            return (texts, exif, iptc)
        }
        guard u16(2) == 42, let ifd = u32(4), let first = entries(at: ifd) else { return nil }
        var fields = ExifFields()
        for (tag, raw) in first.texts {
            let text = TextNormalizer.decode(raw)
            switch tag {
            case 0x010E: fields.imageDescription = text
            case 0x010F: fields.make = text
            case 0x0110: fields.model = text
            case 0x013B: fields.artist = text
            case 0x8298:
                let parts = raw.split(separator: 0).compactMap(TextNormalizer.decode)
                fields.copyright = parts.isEmpty ? nil : parts.joined(separator: " / ")
            default: continue
            }
        }
        if let exif = first.exif, exif != ifd, let sub = entries(at: exif) {
            for (tag, raw) in sub.texts {
                switch tag {
                case 0x9003: fields.dateTimeOriginal = TextNormalizer.decode(raw)
                case 0x9011: fields.offsetTimeOriginal = TextNormalizer.decode(raw)
                case 0x9291: fields.subSecTimeOriginal = TextNormalizer.decode(raw)
                default: continue
                }
            }
        }
        return (fields, first.iptc)
    }
}
