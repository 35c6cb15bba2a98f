public import Catalog
public import Foundation
import GalleryCore
public import Logging
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
    let stages: IngestStages
    let jobs: any JobStore
    let settings: CurrentIngestSettings
    let downloadQuietPeriod: TimeInterval
    let logger: Logger

    /// - Parameter downloadQuietPeriod: how long downloads wait for publishing to pause
    ///   (`galleryd ingest` need not wait: downloads are claimed after every web set).
    public init(
        stages: IngestStages, jobs: any JobStore, settings: CurrentIngestSettings,
        downloadQuietPeriod: TimeInterval = JobQueue.defaultDownloadQuietPeriod, logger: Logger
    ) {
        self.stages = stages
        self.jobs = jobs
        self.settings = settings
        self.downloadQuietPeriod = downloadQuietPeriod
        self.logger = logger
    }

    /// Runs the pass; `progress` is told of every file as it is done (from several tasks).
    /// - Throws: ``MediaRootError`` when the media folder is missing or unreadable; a
    ///   catalog error when the catalog cannot be read or written.
    public func run(progress: @escaping @Sendable (IngestProgress) -> Void = { _ in }) async throws -> IngestSummary {
        let queue = JobQueue(
            store: jobs, pollInterval: nil, mode: .drain, downloadQuietPeriod: downloadQuietPeriod, logger: logger)
        // As at a daemon's start: jobs an ended process of this machine held (a pass that
        // was killed, or could not even write that a job failed) are taken now.
        try await queue.releaseLeasesOfEndedProcesses()
        let reconciler = Reconciler(stages: stages, settings: settings, queue: queue, logger: logger)
        let plan = try await reconciler.reconcile()

        let total = plan.toIngest.count + plan.vanished.count
        // The last outcome of each file: a job may run twice in one pass (a failure retried
        // after its back-off, a file queued again while it was worked on).
        let state = Mutex((outcomes: [String: IngestOutcome](), order: [String]()))
        let workers = JobWorkers(
            stages: stages, settings: settings, queue: queue, reconciler: reconciler, count: settings.value.workers,
            logger: logger
        ) { path, outcome in
            let done = state.withLock { state in
                if state.outcomes.updateValue(outcome, forKey: path) == nil { state.order.append(path) }
                return state.order.count
            }
            progress(IngestProgress(done: done, total: max(total, done), path: path, outcome: outcome))
        }
        try await workers.run()
        var (outcomes, order) = state.withLock { ($0.outcomes, $0.order) }
        if let error = await queue.claimError {
            // Every file the pass set out to do gets an outcome: those it could not even
            // claim stay queued, to be retried.
            for path in plan.vanished + plan.toIngest where outcomes[path] == nil {
                outcomes[path] = .failed("not done here: the job queue failed (\(error)); left queued")
                order.append(path)
            }
        }

        var summary = IngestSummary()
        let toIngest = Set(plan.toIngest)
        let stillQuarantined = Set(plan.stillQuarantined)
        // The held files' reasons: read only when a held file is to be reported (the whole
        // quarantine table is read).
        let held =
            stillQuarantined.isEmpty
            ? [:]
            : Dictionary(
                try await stages.catalog.quarantined().map { ($0.path, $0) },
                uniquingKeysWith: { first, _ in first })
        for path in plan.onDisk where outcomes[path] == nil && !toIngest.contains(path) {
            guard stillQuarantined.contains(path) else {
                summary.unchanged += 1
                continue
            }
            if let entry = held[path] {
                summary.record(.quarantined(.recorded(code: entry.code, message: entry.reason)), path: path)
            }
        }
        for path in order {
            if let outcome = outcomes[path] { summary.record(outcome, path: path) }
        }
        return summary
    }
}
