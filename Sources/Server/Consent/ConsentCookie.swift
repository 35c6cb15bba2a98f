import Crypto
import Foundation
import GalleryCore

/// The permanent-consent cookie: `<consent id>.<HMAC-SHA256 of it>`. It holds no decision
/// itself (those are in the catalog), so a forged, truncated, re-signed or borrowed cookie
/// grants nothing: without the server's key no valid signature can be made.
struct ConsentCookie: Sendable {
    /// Raw key bytes (SymmetricKey is not Sendable); a key is made per use.
    let keyBytes: [UInt8]

    init(key: [UInt8]) {
        self.keyBytes = key
    }

    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    func value(for consentId: String) -> String {
        consentId + "." + signature(consentId)
    }

    /// The consent id of a correctly signed cookie value, else `nil`.
    func consentId(from value: String) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 22, parts[1].count == 43 else { return nil }
        let id = String(parts[0])
        guard let expected = Data(base64URL: String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data("v1:\(id)".utf8), using: key)
        else { return nil }
        return id
    }

    private func signature(_ id: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("v1:\(id)".utf8), using: key)
        return Data(code).base64URLEncoded
    }
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacing("-", with: "+").replacing("_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }

    var base64URLEncoded: String {
        base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }
}
