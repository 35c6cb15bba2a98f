import ArgumentParser
import Catalog
import Configuration
import Foundation
import GalleryCore
import Hummingbird
import Imaging
import Ingest
import Logging
import Metrics
import Prometheus
import Server
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `galleryd serve`: reconcile the media folder with the catalog, watch it, and serve HTTP
/// until SIGTERM or SIGINT. SIGHUP reloads the configuration.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest what is in the media folder, watch it, and serve the gallery API over HTTP.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default 8080).")
    var port: Int?

    @Option(
        help:
            "web (HTTP API and portal), worker (ingest; HTTP health and metrics only) or all (both; default). Also GALLERYD_ROLE."
    )
    var role: String?

    var extraFlags: [AbsoluteConfigKey: ConfigValue] {
        var extra: [AbsoluteConfigKey: ConfigValue] = [:]
        if let role { extra["role"] = .init(.string(role), isSecret: false) }
        if let host { extra["http.host"] = .init(.string(host), isSecret: false) }
        if let port { extra["http.port"] = .init(.int(port), isSecret: false) }
        return extra
    }

    /// Says at start which origins count as the site's own: link previews, the canonical
    /// link and structured data need absolute URLs, and consent is recorded only from the
    /// site's own pages.
    static func announceOrigins(_ configuration: GallerydConfiguration, logger: Logger) {
        let origins = configuration.siteOrigins
        let names = origins.hosts.sorted().joined(separator: ", ")
        guard configuration.publicURLConfigured else {
            logger.notice(
                "site.publicURL is not set: pages take absolute links from the origin each request came to, if its host is one of the site's",
                metadata: ["hosts": "\(names.isEmpty ? "none: set site.publicURL or site.hosts" : names)"])
            return
        }
        guard let configured = origins.configured else {
            logger.warning(
                "site.publicURL is not an http(s) address: gallery pages go without canonical link, og:image and image URLs in their structured data",
                metadata: ["site.publicURL": "\(configuration.publicURL)"])
            return
        }
        logger.info("site origin", metadata: ["site.publicURL": "\(configured)", "hosts": "\(names)"])
        if let host = URLComponents(string: configured)?.host, SiteOrigins.isLoopback(host) {
            logger.notice(
                "site.publicURL is a loopback address: link previews and structured data will point at this machine only",
                metadata: ["site.publicURL": "\(configuration.publicURL)"])
        }
    }

    func run() async throws {
        let configuration = try await common.load(extra: extraFlags)
        let logger = bootstrapLogging(level: configuration.logLevel)
        guard FileStatus.following(configuration.mediaRoot)?.kind == .directory else {
            printError("galleryd: media folder \(configuration.mediaRoot) does not exist or is not a folder")
            throw ExitCode.failure
        }
        Self.announceOrigins(configuration, logger: logger)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let role = configuration.role
        let stores = try await CatalogStores.open(configuration, logger: logger)
        if role.servesAPI {
            // The checkpoint key's public half, in the journal from the start: with it (and
            // the latest checkpoint line) an auditor can tell a rolled-back consent log.
            let files = ConsentLogFiles(
                dataDirectory: configuration.dataDirectory, chainKeyFile: configuration.consent.logKeyFile)
            if let key = try? files.signingKey(creating: true)?.publicKey {
                logger.notice(
                    "consent checkpoint public key",
                    metadata: ["pem": "\(key.pem.split(separator: "\n").joined(separator: " "))"])
            }
        }
        let catalog = stores.catalog
        let settings = CurrentIngestSettings(configuration.ingestSettings)
        let stages = try IngestStages(settings: settings.value, stores: stores.ingest, logger: logger)
        let queue = JobQueue(store: stores.jobs, lease: configuration.jobLease, logger: logger)
        // Jobs a killed or crashed process of this machine held are taken again now rather
        // than when their leases run out; other processes' leases are left alone.
        for owner in try await queue.releaseLeasesOfEndedProcesses() {
            logger.notice("jobs of an ended process released", metadata: ["owner": "\(owner)"])
        }
        let reconciler = Reconciler(stages: stages, settings: settings, queue: queue, logger: logger)
        let workers = JobWorkers(
            stages: stages, settings: settings, queue: queue, reconciler: reconciler, count: configuration.workers,
            logger: logger)
        let readiness = Readiness()
        let notifier = SystemdNotifier()
        let startup = StartupProgress(notifier: notifier)

        let queueDepth = Gauge(label: "galleryd_queue_depth")
        let pendingWrites = Gauge(label: "galleryd_queue_pending_writes")
        let catalogAvailable = Gauge(label: "galleryd_catalog_available")
        let galleries = stores.server.galleries
        let vipsMemory = Gauge(label: "galleryd_vips_tracked_bytes")
        let metrics = MetricsExporter(registry: registry) {
            queueDepth.record(await queue.depth)
            pendingWrites.record(await queue.pendingWrites)
            catalogAvailable.record(galleries.availability() == .available ? 1 : 0)
            vipsMemory.record(VipsRuntime.trackedMemory)
        }
        let actions = AdminActions(
            refreshAsset: { path in
                // A web node renders nothing: the workers bind and render the change.
                if role.ingests {
                    _ = await workers.ingest(path, settled: true, settings: settings.value)
                } else {
                    await queue.submit([path], kind: .file)
                }
            },
            refreshGallery: { folder in
                await queue.submit((try? await catalog.assetPaths(under: folder)) ?? [], kind: .file)
            },
            retryFile: { path in await queue.submit([path], kind: .file) },
            attachEmbed: { request in
                do {
                    return try await stages.embeds.attachEmbed(
                        galleryFolder: request.galleryFolder, service: request.service, url: request.url,
                        kind: request.kind, title: request.title, uploadedPreview: request.preview,
                        actor: request.actor,
                        settings: settings.value)
                } catch let rejection as EmbedRejection {
                    throw EmbedRequestRejected(field: rejection.field, message: rejection.description)
                }
            })
        let server = GalleryServer(
            stores: stores.server, settings: try configuration.serverSettings(), readiness: readiness,
            metrics: metrics, actions: actions)
        let app = server.application(logger: logger, operationsOnly: !role.servesAPI) { channel in
            logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
            startup.serverBound()
        }
        let watch = MediaWatchService(
            mediaRoot: configuration.ingestSettings.mediaRoot, storage: stages.storage, settings: settings,
            queue: queue,
            reconciler: reconciler,
            rescanInterval: configuration.watch.rescanInterval ?? .seconds(365 * 24 * 3600),
            pollInterval: configuration.watch.pollInterval, logger: logger,
            readiness: { readiness.set("media", unmetBecause: $0) },
            onFirstReconcile: {
                readiness.set("startup", unmetBecause: nil)
                startup.reconcileQueued()
            })
        var services: [any Service] = []
        if role.servesAPI {
            // First, so that it stops last: its shutdown checkpoint covers every event.
            services.append(
                ConsentCheckpoints.service(
                    consentLog: stores.consentLog, interval: configuration.consent.checkpointInterval, logger: logger))
        } else {
            readiness.set("startup", unmetBecause: nil)
        }
        services.append(app)
        if role.servesAPI {
            let settings = server.settings
            services.append(PublicationTimer(reader: stores.server.galleries, clock: settings.clock, logger: logger))
            if !configuration.cache.purge.urls.isEmpty {
                services.append(
                    CachePurger(
                        settings: configuration.cache.purge, reader: stores.server.galleries, clock: settings.clock,
                        logger: logger))
            }
        }
        if role.ingests {
            services += [
                workers,
                LeasedWatch(
                    lease: stores.watcherLease, watch: watch,
                    logger: logger,
                    onStandby: {
                        readiness.set("startup", unmetBecause: nil)
                        startup.reconcileQueued()
                    }),
                RenditionCollector(
                    catalog: catalog, storage: stages.storage, gracePeriod: configuration.gracePeriod, logger: logger
                ).service(),
            ]
        } else {
            readiness.set("startup", unmetBecause: nil)
            startup.reconcileQueued()
        }
        services.append(
            ConfigurationReloader(
                common: common, extraFlags: extraFlags, settings: settings, reconciler: reconciler, logger: logger))
        if role.servesAPI {
            services.append(
                ConsentMaintenance(
                    consentLog: stores.consentLog, onceGrants: stores.server.onceGrants,
                    retention: configuration.consent.retention, logger: logger
                ).service())
        }
        services.append(SystemdLifecycle(notifier: notifier, logger: logger))
        logger.info("serving", metadata: ["role": "\(role.rawValue)", "catalog": "\(configuration.catalogLocation)"])
        // No part ends on a transient fault (each retries); should one end all the same, the
        // whole process shuts down gracefully and exits, and systemd restarts it — never a
        // half-stopped process that still holds leases. A part that ignores shutdown is
        // cancelled after 10 s, and one that ignores cancellation too ends the process 2.5 s
        // later (SystemdLifecycle's deadline, before the group's own fatal error at 13 s,
        // whose backtrace can take longer than the unit's TimeoutStopSec=15).
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map {
                .init(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        groupConfiguration.maximumCancellationDuration = .seconds(3)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        await stages.shutdown()
        stores.close()
        logger.info("stopped")
    }
}
