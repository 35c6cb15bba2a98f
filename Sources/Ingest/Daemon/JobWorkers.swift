import Catalog
import Foundation
public import Logging
public import ServiceLifecycle

/// A bounded pool of workers taking jobs from the ``JobQueue``: the one driver of the ingest
/// pipeline, for the daemon (a continuous queue) and for `galleryd ingest` (a draining one,
/// ``IngestPass``). On graceful shutdown they take no new job and finish the one in hand; a
/// job cut short by a crash stays queued and is redone on restart.
public struct JobWorkers: Service {
    let stages: IngestStages
    let settings: CurrentIngestSettings
    let queue: JobQueue
    let reconciler: Reconciler
    let count: Int
    let logger: Logger
    /// Told the outcome of every file job, once it is final.
    let onFile: @Sendable (String, IngestOutcome) -> Void

    public init(
        stages: IngestStages, settings: CurrentIngestSettings, queue: JobQueue, reconciler: Reconciler, count: Int,
        logger: Logger, onFile: @escaping @Sendable (String, IngestOutcome) -> Void = { _, _ in }
    ) {
        self.stages = stages
        self.settings = settings
        self.queue = queue
        self.reconciler = reconciler
        self.count = max(1, count)
        self.logger = logger
        self.onFile = onFile
    }

    public func run() async throws {
        await queue.startRenewingLeases()
        // Graceful shutdown and cancellation both stop the queue, which wakes idle workers:
        // a worker waiting for work must never keep the process from ending.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for _ in 0..<count {
                        group.addTask { await work() }
                    }
                }
            } onGracefulShutdown: {
                Task { await queue.stop() }
            }
        } onCancel: {
            Task { await queue.stop() }
        }
    }

    private func work() async {
        while let job = await queue.next() {
            await process(job)
        }
    }

    func process(_ job: JobRecord) async {
        // The settings in force when the job starts, for all of it (a reload meanwhile
        // applies from the next job).
        let settings = self.settings.value
        switch job.kind {
        case .file:
            var outcome = await ingest(job.path, settings: settings)
            if case .deferred = outcome, queue.mode == .drain {
                // A pass must decide: once the settle interval has passed the file is taken
                // as it is (the job stays ours meanwhile: its lease is renewed).
                try? await Task.sleep(for: settings.settleInterval)
                outcome = await ingest(job.path, settled: true, settings: settings)
            }
            if case .deferred = outcome {} else { onFile(job.path, outcome) }
            switch outcome {
            case .deferred:
                // A stalled upload is looked at less and less often (its next write or close
                // queues it again at once).
                await queue.complete(
                    job, retryAfter: Self.waitForCompletion(attempts: job.attempts, settle: settings.settleInterval),
                    error: "still being written")
            case .failed(let message):
                await queue.complete(
                    job, retryAfter: Self.backOff(attempts: job.attempts, message: message), error: message)
            default:
                await queue.complete(job)
            }
        case .download:
            switch await stages.downloads.makeDownload(relativePath: job.path, settings: settings) {
            case .failed(let message):
                await queue.complete(
                    job, retryAfter: Self.backOff(attempts: job.attempts, message: message), error: message)
            default:
                await queue.complete(job)
            }
        case .folder, .gallery:
            do {
                try await reconciler.reconcile(folder: job.path)
                await queue.complete(job)
            } catch {
                logger.error("reconcile failed", metadata: ["folder": "\(job.path)", "error": "\(error)"])
                await queue.complete(
                    job, retryAfter: Self.backOff(attempts: job.attempts, message: "\(error)"), error: "\(error)")
            }
        }
    }

    /// 5 s, 10 s, 20 s … up to 10 minutes for a failure of unknown kind; every 5 s for a
    /// full disk or a catalog that is away (``TransientFault``): those pass, and a photo
    /// should appear within seconds of space or the database returning, not minutes.
    /// Publishes one file now and queues what it leaves to do (its download): a file job,
    /// or an admin's refresh that should not wait for the queue.
    public func ingest(_ path: String, settled: Bool = false, settings: IngestSettings) async -> IngestOutcome {
        let result = await stages.files.ingest(relativePath: path, settled: settled, settings: settings)
        await queue.queueFollowUps(of: path, result)
        return result.outcome
    }

    static func backOff(attempts: Int, message: String = "") -> Duration {
        if TransientFault(describing: message) != nil { return .seconds(5) }
        return .seconds(min(600, 5 * (1 << min(attempts, 7))))
    }

    /// The settle time, doubled with each look, up to 30 s: how long to wait before looking
    /// again at a file that is still being written.
    static func waitForCompletion(attempts: Int, settle: Duration) -> Duration {
        min(.seconds(30), max(settle, .milliseconds(100)) * (1 << min(attempts, 8)))
    }
}
