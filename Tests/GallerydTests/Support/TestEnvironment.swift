import Catalog
import Crypto
import Foundation
import GalleryCore
import GalleryFixtures
import Ingest
import Logging
import NIOCore
import Server

/// A media folder and a data folder in a fresh temp directory, with a real catalog and a
/// real ingestor on them. Removed when the test ends.
final class TestEnvironment: @unchecked Sendable {
    let root: URL
    let media: URL
    let data: URL
    let settings: IngestSettings
    let catalog: Catalog
    let ingestor: Ingestor

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
        catalog = try Catalog(
            path: data.appendingPathComponent("catalog.sqlite").path, logger: logger, consentLog: consentLog,
            statementTrace: statementTrace)
        ingestor = try Ingestor(settings: settings, catalog: catalog, logger: logger)
    }

    /// What the admin API asks the daemon to do, done here and now by this ingestor (the
    /// daemon queues it instead).
    var adminActions: AdminActions {
        let ingestor = self.ingestor
        return AdminActions(
            refreshAsset: { path in _ = await ingestor.ingest(relativePath: path, settled: true) },
            refreshGallery: { folder in
                for path in (try? await ingestor.catalog.assetPaths(under: folder)) ?? [] {
                    _ = await ingestor.ingest(relativePath: path, settled: true)
                }
            },
            retryFile: { path in _ = await ingestor.ingest(relativePath: path, settled: true) })
    }

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
        try await IngestPass(ingestor: ingestor).run()
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
