import Crypto

/// The secret that keys the consent log's hash chain (HMAC-SHA-256), kept outside the
/// catalog: whoever can write the catalog but not read this key cannot recompute the chain.
///
/// ```swift
/// let key = try #require(ConsentChainKey(bytes: ConsentChainKey.generateBytes()))
/// let hash = event.computedHash(key: key)
/// ```
public struct ConsentChainKey: Sendable {
    /// Bytes a key file holds (more are accepted, fewer refused).
    public static let byteCount = 32

    // Bytes rather than a `SymmetricKey`, which is not `Sendable`.
    let bytes: [UInt8]

    /// A key from a key file's bytes; nil when there are fewer than `byteCount`.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Fresh random bytes for a new key file.
    public static func generateBytes() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// HMAC-SHA-256 of `material`, lower-case hex.
    public func authenticationCode(for material: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(material.utf8), using: SymmetricKey(data: bytes)).hexString
    }
}
