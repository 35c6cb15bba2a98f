public import Foundation
public import GalleryCore

/// How the server handles consent: the configured services (until an admin saves
/// others), the key that signs consent cookies, and the site's public address.
public struct ConsentOptions: Sendable {
    /// The settings from `config/consent.yaml`.
    public var defaults: ConsentSettings
    /// HMAC key for consent cookies (kept in the data folder, never sent anywhere).
    public var cookieKey: [UInt8]
    /// The site's public base URL (for share links and the Secure cookie flag).
    public var publicURL: String
    /// The origins whose pages may record consent (``SiteOrigins``); by default
    /// `publicURL`'s only.
    public var origins: SiteOrigins
    /// Log a keyed hash of the visitor's address (daily key, held in memory only).
    public var hashAddresses: Bool
    /// Consent POST/DELETE per address: burst and sustained rate per second.
    public var rateBurst: Double
    public var ratePerSecond: Double
    /// How long a `once` grant (and the frame grants it leads to) stays usable.
    public var onceLifetime: TimeInterval
    /// The clock (tests move it forward to expire consents).
    public var now: @Sendable () -> Date

    public init(
        defaults: ConsentSettings, cookieKey: [UInt8], publicURL: String = "http://127.0.0.1:8080",
        origins: SiteOrigins? = nil, hashAddresses: Bool = true, rateBurst: Double = 20, ratePerSecond: Double = 5,
        onceLifetime: TimeInterval = 600, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.defaults = defaults
        self.cookieKey = cookieKey
        self.publicURL = publicURL
        self.origins = origins ?? SiteOrigins(publicURL: publicURL, servedOnLoopback: false)
        self.hashAddresses = hashAddresses
        self.rateBurst = rateBurst
        self.ratePerSecond = ratePerSecond
        self.onceLifetime = onceLifetime
        self.now = now
    }

    /// Cookies get `Secure` when the site is served over HTTPS.
    var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }

    static let cookieName = "galleryd_consent"
}
