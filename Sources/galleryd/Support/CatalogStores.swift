import ArgumentParser
import Catalog
import Foundation
import Logging
import PostgresCatalog

/// The stores of the catalog `catalog.url` names, opened for a command: the SQLite catalog
/// (each protocol is one of its faces) or a PostgreSQL database. A bad location or an
/// unreachable server ends the command with a clear message.
struct CatalogStores: Sendable {
    let consentLog: any ConsentLog
    let adminTokens: any AdminTokenStore
    let audit: any AuditTrail

    static func open(_ configuration: GallerydConfiguration, logger: Logger) async throws -> CatalogStores {
        switch configuration.catalogLocation {
        case .sqlite:
            let catalog = try openSQLiteCatalog(configuration, logger: logger)
            return CatalogStores(consentLog: catalog, adminTokens: catalog, audit: catalog)
        case .postgres(let location):
            do {
                let database = try await PostgresDatabase(
                    location: location, password: configuration.catalogPassword, logger: logger)
                let admin = PostgresAdminStore(database: database)
                return CatalogStores(
                    consentLog: PostgresConsentLog(
                        database: database, dataDirectory: configuration.dataDirectory,
                        options: configuration.consentLogOptions),
                    adminTokens: admin, audit: admin)
            } catch {
                printError("galleryd: cannot open the catalog: \(error)")
                throw ExitCode.failure
            }
        }
    }

    static func open(_ common: CommonOptions) async throws -> CatalogStores {
        try await open(try await common.load(), logger: Logger(label: "galleryd"))
    }
}
