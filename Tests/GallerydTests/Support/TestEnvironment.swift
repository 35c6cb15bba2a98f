import Catalog
import Crypto
import Foundation
import GalleryCore
import GalleryFixtures
import Ingest
import Logging
import NIOCore
import SQLiteCatalog
import Server

/// A media folder and a data folder in a fresh temp directory, with a real catalog and a
/// real ingest stages on them. Removed when the test ends.
final class TestEnvironment: @unchecked Sendable {
    let root: URL
    let media: URL
    let data: URL
    let settings: IngestSettings
    let catalog: SQLiteStore
    let current: CurrentIngestSettings
    let stages: IngestStages
    /// The daemon's workers over this catalog's queue, for publishing a file now and
    /// queuing its download (``ingest(_:settled:)``); never run as a service here.
    let workers: JobWorkers
    let reconciler: Reconciler

    /// A small rendition set keeps tests fast; the rules are the same as the default's.
    static let renditions = RenditionSettings(
        thumbnailWidth: 160, carouselWidths: [320, 640], formats: [.webp, .jpeg])

    init(
        renditions: RenditionSettings = TestEnvironment.renditions, limits: IngestLimits = IngestLimits(),
        consent: ConsentSettings = ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: []),
        fetchPreviews: Bool = true, consentLog: ConsentLogOptions = ConsentLogOptions(),
        statementTrace: (@Sendable (String) -> Void)? = nil, siteRights: RightsTerms = RightsTerms(),
        followSymlinks: Bool = false
    ) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-test-\(UUID().uuidString)")
        media = root.appendingPathComponent("media")
        data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        settings = IngestSettings(
            mediaRoot: media.path, dataDirectory: data.path, limits: limits, renditions: renditions, workers: 2,
            settleInterval: .milliseconds(300), followSymlinks: followSymlinks, consentDefaults: consent,
            fetchPreviews: fetchPreviews, siteRights: siteRights)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        catalog = try SQLiteStore(
            path: data.appendingPathComponent("catalog.sqlite").path, logger: logger, consentLog: consentLog,
            statementTrace: statementTrace)
        current = CurrentIngestSettings(settings)
        stages = try IngestStages(settings: settings, stores: IngestStores(catalog: catalog), logger: logger)
        let queue = JobQueue(store: catalog, pollInterval: nil, logger: logger)
        reconciler = Reconciler(stages: stages, settings: current, queue: queue, logger: logger)
        workers = JobWorkers(
            stages: stages, settings: current, queue: queue, reconciler: reconciler, count: 1, logger: logger)
        self.logger = logger
    }

    /// What the admin API asks the daemon to do, done here and now by these workers (the
    /// daemon queues it instead).
    var adminActions: AdminActions {
        let (workers, catalog, settings) = (self.workers, self.catalog, current.value)
        return AdminActions(
            refreshAsset: { path in _ = await workers.ingest(path, settled: true, settings: settings) },
            refreshGallery: { folder in
                for path in (try? await catalog.assetPaths(under: folder)) ?? [] {
                    _ = await workers.ingest(path, settled: true, settings: settings)
                }
            },
            retryFile: { path in _ = await workers.ingest(path, settled: true, settings: settings) })
    }

    /// Publishes one file now, as a file job would (its download queued).
    func ingest(_ relativePath: String, settled: Bool = true) async -> IngestOutcome {
        await workers.ingest(relativePath, settled: settled, settings: current.value)
    }

    let logger: Logger

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes a file into the media folder (creating its gallery folder).
    @discardableResult
    func write(_ relativePath: String, _ bytes: [UInt8]) throws -> URL {
        let url = media.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url
    }

    @discardableResult
    func write(_ relativePath: String, _ data: Data) throws -> URL {
        try write(relativePath, [UInt8](data))
    }

    func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: media.appendingPathComponent(relativePath))
    }

    func pass() async throws -> IngestSummary {
        try await IngestPass(stages: stages, jobs: catalog, settings: current, logger: logger).run()
    }

    /// Every file under the renditions folder, relative path → modification time.
    func renditionFiles() throws -> [String: Date] {
        let base = data.appendingPathComponent("renditions")
        var files: [String: Date] = [:]
        let enumerator = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            let values = try url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey])
            if values.isRegularFile == true {
                files[String(url.path.dropFirst(base.path.count + 1))] = values.contentModificationDate
            }
        }
        return files
    }

    /// SHA-256 of every file in the media folder, to prove originals are untouched.
    func mediaFingerprint() throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: media, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let bytes = try? Data(contentsOf: url)
            else { continue }
            result[url.path] = SHA256.hash(data: bytes).hexString
        }
        return result
    }
}

/// A JPEG with an EXIF caption (Latin-1 bytes allowed) and capture time.
func photo(
    caption: [UInt8]? = nil, copyright: String? = nil, takenAt: String? = nil, width: Int = 800, height: Int = 600,
    gps: Bool = false
) -> [UInt8] {
    var exif = ExifBlock()
    if let caption { exif.ascii(0x010E, caption) }
    if let copyright { exif.ascii(0x8298, copyright) }
    if let takenAt { exif.ascii(0x9003, takenAt, in: .exif) }
    if gps { exif.gps(latitude: 51.2277, longitude: 6.7735) }
    return FixtureJPEG(image: .gradient(width: width, height: height), exif: exif).bytes
}

func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { UInt8($0.value) }
}

extension ByteBuffer {
    var data: Data { Data(readableBytesView) }
}
