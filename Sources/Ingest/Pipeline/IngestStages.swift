public import Catalog
import Foundation
public import Logging

/// The stores the ingest pipeline works on, each behind the protocol named for what ingest
/// does with it: one SQLite catalog on one machine, or PostgreSQL stores on several.
public struct IngestStores: Sendable {
    public var catalog: any IngestCatalog & EmbedStore
    public var jobs: any JobStore
    public var consent: any ConsentLog

    public init(catalog: any IngestCatalog & EmbedStore, jobs: any JobStore, consent: any ConsentLog) {
        self.catalog = catalog
        self.jobs = jobs
        self.consent = consent
    }
}

/// The ingest pipeline's stages, made once for a process and shared by the services that
/// run them. The flow reads one way: the watch and the settler notice changes, the
/// ``JobQueue`` holds them as jobs, ``JobWorkers`` hand each job to its stage with the
/// settings in force, the stage writes renditions to storage and then the catalog.
///
/// - ``MediaScanner``: what is in the media folder (reads only);
/// - ``GallerySyncer``: a folder's sidecar into its gallery, and the gallery's embeds
///   (``EmbedPublisher``);
/// - ``FilePublisher``: one file into a published asset or a quarantine entry;
/// - ``DownloadMaker``: a photo's print download, when the queue gets to it.
///
/// ```swift
/// let stages = try IngestStages(settings: settings, stores: stores, logger: logger)
/// let result = await stages.files.ingest(relativePath: "Konferenz/bild-1.jpg", settings: settings)
/// ```
public struct IngestStages: Sendable {
    public let catalog: any IngestCatalog & EmbedStore
    public let storage: any RenditionStorage
    public let threads: IngestThreads
    public let scanner: MediaScanner
    public let embeds: EmbedPublisher
    public let galleries: GallerySyncer
    public let files: FilePublisher
    public let downloads: DownloadMaker

    /// Starts the render threads (`settings.workers`) and opens the rendition folder.
    public init(settings: IngestSettings, stores: IngestStores, logger: Logger) throws {
        catalog = stores.catalog
        storage = try RenditionFolder(dataDirectory: settings.dataDirectory)
        threads = IngestThreads(workers: settings.workers, renderNice: settings.renderNice)
        scanner = MediaScanner(mediaRoot: settings.mediaRoot, followSymlinks: settings.followSymlinks)
        embeds = EmbedPublisher(
            catalog: stores.catalog, consentLog: stores.consent, storage: storage, pool: threads.pixels, logger: logger)
        galleries = GallerySyncer(catalog: stores.catalog, embeds: embeds, logger: logger)
        files = FilePublisher(
            catalog: stores.catalog, storage: storage, galleries: galleries, scanner: scanner, threads: threads,
            logger: logger)
        downloads = DownloadMaker(catalog: stores.catalog, storage: storage, threads: threads, logger: logger)
    }

    public func shutdown() async {
        await threads.shutdown()
    }
}
