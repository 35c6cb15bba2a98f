/// File and folder names as galleryd holds them.
///
/// A name that is valid UTF-8 is kept as it is. One that is not — Latin-1 or Windows-1252
/// bytes, as older Windows tools and SMB shares leave them — keeps each byte ≥ 0x80 as a
/// private-use character (U+F780 + byte − 0x80), so the exact bytes go back to the file
/// system, and the name is shown (title, slug) decoded as Windows-1252. A UTF-8 name that
/// holds U+F780…U+F7FF itself (private use: no script has them) is escaped the same way, so
/// that it cannot be taken for escaped bytes (the tests' random names found one).
///
/// ```swift
/// let name = MediaName.decode([0x53, 0x74, 0x72, 0x61, 0xDF, 0x65])  // "Stra\u{F7DF}e"
/// MediaName.display(name)          // "Straße"
/// MediaName.fileSystemBytes(name)  // [0x53, 0x74, 0x72, 0x61, 0xDF, 0x65]
/// ```
public enum MediaName {
    static let escapeBase: UInt32 = 0xF700

    /// A name (or path) read from the file system, as held in the catalog.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(where: isEscapeScalar) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            scalars.append(byte < 0x80 ? Unicode.Scalar(byte) : Unicode.Scalar(escapeBase + UInt32(byte))!)
        }
        return String(scalars)
    }

    /// Whether `name` holds escaped bytes (a quick look at the UTF-8: U+F780…U+F7FF all
    /// start with 0xEF 0x9E or 0xEF 0x9F).
    public static func isEscaped(_ name: String) -> Bool {
        var previous: UInt8 = 0
        for byte in name.utf8 {
            if previous == 0xEF, byte == 0x9E || byte == 0x9F { return true }
            previous = byte
        }
        return false
    }

    static func isEscapeScalar(_ scalar: Unicode.Scalar) -> Bool {
        (escapeBase + 0x80...escapeBase + 0xFF).contains(scalar.value)
    }

    /// The bytes the file system knows `name` (or a path) by.
    public static func fileSystemBytes(_ name: String) -> [UInt8] {
        guard isEscaped(name) else { return Array(name.utf8) }
        var bytes: [UInt8] = []
        for scalar in name.unicodeScalars {
            if isEscapeScalar(scalar) {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes += Array(String(scalar).utf8)
            }
        }
        return bytes
    }

    /// The name for people: escaped bytes decoded as Windows-1252.
    public static func display(_ name: String) -> String {
        guard isEscaped(name) else { return name }
        return TextNormalizer.decodeWindows1252(fileSystemBytes(name))
    }
}
