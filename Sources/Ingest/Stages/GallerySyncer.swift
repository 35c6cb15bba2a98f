public import Catalog
import Foundation
import GalleryCore
public import Logging
import Synchronization

/// Brings a folder's gallery up to date with its sidecar (``syncGallery(folder:settings:)``)
/// and its embeds, and gives a file job its gallery without syncing again when the sidecar
/// did not change (``gallery(forFileIn:settings:)``): a folder of 200 photos is synced once,
/// not once per photo.
public final class GallerySyncer: Sendable {
    let catalog: any IngestCatalog
    let embeds: EmbedPublisher
    let logger: Logger
    /// Sidecar problems already logged (folder and text): a gallery is synced for each of
    /// its files, the warning is given once.
    private let reportedSidecarProblems = Mutex<Set<String>>([])
    /// What each folder's gallery was last synced from here: its sidecar's size and mtime
    /// (nil: none) and the site's downloads setting.
    private let syncedFrom = Mutex<[String: SidecarStamp]>([:])

    struct SidecarStamp: Equatable {
        var sidecar: FileStatus?
        var siteDownloads: Bool
    }

    public init(catalog: any IngestCatalog, embeds: EmbedPublisher, logger: Logger) {
        self.catalog = catalog
        self.embeds = embeds
        self.logger = logger
    }

    /// Brings the catalog's gallery for a folder up to date with its sidecar.
    public func syncGallery(folder: String, settings: IngestSettings) async throws -> GalleryRecord {
        let stamp = sidecarStamp(folder, settings: settings)
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
        try await embeds.syncEmbeds(of: gallery, settings: settings)
        syncedFrom.withLock { $0[folder] = stamp }
        return gallery
    }

    /// A file's gallery: read when its sidecar is as this process last synced it from,
    /// else synced (``syncGallery(folder:settings:)``).
    func gallery(forFileIn folder: String, settings: IngestSettings) async throws -> GalleryRecord {
        if syncedFrom.withLock({ $0[folder] }) == sidecarStamp(folder, settings: settings),
            let gallery = try await catalog.gallery(folder: folder)
        {
            return gallery
        }
        return try await syncGallery(folder: folder, settings: settings)
    }

    private func sidecarStamp(_ folder: String, settings: IngestSettings) -> SidecarStamp {
        SidecarStamp(
            sidecar: FileStatus.of(settings.mediaRoot + "/" + folder + "/" + GallerySidecar.fileName),
            siteDownloads: settings.renditions.download.enabled)
    }
}
