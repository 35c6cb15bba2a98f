public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// Admin tokens and the audit trail of several machines, in PostgreSQL: a token created
/// through one node authenticates on every node. Same contracts as the SQLite catalog's
/// (``AdminTokenStore``, ``AuditTrail``).
public struct PostgresAdminTokenStore: AdminTokenStore, AuditTrail {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    var client: PostgresDatabase { database }
    var logger: Logger { database.logger }

    // MARK: Tokens

    public func createToken(name: String, scope: AdminScope, now: Date) async throws -> AdminToken {
        let token = AdminToken.generate()
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO admin_token (id, name, scope, secret_hash, created_at)
                VALUES (\(token.id), \(name), \(scope.rawValue), \(token.secretHash), \(now))
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO audit (at, actor, action, target, new_value)
                VALUES (\(now), 'cli', 'token.create', \(name), \(scope.rawValue))
                """, logger: logger)
        }
        return token
    }

    public func authenticate(_ text: String, now: Date) async throws -> AdminTokenRecord? {
        guard let token = AdminToken(text: text) else { return nil }
        let record = try await records(
            try await client.query(
                "SELECT \(unescaped: Self.columns) FROM admin_token WHERE id = \(token.id)", logger: logger)
        ).first
        guard let record, record.revokedAt == nil, token.matches(secretHash: record.secretHash) else { return nil }
        // Recording use is best effort: a busy database must not fail a read request.
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            _ = try? await client.query(
                "UPDATE admin_token SET last_used_at = \(now) WHERE id = \(record.id)", logger: logger)
        }
        return record
    }

    public func tokens() async throws -> [AdminTokenRecord] {
        try await records(
            try await client.query(
                "SELECT \(unescaped: Self.columns) FROM admin_token ORDER BY created_at, id", logger: logger))
    }

    public func revokeToken(_ nameOrID: String, now: Date) async throws -> Int {
        try await database.transaction { connection in
            var count = 0
            for try await _ in try await connection.query(
                """
                UPDATE admin_token SET revoked_at = \(now)
                WHERE (name = \(nameOrID) OR id = \(nameOrID)) AND revoked_at IS NULL RETURNING id
                """, logger: logger)
            {
                count += 1
            }
            if count > 0 {
                try await connection.query(
                    "INSERT INTO audit (at, actor, action, target) VALUES (\(now), 'cli', 'token.revoke', \(nameOrID))",
                    logger: logger)
            }
            return count
        }
    }

    static let columns = "id, name, scope, secret_hash, created_at, last_used_at, revoked_at"

    func records(_ rows: PostgresRowSequence) async throws -> [AdminTokenRecord] {
        var records: [AdminTokenRecord] = []
        for try await (id, name, scope, secretHash, createdAt, lastUsedAt, revokedAt) in rows.decode(
            (String, String, String, String, Date, Date?, Date?).self)
        {
            guard let scope = AdminScope(rawValue: scope) else {
                throw PostgresCatalogError.unreadable("admin_token \(id): scope \(scope)")
            }
            var record = AdminTokenRecord(
                id: id, name: name, scope: scope, secretHash: secretHash, createdAt: createdAt)
            record.lastUsedAt = lastUsedAt
            record.revokedAt = revokedAt
            records.append(record)
        }
        return records
    }

    // MARK: Audit

    public func audit(since: Date?, limit: Int) async throws -> [AuditRecord] {
        let rows = try await client.query(
            """
            SELECT id, at, actor, action, target, field, old_value, new_value FROM audit
            WHERE at >= \(since ?? .distantPast) ORDER BY id DESC LIMIT \(max(1, min(limit, 1000)))
            """, logger: logger)
        var entries: [AuditRecord] = []
        for try await (id, at, actor, action, target, field, oldValue, newValue) in rows.decode(
            (Int64, Date, String, String, String, String?, String?, String?).self)
        {
            var entry = AuditRecord(
                at: at, actor: actor, action: action, target: target, field: field, oldValue: oldValue,
                newValue: newValue)
            entry.id = id
            entries.append(entry)
        }
        return entries
    }
}
