import ArgumentParser
import Catalog
import Foundation
import Logging
import PostgresCatalog
import SQLiteCatalog

/// `galleryd catalog …`: moving a catalog between SQLite and PostgreSQL.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Move a catalog between SQLite and PostgreSQL.", subcommands: [Copy.self])

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy everything from one catalog into a new, empty one (sqlite:<path> or postgres://…); stop galleryd first. The data folder's consent keys and checkpoint file go with it."
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "The catalog to copy: sqlite:<path> or postgres://user@host:port/database.")
        var from: String

        @Option(help: "The new catalog (empty): sqlite:<path> or postgres://user@host:port/database.")
        var to: String

        func run() async throws {
            let configuration = try await common.load()
            var logger = Logger(label: "galleryd")
            logger.logLevel = .error
            let source = try await Self.open(from, option: "--from", configuration, logger: logger)
            let target = try await Self.open(to, option: "--to", configuration, logger: logger)
            do {
                // On a terminal, one progress line; plain output stays the summary alone.
                let line = ProgressLine(unit: "rows")
                line.status("reading \(from.hasPrefix("sqlite:") ? "SQLite" : "PostgreSQL") in one snapshot …")
                let contents = try await source.contents()
                let total = contents.rowCount
                line.update(done: 0, total: total, detail: "writing in one transaction")
                try await target.load(contents) { done in
                    line.update(done: done, total: total, detail: "writing in one transaction")
                }
                line.finish()
                let counts = contents.counts.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                print(
                    "copied \(from.hasPrefix("sqlite:") ? "SQLite" : "PostgreSQL") → \(to.hasPrefix("sqlite:") ? "SQLite" : "PostgreSQL"): \(counts)"
                )
            } catch let error as CatalogTransferError {
                printError("galleryd: \(error)")
                throw ExitCode.failure
            }
        }

        /// A catalog for the copy: its password, if PostgreSQL, as for `catalog.url`.
        static func open(_ url: String, option: String, _ configuration: GallerydConfiguration, logger: Logger)
            async throws -> any CatalogTransfer
        {
            let location: CatalogLocation
            do {
                location = try CatalogLocation(url: url) { GallerydConfiguration.absolute($0) }
            } catch {
                printError("galleryd: \(option): \(error)")
                throw ExitCode.failure
            }
            do {
                switch location {
                case .sqlite(let path):
                    try FileManager.default.createDirectory(
                        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    return try SQLiteStore(path: path, logger: logger)
                case .postgres(let postgres):
                    return PostgresCatalogTransfer(
                        database: try await PostgresDatabase(
                            location: postgres, password: configuration.catalogPassword, logger: logger))
                }
            } catch {
                printError("galleryd: cannot open \(option) \(location): \(error)")
                throw ExitCode.failure
            }
        }
    }
}
