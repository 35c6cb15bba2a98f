import ArgumentParser
import Catalog
import Configuration
import Foundation
import Hummingbird
import Ingest
import Logging
import Server
import ServiceLifecycle
import UnixSignals

/// `galleryd serve`: reconcile the media folder with the catalog, then serve HTTP until
/// SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest what is in the media folder, then serve the gallery API over HTTP.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default 8080).")
    var port: Int?

    func run() async throws {
        var extra: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { extra["http.host"] = .init(.string(host), isSecret: false) }
        if let port { extra["http.port"] = .init(.int(port), isSecret: false) }
        let configuration = try await common.load(extra: extra)
        let logger = bootstrapLogging(level: configuration.logLevel)
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let catalog = try Catalog(path: configuration.catalogPath, logger: logger)
        let ingestor = try Ingestor(settings: configuration.ingestSettings, catalog: catalog, logger: logger)
        let readiness = Readiness()
        let server = GalleryServer(catalog: catalog, settings: configuration.serverSettings, readiness: readiness)
        let app = server.application(logger: logger) { channel in
            logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        }
        let reconcile = ReconcileService(ingestor: ingestor, readiness: readiness, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: reconcile)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        await ingestor.shutdown()
        try catalog.checkpoint()
    }
}

/// Runs one ingest pass at start-up, marks the daemon ready, then waits for shutdown.
struct ReconcileService: Service {
    let ingestor: Ingestor
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        do {
            let summary = try await ingestor.runPass()
            logger.info(
                "reconciled",
                metadata: [
                    "ingested": "\(summary.ingested.count)", "unchanged": "\(summary.unchanged)",
                    "quarantined": "\(summary.quarantined.count)", "removed": "\(summary.removed.count)",
                ])
            readiness.set("startup", unmetBecause: nil)
        } catch {
            logger.error("reconcile failed", metadata: ["error": "\(error)"])
            readiness.set("startup", unmetBecause: "\(error)")
        }
        try await gracefulShutdown()
    }
}
