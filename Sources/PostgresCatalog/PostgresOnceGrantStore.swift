public import Catalog
public import Foundation
import Logging
import PostgresNIO

/// `once` grants of several machines, in PostgreSQL: a grant issued through one node is
/// taken by whichever node the page's next request reaches, and by one only
/// (`DELETE … RETURNING`). Same contract as the SQLite catalog's (``OnceGrantStore``).
public struct PostgresOnceGrantStore: OnceGrantStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    var logger: Logger { database.logger }

    public func storeOnceGrant(_ grant: OnceGrant, tokenHash: String) async throws {
        let services = try PostgresDatabase.json(grant.services)
        try await database.query(
            """
            INSERT INTO once_grant (token_hash, services, policy_version, catalog_hash, embed_id, expires_at)
            VALUES (\(tokenHash), \(services), \(grant.policyVersion), \(grant.catalogHash), \(grant.embedId),
                \(grant.expiresAt))
            """, logger: logger)
    }

    public func takeOnceGrant(tokenHash: String) async throws -> OnceGrant? {
        let rows = try await database.query(
            """
            DELETE FROM once_grant WHERE token_hash = \(tokenHash)
            RETURNING services, policy_version, catalog_hash, embed_id, expires_at
            """, logger: logger)
        for try await (services, policyVersion, catalogHash, embedId, expiresAt) in rows.decode(
            (String, String, String, String?, Date).self)
        {
            return OnceGrant(
                services: try PostgresDatabase.decode([String].self, services),
                policyVersion: policyVersion, catalogHash: catalogHash, embedId: embedId, expiresAt: expiresAt)
        }
        return nil
    }

    @discardableResult
    public func purgeOnceGrants(expiredBefore date: Date) async throws -> Int {
        var count = 0
        for try await _ in try await database.query(
            "DELETE FROM once_grant WHERE expires_at < \(date) RETURNING 1", logger: logger)
        {
            count += 1
        }
        return count
    }
}
