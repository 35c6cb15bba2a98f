import Crypto
import Foundation

/// An admin API token: `gd_<id>_<secret>`. The id names the token in the catalog; only
/// the SHA-256 of the secret is stored, and it is compared in constant time.
///
/// ```swift
/// let token = AdminToken.generate()
/// print(token.text)            // shown once to the admin
/// store(token.id, token.secretHash)
/// ```
public struct AdminToken: Sendable, Equatable {
    public let id: String
    public let secret: String

    public static func generate() -> AdminToken {
        // The id is hex, so the first "_" after it always separates it from the secret.
        var generator = SystemRandomNumberGenerator()
        let id = (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        return AdminToken(id: id, secret: randomBase64URL(bytes: 32))
    }

    /// Parses `gd_<id>_<secret>`; `nil` for anything else.
    public init?(text: String) {
        guard text.hasPrefix("gd_"), text.utf8.count < 200 else { return nil }
        let body = text.dropFirst(3)
        guard let separator = body.firstIndex(of: "_") else { return nil }
        let id = String(body[..<separator])
        let secret = String(body[body.index(after: separator)...])
        guard id.count == 12, id.allSatisfy(\.isHexDigit), secret.count == 43, secret.allSatisfy(Self.isBase64URL)
        else { return nil }
        self.init(id: id, secret: secret)
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    public var text: String { "gd_\(id)_\(secret)" }

    public var secretHash: String { SHA256.hash(data: Array(secret.utf8)).hexString }

    /// Constant-time comparison of this token's secret with a stored hash.
    public func matches(secretHash stored: String) -> Bool {
        let mine = Array(secretHash.utf8)
        let theirs = Array(stored.utf8)
        guard mine.count == theirs.count else { return false }
        var difference: UInt8 = 0
        for index in mine.indices { difference |= mine[index] ^ theirs[index] }
        return difference == 0
    }

    static func isBase64URL(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
    }
}

/// Random bytes, base64url without padding.
public func randomBase64URL(bytes count: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
        .replacing("=", with: "")
}
