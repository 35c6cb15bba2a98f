import Crypto

/// The stable identity of an asset: derived from its path relative to the media root, so
/// that it survives re-ingest, restarts and a rebuilt catalog.
public struct AssetID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public init(relativePath: String) {
        let digest = SHA256.hash(data: Array(relativePath.utf8))
        self.value = String(digest.hexString.prefix(20))
    }

    public init?(validating value: String) {
        guard value.count == 20, value.allSatisfy(\.isHexDigit) else { return nil }
        self.value = value.lowercased()
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, as used in content-addressed paths and ETags.
    public var hexString: String {
        var result = ""
        for byte in self {
            result.append(hexDigits[Int(byte >> 4)])
            result.append(hexDigits[Int(byte & 0x0f)])
        }
        return result
    }
}

private let hexDigits: [Character] = Array("0123456789abcdef")
