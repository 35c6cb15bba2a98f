public import Foundation
public import GalleryCore

/// Where admin API tokens are kept, named for what the `admin token` commands and the
/// API's authentication do with them. Only a token's SHA-256 is stored; a token created on
/// one node works on every node of the catalog.
///
/// Two implementations: the SQLite catalog (``Catalog``) and PostgreSQL
/// (`PostgresAdminTokenStore`).
public protocol AdminTokenStore: Sendable {
    /// Creates a token (audited as `token.create`); the returned text is the only time the
    /// secret exists in clear.
    func createToken(name: String, scope: AdminScope, now: Date) async throws -> AdminToken

    /// The token's record when `text` is a valid, unrevoked token (constant-time check).
    /// Use is recorded at most once a minute, best effort.
    func authenticate(_ text: String, now: Date) async throws -> AdminTokenRecord?

    /// Every token, oldest first (never their secrets).
    func tokens() async throws -> [AdminTokenRecord]

    /// Revokes every active token with this name or id (audited); returns how many.
    func revokeToken(_ nameOrID: String, now: Date) async throws -> Int
}

/// The admin audit trail, newest first: who changed what, when, from which value to which.
public protocol AuditTrail: Sendable {
    /// Entries at or after `since`, at most `limit` (clamped to 1…1000).
    func audit(since: Date?, limit: Int) async throws -> [AuditRecord]
}

extension AdminTokenStore {
    public func createToken(name: String, scope: AdminScope) async throws -> AdminToken {
        try await createToken(name: name, scope: scope, now: Date())
    }

    public func authenticate(_ text: String) async throws -> AdminTokenRecord? {
        try await authenticate(text, now: Date())
    }

    public func revokeToken(_ nameOrID: String) async throws -> Int {
        try await revokeToken(nameOrID, now: Date())
    }
}

extension AuditTrail {
    public func audit(since: Date? = nil) async throws -> [AuditRecord] {
        try await audit(since: since, limit: 200)
    }
}
