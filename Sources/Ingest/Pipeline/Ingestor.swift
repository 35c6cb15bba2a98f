public import Catalog
import Crypto
public import Foundation
import GalleryCore
import Imaging
public import Logging
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Turns one file of the media folder into a published asset, or a quarantine entry, or
/// nothing when it is unchanged.
///
/// Work on pixels runs on a dedicated thread pool (libvips blocks); the catalog is updated
/// in one transaction after every rendition file is in place.
///
/// ```swift
/// let ingestor = try Ingestor(settings: settings, catalog: catalog, logger: logger)
/// let outcome = await ingestor.ingest(relativePath: "Konferenz/bild-1.jpg")
/// ```
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

    /// One SQLite catalog as every store.
    public init(catalog: Catalog) {
        self.init(catalog: catalog, jobs: catalog, consent: catalog)
    }
}

public final class Ingestor: Sendable {
    public let catalog: any IngestCatalog & EmbedStore
    let jobs: any JobStore
    let consentLog: any ConsentLog
    public let store: any RenditionStorage
    let previews: PreviewFetcher
    let pool: NIOThreadPool
    /// One thread for print downloads: at most one is made at a time, at the lowest CPU
    /// priority (a thread that only ever makes downloads never needs its priority raised
    /// back, which an unprivileged process may not do).
    let downloadPool: NIOThreadPool
    let logger: Logger
    /// The media root with symlinks resolved, to tell whether a link points inside it.
    let resolvedMediaRoot: String
    /// How long publishing must pause before a download job is due (0: at once).
    let downloadQuietPeriod: TimeInterval
    private let currentSettings: Mutex<IngestSettings>
    /// Sidecar problems already logged (folder and text): a gallery is synced for each of
    /// its files, the warning is given once.
    private let reportedSidecarProblems = Mutex<Set<String>>([])
    /// What each folder's gallery was last synced from here: its sidecar's size and mtime
    /// (nil: none) and the site's downloads setting. A file job in a folder whose sidecar
    /// did not change since reads the gallery instead of syncing it again, so a folder of
    /// 200 photos is synced once, not once per photo.
    private let syncedFrom = Mutex<[String: SidecarStamp]>([:])

    struct SidecarStamp: Equatable {
        var sidecar: FileStatus?
        var siteDownloads: Bool
    }

    /// One machine: every store is the SQLite catalog.
    public convenience init(settings: IngestSettings, catalog: Catalog, logger: Logger) throws {
        try self.init(settings: settings, stores: IngestStores(catalog: catalog), logger: logger)
    }

    /// - Parameter downloadQuietPeriod: how long, in seconds, publishing must pause before a
    ///   download is made. A daemon waits (``defaultDownloadQuietPeriod``) so that the next
    ///   photo's web set does not share the cores; a one-shot pass need not, since downloads
    ///   are claimed only once no web set is left to claim.
    public init(
        settings: IngestSettings, stores: IngestStores, logger: Logger,
        downloadQuietPeriod: TimeInterval = Ingestor.defaultDownloadQuietPeriod
    ) throws {
        self.downloadQuietPeriod = downloadQuietPeriod
        self.currentSettings = Mutex(settings)
        self.catalog = stores.catalog
        self.jobs = stores.jobs
        self.consentLog = stores.consent
        self.logger = logger
        self.store = try RenditionFolder(dataDirectory: settings.dataDirectory)
        self.previews = PreviewFetcher(storage: store)
        self.resolvedMediaRoot = resolvedPath(settings.mediaRoot) ?? settings.mediaRoot
        self.pool = NIOThreadPool(numberOfThreads: settings.workers)
        pool.start()
        self.downloadPool = NIOThreadPool(numberOfThreads: 1)
        downloadPool.start()
        VipsRuntime.start()
        RenderPriority.set(settings.renderNice)
    }

    /// The settings in force; ``reload(_:)`` may change them between jobs.
    public var settings: IngestSettings { currentSettings.withLock { $0 } }

    /// Takes new limits, renditions, credit and time zone (SIGHUP). The media and data
    /// folders and the number of workers stay as they were started.
    public func reload(_ settings: IngestSettings) {
        currentSettings.withLock { current in
            current.limits = settings.limits
            current.renditions = settings.renditions
            current.houseCredit = settings.houseCredit
            current.timeZone = settings.timeZone
            current.settleInterval = settings.settleInterval
            current.consentDefaults = settings.consentDefaults
            current.fetchPreviews = settings.fetchPreviews
            current.siteRights = settings.siteRights
        }
        RenderPriority.set(settings.renderNice)
    }

    public func shutdown() async {
        try? await pool.shutdownGracefully()
        try? await downloadPool.shutdownGracefully()
    }

    /// Brings the catalog's gallery for a folder up to date with its sidecar.
    public func syncGallery(folder: String) async throws -> GalleryRecord {
        let stamp = sidecarStamp(folder)
        var loaded = await SidecarLoader.load(
            folderPath: settings.mediaRoot + "/" + folder, maximumBytes: settings.maxSidecarBytes)
        if let error = loaded.error {
            logger.warning("sidecar unreadable", metadata: ["folder": "\(folder)", "error": "\(error)"])
            // The gallery keeps its last good sidecar; the error is shown to admins beside it.
            loaded.sidecar = try await catalog.gallery(folder: folder)?.sidecar
        } else {
            // Times without an offset are read in the site's zone once, here: stored, they name instants.
            loaded.sidecar = loaded.sidecar?.resolvingTimes(in: settings.timeZone)
        }
        for problem in (loaded.sidecar?.rightsProblems ?? []) + (loaded.sidecar?.schedule.problems ?? [])
        where reportedSidecarProblems.withLock({ $0.insert(folder + "\u{1F}" + problem).inserted }) {
            logger.warning("sidecar value ignored", metadata: ["folder": "\(folder)", "problem": "\(problem)"])
        }
        let gallery = try await catalog.syncGallery(
            folder: folder, sidecar: loaded.sidecar, sidecarError: loaded.error,
            siteDownloads: settings.renditions.download.enabled)
        try await syncEmbeds(of: gallery)
        syncedFrom.withLock { $0[folder] = stamp }
        return gallery
    }

    /// A file's gallery: read when its sidecar is as this process last synced it from,
    /// else synced (``syncGallery(folder:)``).
    func gallery(forFileIn folder: String) async throws -> GalleryRecord {
        if syncedFrom.withLock({ $0[folder] }) == sidecarStamp(folder),
            let gallery = try await catalog.gallery(folder: folder)
        {
            return gallery
        }
        return try await syncGallery(folder: folder)
    }

    private func sidecarStamp(_ folder: String) -> SidecarStamp {
        SidecarStamp(
            sidecar: FileStatus.of(settings.mediaRoot + "/" + folder + "/" + GallerySidecar.fileName),
            siteDownloads: settings.renditions.download.enabled)
    }

    /// Ingests one file, given by its path relative to the media root.
    ///
    /// - Parameter settled: the file is known to be complete. Otherwise a file modified
    ///   within the settle interval that does not decode is deferred, not quarantined:
    ///   it may still be being written.
    public func ingest(
        relativePath: String, settled: Bool = false
    ) async -> IngestOutcome {
        let started = ContinuousClock.now
        let outcome: IngestOutcome
        do {
            outcome = try await process(relativePath, settled: settled)
        } catch let reason as QuarantineReason {
            outcome = await hold(relativePath, reason: reason)
        } catch {
            outcome = .failed(String(describing: error))
        }
        let duration = ContinuousClock.now - started
        log(outcome, path: relativePath, duration: duration)
        IngestMetrics.record(outcome, duration: duration)
        return outcome
    }

    private func process(_ relativePath: String, settled: Bool) async throws
        -> IngestOutcome
    {
        let settings = self.settings
        let location = try MediaLocation(relativePath: relativePath)
        if location.isIgnored { return .ignored }
        let absolute = settings.mediaRoot + "/" + relativePath
        guard var status = FileStatus.of(absolute) else {
            // Only a file that is really gone is removed; a stalled network file system
            // (EIO, ESTALE, …) is retried later instead of unpublishing its photos.
            let code = errno
            guard code == ENOENT || code == ENOTDIR else {
                throw SourceFile.ReadError(description: String(cString: strerror(code)), errno: code)
            }
            return try await catalog.removeFile(path: relativePath) ? .removed : .ignored
        }
        let readPath = try containedPath(relativePath)
        if status.kind == .symlink {
            guard let targetStatus = FileStatus.of(readPath) else {
                throw QuarantineReason.unreadable(detail: "broken symbolic link")
            }
            status = targetStatus
        }
        switch status.kind {
        case .regular: break
        case .directory: return .ignored
        case .symlink, .other: throw QuarantineReason.unreadable(detail: "not a regular file")
        }

        let existing = try await catalog.asset(atPath: relativePath)
        if existing == nil, let held = try await catalog.quarantineEntry(atPath: relativePath),
            held.fileSize == status.size, held.modifiedAt == status.modifiedAt
        {
            // Same version that failed before: not retried until it changes.
            return .quarantined(.recorded(code: held.code, message: held.reason))
        }
        let gallery = try await self.gallery(forFileIn: location.folder)
        if let existing, existing.fileSize == status.size, existing.modifiedAt == status.modifiedAt {
            return try await refresh(existing, in: gallery, readPath: readPath, status: status, settings: settings)
        }
        if let reason = settings.limits.check(fileSize: status.size) {
            if !settled, status.isRecent(within: settings.settleInterval) { return .deferred }
            throw reason
        }

        // Reading (up to ingest.maxBytes, from a network file system perhaps) and hashing
        // block: on the render pool, not on the cooperative threads that serve requests.
        let (sourcePath, maximumBytes) = (readPath, settings.limits.maxBytes)
        let (bytes, sourceHash): (Data, String)
        do {
            (bytes, sourceHash) = try await pool.runIfActive {
                let bytes = try SourceFile.read(sourcePath, maximumBytes: maximumBytes)
                return (bytes, SHA256.hash(data: bytes).hexString)
            }
        } catch let error as SourceFile.ReadError where error.isTransient {
            throw error  // retried with back-off (a `failed` outcome), never quarantined
        } catch let error as SourceFile.ReadError {
            throw QuarantineReason.unreadable(detail: error.description)
        }
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
                return .deferred
            }
            throw reason
        }
    }

    /// The file to read for a path of the media folder, resolved (every symbolic link on the
    /// way) and checked to lie inside the media root: the one rule every path that reaches a
    /// file goes through (start-up scan, inotify, folder rescans, SIGHUP, an admin's retry).
    /// A folder on the way that is a symbolic link is followed only with
    /// `watch.followSymlinks`, and then only to a folder inside the media root; a symbolic
    /// link to a file is followed to a file inside it.
    /// - Throws: ``QuarantineReason/symlinkedFolder(folder:)``,
    ///   ``QuarantineReason/symlinkOutsideMediaRoot(target:)``, or `unreadable` for a broken link.
    func containedPath(_ relativePath: String) throws(QuarantineReason) -> String {
        let absolute = settings.mediaRoot + "/" + relativePath
        if !settings.followSymlinks {
            // The folders on the way, as named: none may be a link.
            var folder = settings.mediaRoot
            for part in relativePath.split(separator: "/").dropLast() {
                folder += "/" + part
                if FileStatus.of(folder)?.kind == .symlink {
                    throw .symlinkedFolder(folder: String(folder.dropFirst(settings.mediaRoot.count + 1)))
                }
            }
        }
        // Every link on the way resolved, the file must lie inside the media root.
        guard let target = resolvedPath(absolute) else {
            if FileStatus.of(absolute)?.kind == .symlink { throw .unreadable(detail: "broken symbolic link") }
            return absolute
        }
        guard target.hasPrefix(resolvedMediaRoot + "/") else { throw .symlinkOutsideMediaRoot(target: target) }
        return target
    }

    /// Probes, binds, renders (or reuses) and commits one version of a file.
    private func publish(
        _ bytes: Data, sourceHash: String, location: MediaLocation, relativePath: String, status: FileStatus,
        gallery: GalleryRecord, existing: AssetRecord?, settings: IngestSettings
    ) async throws -> IngestOutcome {
        let probe = ImageProbe(limits: settings.limits)
        let probed = try await pool.runIfActive { () throws(QuarantineReason) -> ProbedImage in try probe.probe(bytes) }
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
        try await scheduleDownload(of: asset, in: gallery, published: true)
        return .ingested(assetID, renditions: renditions.count)
    }

    /// An unchanged file whose texts may have changed (sidecar edited, admin override,
    /// house credit reconfigured): texts are bound again from the stored metadata; only a
    /// changed credit or rendition setting makes new renditions, from the same bytes.
    private func refresh(
        _ asset: AssetRecord, in gallery: GalleryRecord, readPath: String, status: FileStatus,
        settings: IngestSettings
    ) async throws -> IngestOutcome {
        let text = try await bind(
            asset.metadata, assetID: asset.id, nameInGallery: asset.fileName, gallery: gallery, settings: settings)
        let variant = RenditionVariant(
            sourceHash: asset.sourceHash, settings: settings.renditions, rights: text.embeddedRights)
        if variant.key == asset.variantKey {
            try await scheduleDownload(of: asset, in: gallery)
            guard text != asset.text || asset.galleryId != gallery.id else { return .unchanged }
            try await catalog.updateText(of: asset.id, to: text, galleryId: gallery.id!)
            return .updated(asset.id)
        }
        let bytes: Data
        do {
            bytes = try SourceFile.read(readPath, maximumBytes: settings.limits.maxBytes)
        } catch  where error.isTransient {
            throw error  // retried with back-off (a `failed` outcome), never quarantined
        } catch {
            throw QuarantineReason.unreadable(detail: error.description)
        }
        return try await publish(
            bytes, sourceHash: SHA256.hash(data: bytes).hexString,
            location: try MediaLocation(relativePath: asset.path), relativePath: asset.path, status: status,
            gallery: gallery, existing: asset, settings: settings)
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
        if store.hasAll(plan, of: variant),
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
        let rendered = try await pool.runIfActive { try renderer.render(bytes, plan: plan, rights: rights) }
        try store.write(rendered, as: variant)
        let rows = rendered.renditions.map { rendition in
            RenditionRecord(
                assetId: assetID, role: rendition.spec.role, width: rendition.width, height: rendition.height,
                format: rendition.spec.format, bytes: rendition.data.count,
                path: variant.relativePath(of: rendition.spec))
        }
        return (rows, rendered.placeholder, rendered.warnings)
    }

    func hold(_ relativePath: String, reason: QuarantineReason) async -> IngestOutcome {
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
