import Catalog
import Foundation
import GalleryCore
import Synchronization

/// Progress of a pass, reported after each file.
public struct IngestProgress: Sendable {
    public var done: Int
    public var total: Int
    public var path: String
    public var outcome: IngestOutcome
}

/// One pass over the whole media folder, done here and now (`galleryd ingest`), by the
/// daemon's own machinery: the ``Reconciler`` queues every difference between the folder and
/// the catalog, and ``JobWorkers`` drain the queue (``JobQueue/Mode/drain``), downloads
/// included. The jobs are claimed with a lease under this process's name, so a daemon or a
/// second pass running meanwhile never does the same job, and a pass that is killed leaves
/// its jobs to them.
public struct IngestPass: Sendable {
    let ingestor: Ingestor

    public init(ingestor: Ingestor) {
        self.ingestor = ingestor
    }

    /// Runs the pass; `progress` is told of every file as it is done (from several tasks).
    /// - Throws: ``MediaRootError`` when the media folder is missing or unreadable; a
    ///   catalog error when the catalog cannot be read or written.
    public func run(progress: @escaping @Sendable (IngestProgress) -> Void = { _ in }) async throws -> IngestSummary {
        let queue = JobQueue(store: ingestor.jobs, pollInterval: nil, mode: .drain)
        // As at a daemon's start: jobs an ended process of this machine held (a pass that
        // was killed, or could not even write that a job failed) are taken now.
        try await queue.releaseLeasesOfEndedProcesses()
        let reconciler = Reconciler(ingestor: ingestor, queue: queue, logger: ingestor.logger)
        let plan = try await reconciler.reconcile()

        var first = IngestSummary()
        first.unchanged = plan.onDisk.count - plan.toIngest.count - plan.stillQuarantined.count
        let held = Dictionary(
            try await ingestor.catalog.quarantined().map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for path in plan.stillQuarantined {
            guard let entry = held[path] else { continue }
            first.record(.quarantined(.recorded(code: entry.code, message: entry.reason)), path: path)
        }
        let total = plan.toIngest.count + plan.vanished.count
        let state = Mutex((summary: first, done: 0, seen: Set<String>()))
        let workers = JobWorkers(
            ingestor: ingestor, queue: queue, reconciler: reconciler, count: ingestor.settings.workers,
            logger: ingestor.logger
        ) { path, outcome in
            let done = state.withLock { state in
                state.summary.record(outcome, path: path)
                state.seen.insert(path)
                state.done += 1
                return state.done
            }
            progress(IngestProgress(done: done, total: max(total, done), path: path, outcome: outcome))
        }
        try await workers.run()
        var (summary, reported) = state.withLock { ($0.summary, $0.seen) }
        if let error = await queue.claimError {
            // Every file the pass set out to do gets an outcome: those it could not even
            // claim stay queued, to be retried.
            for path in plan.vanished + plan.toIngest where !reported.contains(path) {
                summary.record(.failed("not done: the job queue failed: \(error)"), path: path)
            }
        }
        return summary
    }
}
