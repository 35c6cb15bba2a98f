public import Foundation

/// A `once` consent's grant, or a single-use grant for one embed's frame that a `once`
/// consent led to: what was granted, under which policy, until when.
public struct OnceGrant: Sendable, Equatable {
    /// The services granted (a frame grant: its embed's service).
    public var services: [String]
    public var policyVersion: String
    public var catalogHash: String
    /// The embed a frame grant is for; nil for the consent grant itself.
    public var embedId: String?
    public var expiresAt: Date

    public init(services: [String], policyVersion: String, catalogHash: String, embedId: String?, expiresAt: Date) {
        self.services = services
        self.policyVersion = policyVersion
        self.catalogHash = catalogHash
        self.embedId = embedId
        self.expiresAt = expiresAt
    }
}

/// Where `once` grants wait for their single use, named for what the consent API does
/// with them: store one under its token's hash, take it (at most once, on whichever node
/// the page's next request reaches), forget the expired ones. Only a SHA-256 of each token
/// is stored, so the catalog cannot be used to replay one.
///
/// Two implementations: the SQLite catalog (``Catalog``) and PostgreSQL
/// (`PostgresOnceGrantStore`); each takes a grant with one `DELETE … RETURNING`, so two
/// nodes given the same token cannot both use it.
public protocol OnceGrantStore: Sendable {
    func storeOnceGrant(_ grant: OnceGrant, tokenHash: String) async throws

    /// Removes and returns the grant stored under `tokenHash`, expired or not (the caller
    /// checks); nil when there is none or it was taken already.
    func takeOnceGrant(tokenHash: String) async throws -> OnceGrant?

    /// Forgets grants that expired before `date`; returns how many.
    @discardableResult
    func purgeOnceGrants(expiredBefore date: Date) async throws -> Int
}
