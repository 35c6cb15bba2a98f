import Catalog
import Foundation
import GalleryCore
public import Logging

/// Compares the media folder with the catalog and queues only the differences: at
/// start-up, after lost events, periodically, and for folders that appear or vanish.
public struct Reconciler: Sendable {
    let ingestor: Ingestor
    let queue: JobQueue
    let logger: Logger

    public init(ingestor: Ingestor, queue: JobQueue, logger: Logger) {
        self.ingestor = ingestor
        self.queue = queue
        self.logger = logger
    }

    /// Reconciles the whole media folder (`nil`) or one folder of it; returns what it found.
    @discardableResult
    public func reconcile(folder: String? = nil) async throws -> ReconcilePlan {
        let plan = try await ingestor.plan(folder: folder)
        for gallery in plan.vanishedGalleries {
            try await ingestor.catalog.removeGallery(folder: gallery)
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
