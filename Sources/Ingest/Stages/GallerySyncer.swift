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
        syncedRevisions.withLock { $0[folder] = gallery.revision }
        return gallery
    }

    /// At a reconcile: the folder's gallery, synced only when its sidecar changed since it
    /// was last synced — by this process or, through the stamps kept in the catalog
    /// (``loadStamps(settings:)``), an earlier one — and nothing else changed the gallery
    /// since (its revision is the one that sync left: an admin's change moves it). Parsing
    /// every sidecar again at each start took 22 s for 500 galleries of 200 captioned
    /// photos (Yams reads about 1 MB/s).
    public func syncGalleryIfChanged(folder: String, known: GalleryRecord?, settings: IngestSettings) async throws
        -> GalleryRecord
    {
        if let known, syncedRevisions.withLock({ $0[folder] }) == known.revision, isSynced(folder, settings: settings) {
            return known
        }
        return try await syncGallery(folder: folder, settings: settings)
    }

    /// The catalog's key for the sidecar stamps of the last reconcile.
    static let stampsKey = "sidecar-stamps"

    /// What the stamps were synced under (the time zone resolves sidecar times), and per
    /// folder the sidecar's size and mtime (none: no sidecar) and the revision the sync left.
    private struct StoredStamps: Codable, Equatable {
        struct Folder: Codable, Equatable {
            var size: Int?
            var modifiedAt: Double?
            var revision: Int
        }
        var timeZone: String
        var siteDownloads: Bool
        var folders: [String: Folder]
    }

    /// Takes the stamps an earlier process stored, once, if they were made under the same
    /// time zone and downloads setting (else every gallery is synced again).
    public func loadStamps(settings: IngestSettings) async throws {
        guard syncedFrom.withLock({ $0.isEmpty }), let text = try await catalog.storedValue(Self.stampsKey),
            let stored = try? JSONDecoder().decode(StoredStamps.self, from: Data(text.utf8)),
            stored.timeZone == settings.timeZone.identifier,
            stored.siteDownloads == settings.renditions.download.enabled
        else { return }
        for (folder, entry) in stored.folders {
            var sidecar: FileStatus?
            if let size = entry.size, let modifiedAt = entry.modifiedAt {
                sidecar = FileStatus(kind: .regular, size: size, modifiedAt: modifiedAt)
            }
            syncedFrom.withLock { $0[folder] = SidecarStamp(sidecar: sidecar, siteDownloads: stored.siteDownloads) }
            syncedRevisions.withLock { $0[folder] = entry.revision }
        }
    }

    /// Stores the stamps of the galleries synced (when they changed since last stored).
    public func saveStamps(settings: IngestSettings) async throws {
        let downloads = settings.renditions.download.enabled
        let revisions = syncedRevisions.withLock { $0 }
        let folders = syncedFrom.withLock { synced in
            synced.compactMap { folder, stamp -> (String, StoredStamps.Folder)? in
                guard stamp.siteDownloads == downloads, let revision = revisions[folder] else { return nil }
                return (
                    folder,
                    StoredStamps.Folder(
                        size: stamp.sidecar?.size, modifiedAt: stamp.sidecar?.modifiedAt, revision: revision)
                )
            }
        }
        let stored = StoredStamps(
            timeZone: settings.timeZone.identifier, siteDownloads: downloads,
            folders: Dictionary(folders, uniquingKeysWith: { first, _ in first }))
        guard stored != lastStored.withLock({ $0 }) else { return }
        try await catalog.store(
            String(decoding: try JSONEncoder.sorted.encode(stored), as: UTF8.self), for: Self.stampsKey)
        lastStored.withLock { $0 = stored }
    }

    private let lastStored = Mutex<StoredStamps?>(nil)
    /// The revision each folder's gallery had when this process last synced it.
    private let syncedRevisions = Mutex<[String: Int]>([:])

    /// A file's gallery: read when its sidecar is as this process last synced it from,
    /// else synced (``syncGallery(folder:settings:)``).
    func gallery(forFileIn folder: String, settings: IngestSettings) async throws -> GalleryRecord {
        if isSynced(folder, settings: settings), let gallery = try await catalog.gallery(folder: folder) {
            return gallery
        }
        return try await syncGallery(folder: folder, settings: settings)
    }

    /// Whether the folder's sidecar is as this process last synced the gallery from.
    private func isSynced(_ folder: String, settings: IngestSettings) -> Bool {
        syncedFrom.withLock { $0[folder] } == sidecarStamp(folder, settings: settings)
    }

    private func sidecarStamp(_ folder: String, settings: IngestSettings) -> SidecarStamp {
        SidecarStamp(
            sidecar: FileStatus.of(settings.mediaRoot + "/" + folder + "/" + GallerySidecar.fileName),
            siteDownloads: settings.renditions.download.enabled)
    }
}
