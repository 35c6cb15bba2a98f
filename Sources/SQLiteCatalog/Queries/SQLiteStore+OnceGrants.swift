public import Catalog
public import Foundation
import GRDB

extension SQLiteStore: OnceGrantStore {
    public func storeOnceGrant(_ grant: OnceGrant, tokenHash: String) async throws {
        let services = String(decoding: try JSONEncoder().encode(grant.services), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO onceGrant (tokenHash, services, policyVersion, catalogHash, embedId, expiresAt)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tokenHash, services, grant.policyVersion, grant.catalogHash, grant.embedId, grant.expiresAt,
                ])
        }
    }

    public func takeOnceGrant(tokenHash: String) async throws -> OnceGrant? {
        let row = try await pool.write { db in
            try Row.fetchOne(
                db,
                sql: """
                    DELETE FROM onceGrant WHERE tokenHash = ?
                    RETURNING services, policyVersion, catalogHash, embedId, expiresAt
                    """, arguments: [tokenHash])
        }
        guard let row else { return nil }
        return OnceGrant(
            services: try JSONDecoder().decode([String].self, from: Data((row["services"] as String).utf8)),
            policyVersion: row["policyVersion"], catalogHash: row["catalogHash"], embedId: row["embedId"],
            expiresAt: row["expiresAt"])
    }

    @discardableResult
    public func purgeOnceGrants(expiredBefore date: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM onceGrant WHERE expiresAt < ?", arguments: [date])
            return db.changesCount
        }
    }
}
