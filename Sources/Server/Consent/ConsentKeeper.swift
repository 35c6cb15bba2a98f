import Catalog
import Foundation
import GalleryCore
public import HTTPTypes
import Hummingbird
import Synchronization

/// What a request's consent amounts to: which services are granted (by a permanent cookie
/// or a once token), under which scope, and whether an older consent must be asked again.
struct ResolvedConsent: Sendable {
    var settings: ConsentSettings
    var granted: [String: GrantedConsent] = [:]
    var consentId: String?
    var record: ConsentRecord?
    var reaskRequired = false
    /// The request carried consent of any kind (its answer depends on it).
    var isPersonal: Bool { !granted.isEmpty || consentId != nil }
}

/// Reads consent from requests and records decisions; shared by the consent API, the
/// gallery JSON and the embed frames.
struct ConsentKeeper: Sendable {
    let stores: ServerStores
    let options: ConsentOptions
    let cookie: ConsentCookie
    let once: OnceGrants
    let limiter: RateLimiter
    let hasher = AddressHasher()
    private let remembered = RememberedConsent()

    init(stores: ServerStores, options: ConsentOptions) {
        self.stores = stores
        self.options = options
        self.cookie = ConsentCookie(key: options.cookieKey)
        self.once = OnceGrants(store: stores.onceGrants, lifetime: options.onceLifetime)
        self.limiter = RateLimiter(burst: options.rateBurst, perSecond: options.ratePerSecond)
    }

    /// The settings in force, read from the catalog only after it changed (see `CatalogStamp`).
    func settings() async throws -> ConsentSettings {
        let stamp = stores.galleries.stamp()
        if let settings = remembered.settings(at: stamp) { return settings }
        let settings: ConsentSettings
        do {
            settings = try await stores.consent.consentSettings(fallback: options.defaults)
        } catch  where TransientFault(error) != nil {
            // The catalog is away: the settings last read stay in force until it is back.
            guard let last = remembered.lastSettings else { throw error }
            return last
        }
        remembered.remember(settings, at: stamp)
        return settings
    }

    /// A visitor's consent record, read from the catalog only after it changed.
    func consentRecord(id: String) async throws -> ConsentRecord? {
        let stamp = stores.galleries.stamp()
        if let known = remembered.record(id: id, at: stamp) { return known }
        let record: ConsentRecord?
        do {
            record = try await stores.consent.consentRecord(id: id)
        } catch  where TransientFault(error) != nil {
            // The catalog is away: a visitor seen before keeps the consent last read.
            guard let last = remembered.lastRecord(id: id) else { throw error }
            return last
        }
        remembered.remember(record, id: id, at: stamp)
        return record
    }

    /// Whether the request carries anything consent could be read from (a consent cookie or
    /// a once token). Without either, the answer is the anonymous one.
    func mayCarryConsent(_ request: Request) -> Bool {
        request.headers[.consentToken] != nil || request.cookies[ConsentOptions.cookieName] != nil
    }

    /// The consent id of the request's cookie, if it is correctly signed.
    func cookieConsentId(_ request: Request) -> String? {
        request.cookies[ConsentOptions.cookieName].flatMap { cookie.consentId(from: $0.value) }
    }

    /// Resolves the cookie and, if `useOnceToken`, redeems the `Consent-Token` header.
    func resolve(_ request: Request, useOnceToken: Bool) async throws -> ResolvedConsent {
        let settings = try await settings()
        let now = options.now()
        var resolved = ResolvedConsent(settings: settings)
        var permanent: ConsentDecision.Permanent?
        if let id = cookieConsentId(request), let record = try await consentRecord(id: id) {
            resolved.consentId = id
            resolved.record = record
            permanent = ConsentDecision.Permanent(
                services: record.granted, policyVersion: record.policyVersion, catalogHash: record.catalogHash,
                expiresAt: record.expiresAt, withdrawn: record.withdrawnAt != nil)
        }
        var onceGrant: ConsentDecision.Once?
        if useOnceToken, let token = request.headers[.consentToken],
            let grant = try await once.redeem(token, now: now)
        {
            onceGrant = ConsentDecision.Once(
                services: grant.services, policyVersion: grant.policyVersion, catalogHash: grant.catalogHash,
                expiresAt: grant.expiresAt)
        }
        // Expired consents are logged once by the maintenance job; here they are asked again.
        let decision = ConsentDecision(settings: settings, permanent: permanent, once: onceGrant, now: now)
        resolved.granted = decision.granted
        resolved.reaskRequired = decision.reaskRequired
        return resolved
    }

    /// The coarse facts about the visitor that the consent log keeps.
    func visitor(_ request: Request, context: GalleryRequestContext) async -> (browser: String, ipHash: String?) {
        let browser = BrowserFamily.of(userAgent: request.headers[.userAgent])
        guard options.hashAddresses, let address = context.clientAddress else { return (browser, nil) }
        return (browser, await hasher.hash(address, now: options.now()))
    }
}

/// The consent settings and visitors' records as last read, with the catalog stamp they
/// were read at: valid until anything is committed.
private final class RememberedConsent: Sendable {
    private let settings = Mutex<(stamp: CatalogStamp, settings: ConsentSettings)?>(nil)
    private let records = Mutex<[String: (stamp: CatalogStamp, record: ConsentRecord?)]>([:])
    /// Visitors remembered at most (a crowd of distinct cookies starts over).
    static let maximumRecords = 50_000

    /// The settings last read, whatever has been committed since.
    var lastSettings: ConsentSettings? { settings.withLock { $0?.settings } }

    /// `.some(nil)`: known to have had no record when last read.
    func lastRecord(id: String) -> ConsentRecord?? {
        records.withLock { entries in entries[id].map { $0.record } }
    }

    func settings(at stamp: CatalogStamp) -> ConsentSettings? {
        settings.withLock { $0.flatMap { $0.stamp == stamp ? $0.settings : nil } }
    }

    func remember(_ settings: ConsentSettings, at stamp: CatalogStamp) {
        self.settings.withLock { $0 = (stamp, settings) }
    }

    /// `.some(nil)`: known to have no record.
    func record(id: String, at stamp: CatalogStamp) -> ConsentRecord?? {
        records.withLock { entries in entries[id].flatMap { $0.stamp == stamp ? .some($0.record) : nil } }
    }

    func remember(_ record: ConsentRecord?, id: String, at stamp: CatalogStamp) {
        records.withLock { entries in
            if entries.count >= Self.maximumRecords { entries.removeAll(keepingCapacity: true) }
            entries[id] = (stamp, record)
        }
    }
}

extension HTTPField.Name {
    /// Carries a `once` consent's token with this page view's gallery request.
    public static let consentToken = Self("Consent-Token")!
}
