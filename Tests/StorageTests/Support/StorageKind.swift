import Catalog
import Foundation
import GRDB
import GalleryFixtures
import Logging
import PostgresCatalog
import PostgresNIO
import SQLiteCatalog
import Synchronization
import Testing

/// The storage implementations every suite here runs against.
enum StorageKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty catalog (a new SQLite file, or a new database on the throwaway
    /// cluster) and a data folder for the files beside it; `body` opens nodes on it.
    func withCatalog(_ body: (StorageCatalog) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-storage-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let catalog: StorageCatalog
        switch self {
        case .sqlite:
            catalog = StorageCatalog(kind: self, dataDirectory: folder, postgres: nil)
        case .postgres:
            catalog = StorageCatalog(
                kind: self, dataDirectory: folder, postgres: try await PostgresCluster.shared.newDatabase())
        }
        defer { catalog.closeNodes() }
        try await body(catalog)
    }

    /// A fresh job store (one node).
    func withStore(_ body: (any JobStore) async throws -> Void) async throws {
        try await withCatalog { catalog in try await body(try await catalog.node().jobs) }
    }
}

/// One throwaway catalog that several nodes (connections, as several machines would
/// have) open.
final class StorageCatalog: Sendable {
    let kind: StorageKind
    let dataDirectory: String
    /// The PostgreSQL catalog's `catalog.url`.
    let postgres: String?
    private let opened = Mutex<[StorageNode]>([])

    init(kind: StorageKind, dataDirectory: String, postgres: String?) {
        self.kind = kind
        self.dataDirectory = dataDirectory
        self.postgres = postgres
    }

    /// A node of its own on the catalog: a new SQLite connection pool, or a new PostgreSQL
    /// client. `consentLog` configures its consent log.
    func node(consentLog options: ConsentLogOptions = ConsentLogOptions()) async throws -> StorageNode {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let node: StorageNode
        if let postgres {
            guard case .postgres(let location) = try CatalogLocation(url: postgres) else {
                throw PostgresCluster.Unavailable(description: "\(postgres) names no PostgreSQL database")
            }
            let database = try await PostgresCatalog.PostgresDatabase(location: location, password: nil, logger: logger)
            let admin = PostgresAdminTokenStore(database: database)
            node = StorageNode(
                jobs: PostgresJobStore(database: database),
                consentLog: PostgresConsentLog(database: database, dataDirectory: dataDirectory, options: options),
                adminTokens: admin, audit: admin, onceGrants: PostgresOnceGrantStore(database: database),
                galleries: PostgresGalleryStore(database: database), admin: PostgresAdminStore(database: database),
                watcherLease: PostgresWatcherLease(database: database), raw: .postgres(database))
        } else {
            let catalog = try SQLiteStore(path: dataDirectory + "/catalog.sqlite", logger: logger, consentLog: options)
            node = StorageNode(
                jobs: catalog, consentLog: catalog, adminTokens: catalog, audit: catalog, onceGrants: catalog,
                galleries: catalog, admin: catalog,
                watcherLease: FileWatcherLease(path: dataDirectory + "/catalog.sqlite.watcher.lock"),
                raw: .sqlite(catalog, path: dataDirectory + "/catalog.sqlite"))
        }
        opened.withLock { $0.append(node) }
        return node
    }

    func closeNodes() {
        for node in opened.withLock({ $0 }) {
            switch node.raw {
            case .postgres(let database): database.close()
            case .sqlite(let catalog, _): try? catalog.close()
            }
        }
    }
}

/// One node's view of a catalog, through the protocols galleryd's targets use.
struct StorageNode: Sendable {
    enum Raw: Sendable {
        case sqlite(SQLiteStore, path: String)
        case postgres(PostgresCatalog.PostgresDatabase)
    }

    let jobs: any JobStore
    let consentLog: any ConsentLog
    let adminTokens: any AdminTokenStore
    let audit: any AuditTrail
    let onceGrants: any OnceGrantStore
    let galleries: any IngestCatalog & GalleryReader & EmbedStore
    let admin: any AdminStore
    let watcherLease: any WatcherLease
    let raw: Raw

    /// Runs SQL behind the protocols' back (what a tamperer with database access does):
    /// the statement for this catalog's kind.
    func execute(sqlite: String, postgres: String) async throws {
        switch raw {
        case .sqlite(_, let path):
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in try db.execute(sql: sqlite) }
        case .postgres(let database):
            try await database.client.query(PostgresQuery(unsafeSQL: postgres), logger: Logger(label: "test"))
        }
    }
}
