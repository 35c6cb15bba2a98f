import Catalog
import Foundation
import GalleryCore
public import Logging

/// Brings the catalog in step with (part of) the media folder: syncs every gallery folder
/// from its sidecar, removes galleries whose folder is gone, and queues a file job for every
/// file that is new, changed or gone (``ReconcilePlanner``). Run at start-up, after lost
/// events, on SIGHUP and for folder jobs.
public struct Reconciler: Sendable {
    let stages: IngestStages
    let settings: CurrentIngestSettings
    let queue: JobQueue
    let logger: Logger

    public init(stages: IngestStages, settings: CurrentIngestSettings, queue: JobQueue, logger: Logger) {
        self.stages = stages
        self.settings = settings
        self.queue = queue
        self.logger = logger
    }

    /// Syncs the galleries of the compared part and says what is to do, without queuing it.
    public func plan(folder: String? = nil) async throws -> ReconcilePlan {
        let settings = self.settings.value
        let catalog = stages.catalog
        let snapshot = try stages.scanner.scan(folder: folder)
        let knownGalleries = Dictionary(
            try await catalog.galleries().map { ($0.folder, $0) }, uniquingKeysWith: { first, _ in first })
        // A gallery whose JSON changed in a way its photos show (its credit, rights, slug):
        // their texts are bound again.
        var changedGalleries: Set<String> = []
        try await stages.galleries.loadStamps(settings: settings)
        for folder in snapshot.galleryFolders {
            do {
                let gallery = try await stages.galleries.syncGalleryIfChanged(
                    folder: folder, known: knownGalleries[folder], settings: settings)
                if let known = knownGalleries[folder], known.revision != gallery.revision || known.slug != gallery.slug
                {
                    changedGalleries.insert(folder)
                }
            } catch is QuarantineReason {
                // A slug collision: each file job of the folder quarantines its file.
            }
        }
        try await stages.galleries.saveStamps(settings: settings)
        for path in snapshot.notUTF8 {
            logger.notice(
                "name is not UTF-8; read as Windows-1252", metadata: ["path": "\(MediaName.display(path))"])
        }
        let fingerprint = settings.fingerprint
        let previous = try await catalog.storedValue("settings-fingerprint")
        if previous != fingerprint { try await catalog.store(fingerprint, for: "settings-fingerprint") }
        let storage = stages.storage
        return ReconcilePlanner(scanner: stages.scanner, hasRenditions: storage.hasRenditions(ofSource:)).plan(
            snapshot, folder: folder, known: try await catalog.knownFiles(), knownGalleries: Set(knownGalleries.keys),
            changedGalleries: changedGalleries, settingsChanged: previous != nil && previous != fingerprint)
    }

    /// Plans, removes vanished galleries and queues the files to do.
    @discardableResult
    public func reconcile(folder: String? = nil) async throws -> ReconcilePlan {
        let plan = try await plan(folder: folder)
        for gallery in plan.vanishedGalleries {
            try await stages.catalog.removeGallery(folder: gallery)
            logger.info("gallery removed", metadata: ["folder": "\(gallery)"])
        }
        // Vanished files and changed ones both go through the queue: a file job for a
        // missing path removes it, so every change is handled in one place.
        try await queue.enqueue(plan.vanished + plan.toIngest, kind: .file)
        logger.info(
            "reconciled",
            metadata: [
                "folder": "\(folder ?? "/")", "queued": "\(plan.toIngest.count)", "vanished": "\(plan.vanished.count)",
                "files": "\(plan.onDisk.count)",
            ])
        return plan
    }
}
