import ArgumentParser
import Catalog
import Foundation
import Ingest
import Logging
import PostgresCatalog
import SQLiteCatalog
import Server

/// The stores of the catalog `catalog.url` names, opened for a command: the SQLite catalog
/// (each protocol is one of its faces) or PostgreSQL. A bad location or an unreachable server
/// ends the command with a clear message.
struct CatalogStores: Sendable {
    let ingest: IngestStores
    let server: ServerStores
    let jobs: any JobStore
    let watcherLease: any WatcherLease
    /// The SQLite catalog, when that is where the catalog lives (checkpointed on shutdown).
    let sqlite: SQLiteStore?
    private let postgres: PostgresDatabase?

    var consentLog: any ConsentLog { server.consent }
    var adminTokens: any AdminTokenStore { server.tokens }
    var catalog: any IngestCatalog & EmbedStore { ingest.catalog }
    /// The whole catalog read out in one snapshot, or loaded whole (backup and restore).
    var transfer: any CatalogTransfer {
        if let sqlite { return sqlite }
        return PostgresCatalogTransfer(database: postgres!)
    }

    static func open(_ configuration: GallerydConfiguration, logger: Logger) async throws -> CatalogStores {
        switch configuration.catalogLocation {
        case .sqlite:
            // One machine: the SQLite store is every store.
            let catalog = try openSQLiteCatalog(configuration, logger: logger)
            return CatalogStores(
                ingest: IngestStores(catalog: catalog, jobs: catalog, consent: catalog),
                server: ServerStores(
                    galleries: catalog, admin: catalog, tokens: catalog, audit: catalog, consent: catalog,
                    onceGrants: catalog),
                jobs: catalog,
                watcherLease: FileWatcherLease(path: configuration.catalogPath + ".watcher.lock"), sqlite: catalog,
                postgres: nil)
        case .postgres(let location):
            let database: PostgresDatabase
            do {
                database = try await PostgresDatabase(
                    location: location, password: configuration.catalogPassword,
                    queryTimeout: configuration.catalogQueryTimeout, logger: logger)
            } catch {
                printError("galleryd: cannot open the catalog: \(error)")
                throw ExitCode.failure
            }
            let galleries = PostgresGalleryStore(database: database)
            let jobs = PostgresJobStore(database: database)
            let tokens = PostgresAdminTokenStore(database: database)
            let consent = PostgresConsentLog(
                database: database, dataDirectory: configuration.dataDirectory,
                options: configuration.consentLogOptions)
            return CatalogStores(
                ingest: IngestStores(catalog: galleries, jobs: jobs, consent: consent),
                server: ServerStores(
                    galleries: galleries, admin: PostgresAdminStore(database: database), tokens: tokens, audit: tokens,
                    consent: consent,
                    onceGrants: PostgresOnceGrantStore(database: database)),
                jobs: jobs, watcherLease: PostgresWatcherLease(database: database), sqlite: nil, postgres: database)
        }
    }

    static func open(_ common: CommonOptions) async throws -> CatalogStores {
        try await open(try await common.load(), logger: Logger(label: "galleryd"))
    }

    /// Writes SQLite's log back into its file and closes; a PostgreSQL client just stops.
    func close() {
        if let sqlite {
            sqlite.checkpointIfPossible()
            try? sqlite.close()
        }
        postgres?.close()
    }
}
