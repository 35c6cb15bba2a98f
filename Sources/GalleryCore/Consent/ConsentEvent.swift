import Crypto
public import Foundation

/// One entry of the append-only consent log: the proof that a visitor granted, denied or
/// withdrew consent (or that it expired). Each entry carries the hash of the one before,
/// so an edited or deleted entry breaks the chain.
///
/// Two chain versions exist. Events logged before the keyed chain was introduced carry a
/// plain SHA-256 (`computedHash`); every later one an HMAC-SHA-256 under the log's
/// ``ConsentChainKey`` (`computedHash(key:)`), so the chain cannot be recomputed without
/// the key. The catalog records the first keyed sequence number (`keyedFrom`).
public struct ConsentEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case grant, deny, withdraw, expire
    }

    public var seq: Int64?
    public var eventId: String
    public var consentId: String
    public var kind: Kind
    public var scope: ConsentScope
    /// Every service shown, granted (true) or not.
    public var decisions: [String: Bool]
    public var policyVersion: String
    public var catalogHash: String
    public var locale: String
    public var at: Date
    public var expiresAt: Date?
    /// Coarse browser family (never the user agent itself).
    public var browser: String
    /// Keyed hash of the address with a daily key; never the address.
    public var ipHash: String?
    public var previousHash: String
    public var hash: String

    public init(
        eventId: String, consentId: String, kind: Kind, scope: ConsentScope, decisions: [String: Bool],
        policyVersion: String, catalogHash: String, locale: String, at: Date, expiresAt: Date?, browser: String,
        ipHash: String?, previousHash: String, key: ConsentChainKey? = nil
    ) {
        self.eventId = eventId
        self.consentId = consentId
        self.kind = kind
        self.scope = scope
        self.decisions = decisions
        self.policyVersion = policyVersion
        self.catalogHash = catalogHash
        self.locale = locale
        // Stored with millisecond precision; hash what is stored.
        self.at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded() / 1000)
        self.expiresAt = expiresAt.map {
            Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1000).rounded() / 1000)
        }
        self.browser = browser
        self.ipHash = ipHash
        self.previousHash = previousHash
        self.hash = ""
        self.hash = computedHash(key: key)
    }

    /// Chain version 1: SHA-256 over the previous hash and every field (`hashMaterial`).
    public var computedHash: String {
        SHA256.hash(data: Array(hashMaterial.utf8)).hexString
    }

    /// Chain version 2 with a key: HMAC-SHA-256 of `hashMaterial`; without one, version 1.
    public func computedHash(key: ConsentChainKey?) -> String {
        guard let key else { return computedHash }
        return key.authenticationCode(for: hashMaterial)
    }

    /// The previous hash and every field, in a fixed, unambiguous form: each field as
    /// `<UTF-8 byte count>:<value>`, joined with `|`.
    public var hashMaterial: String {
        let decisionText = decisions.keys.sorted().map { "\($0)=\(decisions[$0]! ? 1 : 0)" }.joined(separator: ",")
        let fields: [String] = [
            previousHash, eventId, consentId, kind.rawValue, scope.rawValue, decisionText, policyVersion, catalogHash,
            locale, Self.milliseconds(at), expiresAt.map(Self.milliseconds) ?? "",
            browser, ipHash ?? "",
        ]
        // Length-prefixed, so no field can run into the next.
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    /// Milliseconds since 1970 as text. A date no Int64 can hold (only a catalog edited by
    /// hand has one) is written as its rounded Double, so hashing it cannot trap; such an
    /// event then simply fails to verify.
    static func milliseconds(_ date: Date) -> String {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return Int64(exactly: value).map { String($0) } ?? String(value)
    }

    /// The hash the first event chains to.
    public static let genesisHash = String(repeating: "0", count: 64)
}

/// Coarse browser family from a User-Agent, for the consent log (the full string would
/// make visitors identifiable and is never stored).
public enum BrowserFamily {
    public static func of(userAgent: String?) -> String {
        guard let agent = userAgent?.lowercased(), !agent.isEmpty else { return "unknown" }
        let mobile = agent.contains("mobile") || agent.contains("android") || agent.contains("iphone")
        let family: String
        if agent.contains("edg/") {
            family = "edge"
        } else if agent.contains("opr/") || agent.contains("opera") {
            family = "opera"
        } else if agent.contains("firefox/") || agent.contains("fxios") {
            family = "firefox"
        } else if agent.contains("chrome/") || agent.contains("chromium/") || agent.contains("crios") {
            family = "chrome"
        } else if agent.contains("safari/") {
            family = "safari"
        } else if agent.contains("curl/") || agent.contains("wget") || agent.contains("bot") || agent.contains("python")
        {
            family = "tool"
        } else {
            family = "other"
        }
        return mobile ? family + "-mobile" : family
    }
}
