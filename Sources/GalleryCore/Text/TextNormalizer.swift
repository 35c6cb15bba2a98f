/// Turns raw metadata bytes and strings into clean, bounded UTF-8 text.
///
/// Metadata in the wild is UTF-8, Windows-1252 or padded with NULs and spaces; hostile files
/// carry control characters or megabytes of text. Everything that reaches the catalog and
/// the JSON passes through here.
public enum TextNormalizer {
    /// Longest text kept for one field, in characters. Longer values are cut at a word
    /// boundary and marked with an ellipsis.
    public static let maximumLength = 8_000

    /// Decodes 8-bit text, up to its first NUL: as UTF-8 when it is valid UTF-8, else as
    /// Windows-1252 — what Windows tools, newsroom systems and older cameras write into EXIF
    /// ASCII fields, TIFF text tags and IPTC without 1:90 (exiftool's default for IPTC too).
    /// Every reader of 8-bit text goes through here.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        var slice = Array(bytes)
        if let end = slice.firstIndex(of: 0) { slice.removeSubrange(end...) }
        if let utf8 = String(validating: slice, as: UTF8.self) {
            return clean(utf8)
        }
        return clean(decodeWindows1252(slice))
    }

    /// Windows-1252: Latin-1 with „ “ ” ‚ ‘ ’ – — … € and the like in 0x80–0x9F. The five
    /// bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD, so a reader
    /// sees that something was there.
    public static func decodeWindows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte) {
                scalars.append(Unicode.Scalar(windows1252High[Int(byte) - 0x80]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// 0x80…0x9F in Windows-1252 (0xFFFD where the code page defines nothing).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// Decodes UCS-2 / UTF-16 little-endian bytes (Windows XP* tags).
    public static func decodeUTF16LE<Bytes: Collection>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        let array = Array(bytes)
        var units: [UInt16] = []
        units.reserveCapacity(array.count / 2)
        var index = 0
        while index + 1 < array.count {
            let unit = UInt16(array[index]) | UInt16(array[index + 1]) << 8
            if unit == 0 { break }
            units.append(unit)
            index += 2
        }
        return clean(String(decoding: units, as: UTF16.self))
    }

    /// Trims, drops control characters except line breaks and tabs, collapses runs of
    /// blank lines, bounds the length; `nil` when nothing is left.
    public static func clean(_ text: String) -> String? {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A: scalars.append(scalar)
            case 0x0D: scalars.append("\n")
            case 0x00...0x1F, 0x7F...0x9F, 0xFFFE, 0xFFFF: continue
            default: scalars.append(scalar)
            }
        }
        var result = String(scalars).trimmingWhitespace()
        while result.contains("\n\n\n") { result = result.replacing("\n\n\n", with: "\n\n") }
        guard !result.isEmpty else { return nil }
        if result.count > maximumLength {
            var cut = String(result.prefix(maximumLength))
            if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > maximumLength / 2 {
                cut = String(cut[..<space])
            }
            result = cut + "…"
        }
        return result
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
