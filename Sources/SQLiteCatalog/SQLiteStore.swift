public import Catalog
import Foundation
import GRDB
import GalleryCore
public import Logging

/// The catalog on one machine: one SQLite file (WAL mode, through GRDB) is every store of
/// the contract in `Catalog` — galleries, assets, renditions, quarantine, jobs, overrides,
/// audit, admin tokens and the consent log. One file per data dir; `ingest`, `serve` and
/// the admin commands may open it at the same time.
///
/// Every change that others can see happens in one transaction.
///
/// ```swift
/// let catalog = try SQLiteStore(path: "var/catalog.sqlite", logger: logger)
/// let list = try await catalog.galleryList()
/// ```
public final class SQLiteStore: Sendable {
    /// Reads run concurrently with the single writer (WAL).
    let pool: DatabasePool
    let logger: Logger
    /// How the consent log is keyed and checkpointed.
    let consentLogOptions: ConsentLogOptions
    /// Whether anything was committed since a stamp was taken (``stamp()``).
    let changes: CatalogChanges

    public convenience init(path: String, logger: Logger, consentLog: ConsentLogOptions = ConsentLogOptions())
        throws
    {
        try self.init(path: path, logger: logger, consentLog: consentLog, statementTrace: nil)
    }

    /// `statementTrace` sees the SQL of every statement run, with `?` for its arguments
    /// (tests check the query plans of the hot paths with it).
    package init(
        path: String, logger: Logger, consentLog: ConsentLogOptions,
        statementTrace: (@Sendable (String) -> Void)?
    ) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A second process (an `ingest` beside `serve`) waits for the writer rather than failing.
        configuration.busyMode = .timeout(15)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let statementTrace {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { statementTrace(statement.sql) }
                }
            }
        }
        try Self.refuseNewerSchema(path: path)
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.logger = logger
        self.consentLogOptions = consentLog
        try Self.migrator.migrate(pool)
        self.changes = try CatalogChanges(pool: pool, path: path)
    }

    /// A catalog with migrations this galleryd does not know was written by a newer one:
    /// refused before anything writes to it — read through a read-only connection first,
    /// since opening a pool writes (GRDB makes sure a WAL file exists) and the migrator
    /// would leave unknown migrations be.
    static func refuseNewerSchema(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        let migrator = Self.migrator
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let unknown = try queue.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let known = Set(migrator.migrations)
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                .filter { !known.contains($0) }
        }
        guard unknown.isEmpty else {
            throw CatalogSchemaError(catalog: path, unknown: unknown, known: migrator.migrations.last ?? "none")
        }
    }

    /// The newest migration this galleryd writes (what a backup's catalog file has).
    public static var schemaVersion: String { migrator.migrations.last ?? "none" }

    /// `PRAGMA integrity_check`; "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// Writes the WAL back into the main file; called on shutdown.
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Checkpoints, logging rather than failing when it cannot (a full disk): the WAL
    /// stays valid and SQLite checkpoints it next time.
    public func checkpointIfPossible() {
        do {
            try checkpoint()
        } catch {
            logger.warning("catalog checkpoint postponed", metadata: ["error": "\(error)"])
        }
    }

    public func close() throws {
        try pool.close()
        try changes.close()
    }
}

/// The SQLite store is every store of one machine (each protocol is one of its faces).
extension SQLiteStore: IngestCatalog, GalleryReader, EmbedStore, AdminStore {}
