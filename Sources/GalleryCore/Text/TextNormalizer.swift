/// Turns raw metadata bytes and strings into clean, bounded UTF-8 text.
///
/// Metadata in the wild is UTF-8, Latin-1 or padded with NULs and spaces; hostile files
/// carry control characters or megabytes of text. Everything that reaches the catalog and
/// the JSON passes through here.
public enum TextNormalizer {
    /// Longest text kept for one field, in characters. Longer values are cut at a word
    /// boundary and marked with an ellipsis.
    public static let maximumLength = 8_000

    /// Decodes bytes as UTF-8 when they are valid UTF-8, else as Latin-1 (ISO-8859-1), the
    /// encoding most cameras and older tools use for EXIF ASCII fields.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        var slice = Array(bytes)
        if let end = slice.firstIndex(of: 0) { slice.removeSubrange(end...) }
        if let utf8 = String(validating: slice, as: UTF8.self) {
            return clean(utf8)
        }
        return clean(String(decoding: slice, as: ISOLatin1.self))
    }

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

/// ISO-8859-1: every byte is the Unicode scalar of the same value.
enum ISOLatin1: Unicode.Encoding {
    typealias CodeUnit = UInt8
    typealias EncodedScalar = CollectionOfOne<UInt8>
    static var encodedReplacementCharacter: EncodedScalar { CollectionOfOne(0x3F) }

    static func decode(_ content: EncodedScalar) -> Unicode.Scalar { Unicode.Scalar(content.first!) }

    static func encode(_ content: Unicode.Scalar) -> EncodedScalar? {
        content.value < 256 ? CollectionOfOne(UInt8(content.value)) : nil
    }

    struct Parser: Unicode.Parser {
        typealias Encoding = ISOLatin1
        init() {}
        mutating func parseScalar<I: IteratorProtocol>(from input: inout I) -> Unicode.ParseResult<EncodedScalar>
        where I.Element == UInt8 {
            guard let byte = input.next() else { return .emptyInput }
            return .valid(CollectionOfOne(byte))
        }
    }
    typealias ForwardParser = Parser
    typealias ReverseParser = Parser
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
