public import Catalog
import Foundation
import GRDB

extension SQLiteStore {
    /// Copies the whole catalog into a new SQLite file at `path` with SQLite's online backup
    /// API, page by page, inside one read transaction: one consistent snapshot, in constant
    /// memory, while writers go on (WAL). The copy is complete in its file (no WAL beside it).
    public func backup(to path: String) async throws {
        let destination = try DatabaseQueue(path: path)
        do {
            try pool.backup(to: destination)
            try destination.close()
        } catch {
            try? destination.close()
            throw error
        }
        try Self.makeSelfContained(path: path)
    }

    /// Switches a closed catalog file to a rollback journal: one file, readable by a
    /// read-only connection, that nothing needs a WAL beside (a backup's catalog).
    public static func makeSelfContained(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
    }

    /// ``backupSummary()`` of a catalog file, read through a read-only connection: the file
    /// is not written (it is a backup's, under its manifest's digest).
    public static func backupSummary(ofFile path: String) throws -> CatalogBackupSummary {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(summary)
    }

    /// What a backup's manifest records of a catalog, read in one transaction without
    /// loading its rows.
    public func backupSummary() async throws -> CatalogBackupSummary {
        try await pool.read(Self.summary)
    }

    static func summary(_ db: Database) throws -> CatalogBackupSummary {
        func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
        let chain = try Self.consentChainState(db)
        let keyed = try chain.map { state in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM consentEvent WHERE seq >= ?", arguments: [state.keyedFrom])
                ?? 0
        }
        return CatalogBackupSummary(
            counts: [
                "galleries": try count("gallery"), "assets": try count("asset"),
                "renditions": try count("rendition"), "quarantine": try count("quarantine"),
                "overrides": try count("galleryOverride") + count("assetOverride"), "embeds": try count("embed"),
                "jobs": try count("job"), "consent records": try count("consentRecord"),
                "consent events": try count("consentEvent"), "admin tokens": try count("adminToken"),
                "audit entries": try count("audit"),
            ], checkpointCopy: chain?.checkpointCopy, keyedConsentEvents: keyed ?? 0)
    }
}

/// Rows per kind (the keys of ``CatalogContents/counts``), the catalog's copy of its latest
/// consent checkpoint line, and how many consent events are hashed with the chain key.
public struct CatalogBackupSummary: Sendable, Equatable {
    public var counts: [String: Int]
    public var checkpointCopy: String?
    public var keyedConsentEvents: Int
}
