public import Catalog
import Crypto
import Foundation
import GalleryCore
import Imaging
public import Logging
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// What a file job did, and what it asks of the queue next.
public struct PublishedFile: Sendable, Equatable {
    public var outcome: IngestOutcome
    /// New renditions were published: print downloads wait for the quiet period, so that
    /// the next photo's web set does not share the cores.
    public var published: Bool
    /// The photo should have a print download and has none yet.
    public var wantsDownload: Bool

    public init(_ outcome: IngestOutcome, published: Bool = false, wantsDownload: Bool = false) {
        self.outcome = outcome
        self.published = published
        self.wantsDownload = wantsDownload
    }
}

/// Turns one file of the media folder into a published asset, or a quarantine entry, or
/// nothing when it is unchanged; says whether a print download is wanted (the queue makes
/// it later, ``DownloadMaker``).
///
/// Work on pixels, reading and hashing the original and fsync run on the render threads
/// (``IngestThreads``); the catalog is updated in one transaction after every rendition file
/// is in place.
///
/// ```swift
/// let result = await files.ingest(relativePath: "Konferenz/bild-1.jpg", settings: current.value)
/// ```
public struct FilePublisher: Sendable {
    let catalog: any IngestCatalog
    let storage: any RenditionStorage
    let galleries: GallerySyncer
    let scanner: MediaScanner
    let threads: IngestThreads
    let logger: Logger

    public init(
        catalog: any IngestCatalog, storage: any RenditionStorage, galleries: GallerySyncer, scanner: MediaScanner,
        threads: IngestThreads, logger: Logger
    ) {
        self.catalog = catalog
        self.storage = storage
        self.galleries = galleries
        self.scanner = scanner
        self.threads = threads
        self.logger = logger
    }

    /// Ingests one file, given by its path relative to the media root.
    ///
    /// - Parameter settled: the file is known to be complete. Otherwise a file modified
    ///   within the settle interval that does not decode is deferred, not quarantined:
    ///   it may still be being written.
    public func ingest(relativePath: String, settled: Bool = false, settings: IngestSettings) async -> PublishedFile {
        let started = ContinuousClock.now
        var result: PublishedFile
        do {
            result = try await process(relativePath, settled: settled, settings: settings)
        } catch let reason as QuarantineReason {
            result = PublishedFile(await hold(relativePath, reason: reason, settings: settings))
        } catch {
            result = PublishedFile(.failed(String(describing: error)))
        }
        let duration = ContinuousClock.now - started
        log(result.outcome, path: relativePath, duration: duration)
        IngestMetrics.record(result.outcome, duration: duration)
        return result
    }

    private func process(_ relativePath: String, settled: Bool, settings: IngestSettings) async throws
        -> PublishedFile
    {
        let location = try MediaLocation(relativePath: relativePath)
        if location.isIgnored { return PublishedFile(.ignored) }
        let absolute = settings.mediaRoot + "/" + relativePath
        guard var status = FileStatus.of(absolute) else {
            // Only a file that is really gone is removed; a stalled network file system
            // (EIO, ESTALE, …) is retried later instead of unpublishing its photos.
            let code = errno
            guard code == ENOENT || code == ENOTDIR else {
                throw SourceFile.ReadError(description: String(cString: strerror(code)), errno: code)
            }
            return PublishedFile(try await catalog.removeFile(path: relativePath) ? .removed : .ignored)
        }
        let readPath = try scanner.containedPath(relativePath)
        if status.kind == .symlink {
            guard let targetStatus = FileStatus.of(readPath) else {
                throw QuarantineReason.unreadable(detail: "broken symbolic link")
            }
            status = targetStatus
        }
        switch status.kind {
        case .regular: break
        case .directory: return PublishedFile(.ignored)
        case .symlink, .other: throw QuarantineReason.unreadable(detail: "not a regular file")
        }

        let existing = try await catalog.asset(atPath: relativePath)
        if existing == nil, let held = try await catalog.quarantineEntry(atPath: relativePath),
            held.fileSize == status.size, held.modifiedAt == status.modifiedAt
        {
            // Same version that failed before: not retried until it changes.
            return PublishedFile(.quarantined(.recorded(code: held.code, message: held.reason)))
        }
        let gallery = try await galleries.gallery(forFileIn: location.folder, settings: settings)
        if let existing, existing.fileSize == status.size, existing.modifiedAt == status.modifiedAt {
            return try await refresh(existing, in: gallery, readPath: readPath, status: status, settings: settings)
        }
        if let reason = settings.limits.check(fileSize: status.size) {
            if !settled, status.isRecent(within: settings.settleInterval) { return PublishedFile(.deferred) }
            throw reason
        }

        let (bytes, sourceHash) = try await read(readPath, maximumBytes: settings.limits.maxBytes)
        if let existing, existing.sourceHash == sourceHash {
            try await catalog.touch(path: relativePath, fileSize: status.size, modifiedAt: status.modifiedAt)
            return try await refresh(existing, in: gallery, readPath: readPath, status: status, settings: settings)
        }
        // Erased bytes stay unpublished wherever they are dropped, until an admin lifts the tombstone.
        if let tombstone = try await catalog.erasure(sourceHash: sourceHash) { throw tombstone.quarantineReason }
        do {
            return try await publish(
                bytes, sourceHash: sourceHash, location: location, relativePath: relativePath, status: status,
                gallery: gallery, existing: existing, settings: settings)
        } catch let reason as QuarantineReason where !settled && reason.mayBeIncomplete {
            // A file still being copied looks truncated: an upload that stalled for longer
            // than the settle time is waited for, not quarantined, until the grace runs
            // out. A published version stays published meanwhile.
            // A file that is no image at all (unknown format) is not an upload that ended
            // early: only the settle time applies to it.
            let grace =
                reason.endsEarly ? max(settings.settleInterval, settings.incompleteGrace) : settings.settleInterval
            if status.isRecent(within: grace) || FileStatus.of(readPath) != status {
                return PublishedFile(.deferred)
            }
            throw reason
        }
    }

    /// Probes, binds, renders (or reuses) and commits one version of a file.
    private func publish(
        _ bytes: Data, sourceHash: String, location: MediaLocation, relativePath: String, status: FileStatus,
        gallery: GalleryRecord, existing: AssetRecord?, settings: IngestSettings
    ) async throws -> PublishedFile {
        let probe = ImageProbe(limits: settings.limits)
        let probed = try await threads.pixels.runIfActive { () throws(QuarantineReason) -> ProbedImage in
            try probe.probe(bytes)
        }
        let assetID = AssetID(relativePath: relativePath)
        let text = try await bind(
            probed.metadata, assetID: assetID, nameInGallery: location.nameInGallery, gallery: gallery,
            settings: settings)
        let variant = RenditionVariant(
            sourceHash: sourceHash, settings: settings.renditions, rights: text.embeddedRights)
        let plan = settings.renditions.plan(sourceWidth: probed.width, sourceHeight: probed.height)
        var (renditions, placeholder, warnings) = try await renditions(
            for: bytes, plan: plan, variant: variant, rights: text.embeddedRights, assetID: assetID,
            settings: settings)
        warnings += MetadataBinder.ignoredRights(in: probed.metadata)
        for warning in warnings {
            logger.warning("ingest warning", metadata: ["path": "\(relativePath)", "warning": "\(warning)"])
        }
        let now = Date()
        let asset = AssetRecord(
            id: assetID, galleryId: gallery.id!, path: relativePath, fileName: location.nameInGallery,
            fileSize: status.size, modifiedAt: status.modifiedAt, sourceHash: sourceHash, format: probed.format,
            width: probed.width, height: probed.height, orientation: probed.orientation,
            takenAt: CaptureTime.taken(probed.metadata, defaultZone: settings.timeZone),
            metadata: probed.metadata, text: text, variantKey: variant.key, placeholder: placeholder,
            warnings: warnings, ingestedAt: existing?.ingestedAt ?? now, updatedAt: now)
        try await catalog.commit(asset: asset, renditions: renditions, now: now)
        return PublishedFile(
            .ingested(assetID, renditions: renditions.count), published: true,
            wantsDownload: try await wantsDownload(asset, in: gallery, settings: settings))
    }

    /// An unchanged file whose texts may have changed (sidecar edited, admin override,
    /// house credit reconfigured): texts are bound again from the stored metadata; only a
    /// changed credit or rendition setting makes new renditions, from the same bytes.
    private func refresh(
        _ asset: AssetRecord, in gallery: GalleryRecord, readPath: String, status: FileStatus,
        settings: IngestSettings
    ) async throws -> PublishedFile {
        let text = try await bind(
            asset.metadata, assetID: asset.id, nameInGallery: asset.fileName, gallery: gallery, settings: settings)
        let variant = RenditionVariant(
            sourceHash: asset.sourceHash, settings: settings.renditions, rights: text.embeddedRights)
        if variant.key == asset.variantKey {
            let plan = settings.renditions.plan(sourceWidth: asset.width, sourceHeight: asset.height)
            if !storage.hasAll(plan, of: variant) {
                return try await renderAgain(
                    asset, plan: plan, variant: variant, readPath: readPath, settings: settings)
            }
            let wanted = try await wantsDownload(asset, in: gallery, settings: settings)
            guard text != asset.text || asset.galleryId != gallery.id else {
                return PublishedFile(.unchanged, wantsDownload: wanted)
            }
            try await catalog.updateText(of: asset.id, to: text, galleryId: gallery.id!)
            return PublishedFile(.updated(asset.id), wantsDownload: wanted)
        }
        let (bytes, sourceHash) = try await read(readPath, maximumBytes: settings.limits.maxBytes)
        return try await publish(
            bytes, sourceHash: sourceHash,
            location: try MediaLocation(relativePath: asset.path), relativePath: asset.path, status: status,
            gallery: gallery, existing: asset, settings: settings)
    }

    /// A published file whose rendition files are gone (a restored data folder, a cleared
    /// rendition folder): made again from the original, under the same names. The catalog
    /// is left alone when they come out as they were (the same libvips: the gallery JSON and
    /// its ETag stay), else its rows are replaced.
    private func renderAgain(
        _ asset: AssetRecord, plan: [RenditionSpec], variant: RenditionVariant, readPath: String,
        settings: IngestSettings
    ) async throws -> PublishedFile {
        let (bytes, sourceHash) = try await read(readPath, maximumBytes: settings.limits.maxBytes)
        guard sourceHash == asset.sourceHash else {
            throw SourceFile.ReadError(description: "the file changed while it was read", errno: 0)
        }
        let (rows, placeholder, _) = try await renditions(
            for: bytes, plan: plan, variant: variant, rights: asset.text.embeddedRights, assetID: asset.id,
            settings: settings)
        let stored = try await catalog.assetSharingRenditions(
            sourceHash: asset.sourceHash, variantKey: asset.variantKey)
        let storedRows = stored?.1.filter { $0.role != .download } ?? []
        func key(_ row: RenditionRecord) -> String { "\(row.path) \(row.bytes) \(row.width)x\(row.height)" }
        if Set(rows.map(key)) != Set(storedRows.map(key)) {
            var updated = asset
            updated.placeholder = placeholder
            updated.updatedAt = Date()
            try await catalog.commit(asset: updated, renditions: rows, now: updated.updatedAt)
        }
        logger.info("renditions made again", metadata: ["path": "\(asset.path)", "renditions": "\(rows.count)"])
        // Its print download, if it had one, is made again by its own job (the queue's).
        return PublishedFile(
            .ingested(asset.id, renditions: rows.count), published: true,
            wantsDownload: try await catalog.download(of: asset.id) != nil)
    }

    private func bind(
        _ metadata: EmbeddedMetadata, assetID: AssetID, nameInGallery: String, gallery: GalleryRecord,
        settings: IngestSettings
    ) async throws -> BoundText {
        settings.binder.bind(
            // A sidecar (UTF-8 text) names a file that is not UTF-8 as it is shown.
            embedded: metadata,
            sidecar: gallery.sidecar?.items?[nameInGallery]
                ?? gallery.sidecar?.items?[MediaName.display(nameInGallery)],
            admin: try await catalog.overrides(for: assetID), galleryCredit: gallery.defaultCredit,
            galleryRights: gallery.rights)
    }

    /// The rendition rows for a variant, its placeholder and the render's warnings: reused
    /// when the same bytes and credit were rendered before (same file in two galleries),
    /// else rendered and written now.
    private func renditions(
        for bytes: Data, plan: [RenditionSpec], variant: RenditionVariant, rights: EmbeddedRights, assetID: AssetID,
        settings: IngestSettings
    ) async throws -> ([RenditionRecord], Placeholder?, [String]) {
        // The twin's download is not taken over here: its own job finds the file on disk.
        if storage.hasAll(plan, of: variant),
            let (twin, twinRows) = try await catalog.assetSharingRenditions(
                sourceHash: variant.sourceHash, variantKey: variant.key),
            case let rows = twinRows.filter({ $0.role != .download }),
            Set(rows.map { $0.path.split(separator: "/").last.map(String.init) ?? "" }) == Set(plan.map(\.fileName))
        {
            let reused = rows.map { row in
                var copy = row
                copy.assetId = assetID
                return copy
            }
            return (reused, twin.placeholder, twin.warnings)
        }
        let renderer = RenditionRenderer(settings: settings.renditions)
        // Throws QuarantineReason: undecodable pixels, or a rendition that could not be made.
        let storage = self.storage
        // Rendered and written (fsync) on the render threads.
        let rendered = try await threads.pixels.runIfActive {
            let rendered = try renderer.render(bytes, plan: plan, rights: rights)
            try storage.write(rendered, as: variant)
            return rendered
        }
        let rows = rendered.renditions.map { rendition in
            RenditionRecord(
                assetId: assetID, role: rendition.spec.role, width: rendition.width, height: rendition.height,
                format: rendition.spec.format, bytes: rendition.data.count,
                path: variant.relativePath(of: rendition.spec))
        }
        return (rows, rendered.placeholder, rendered.warnings)
    }

    func hold(_ relativePath: String, reason: QuarantineReason, settings: IngestSettings) async -> IngestOutcome {
        let status = FileStatus.of(settings.mediaRoot + "/" + relativePath)
        let entry = QuarantineRecord(
            path: relativePath, code: reason.code, reason: reason.message, fileSize: status?.size,
            modifiedAt: status?.modifiedAt, quarantinedAt: Date())
        do {
            try await catalog.quarantine(entry)
        } catch {
            return .failed("cannot record quarantine: \(error)")
        }
        return .quarantined(reason)
    }

    private func log(_ outcome: IngestOutcome, path: String, duration: Duration) {
        let milliseconds = String(
            Int((Double(duration.components.attoseconds) / 1e15).rounded()) + Int(duration.components.seconds) * 1000)
        switch outcome {
        case .ingested(let id, let count):
            logger.info(
                "ingested",
                metadata: ["path": "\(path)", "asset": "\(id)", "renditions": "\(count)", "ms": "\(milliseconds)"])
        case .updated(let id):
            logger.info("texts updated", metadata: ["path": "\(path)", "asset": "\(id)"])
        case .quarantined(.recorded):
            logger.debug("still quarantined", metadata: ["path": "\(path)"])
        case .quarantined(let reason):
            logger.warning(
                "quarantined", metadata: ["path": "\(path)", "code": "\(reason.code)", "reason": "\(reason.message)"])
        case .removed:
            logger.info("removed", metadata: ["path": "\(path)"])
        case .deferred:
            logger.info("deferred: still being written", metadata: ["path": "\(path)"])
        case .failed(let message):
            logger.error("ingest failed", metadata: ["path": "\(path)", "error": "\(message)"])
        case .unchanged, .ignored:
            logger.debug("unchanged", metadata: ["path": "\(path)"])
        }
    }

    /// Reads (up to `maximumBytes`, from a network file system perhaps) and hashes an
    /// original on the render threads: both block.
    /// - Throws: the read error when it passes (retried with back-off as a `failed`
    ///   outcome, never quarantined), else ``QuarantineReason/unreadable(detail:)``.
    private func read(_ path: String, maximumBytes: Int) async throws -> (Data, String) {
        do {
            return try await threads.pixels.runIfActive { try SourceFile.readHashed(path, maximumBytes: maximumBytes) }
        } catch let error as SourceFile.ReadError where error.isTransient {
            throw error
        } catch let error as SourceFile.ReadError {
            throw QuarantineReason.unreadable(detail: error.description)
        }
    }

    /// Whether the photo should get a print download now: its gallery and the site offer
    /// them and it has none. One that may no longer be offered is withdrawn here.
    private func wantsDownload(_ asset: AssetRecord, in gallery: GalleryRecord, settings: IngestSettings)
        async throws -> Bool
    {
        let existing = try await catalog.download(of: asset.id)
        if !gallery.downloads || !settings.renditions.download.enabled {
            if existing != nil { try await catalog.setDownload(of: asset.id, variantKey: asset.variantKey, to: nil) }
            return false
        }
        return existing == nil
    }
}

extension QuarantineReason {
    /// Failures a file still being written would also show.
    var mayBeIncomplete: Bool {
        switch self {
        case .emptyFile, .undecodable, .unsupportedFormat: true
        default: false
        }
    }

    /// A file of a known image format (or none yet) whose data ends early: what an upload
    /// that stalled leaves.
    var endsEarly: Bool {
        switch self {
        case .emptyFile, .undecodable: true
        default: false
        }
    }
}

extension FileStatus {
    func isRecent(within interval: Duration, now: Date = Date()) -> Bool {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        return now.timeIntervalSince1970 - modifiedAt < seconds
    }
}

/// A path relative to the media root, split into its gallery folder and its name inside
/// that gallery (which may cross sub-folders: `Tag 1/bild.jpg`).
struct MediaLocation {
    var folder: String
    var nameInGallery: String
    var isIgnored: Bool

    init(relativePath: String) throws(QuarantineReason) {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts.contains(where: \.isEmpty), !parts.contains(".."), !parts.contains(".") else {
            throw .notInGallery
        }
        folder = parts[0]
        nameInGallery = parts.dropFirst().joined(separator: "/")
        isIgnored = parts.contains { MediaPath.isIgnored(fileName: $0) }
    }
}
