import Catalog
import Foundation
public import Logging
public import ServiceLifecycle

/// A bounded pool of workers taking jobs from the ``JobQueue``. On graceful shutdown they
/// take no new job and finish the one in hand; a job cut short by a crash stays queued and
/// is redone on restart.
public struct JobWorkers: Service {
    let ingestor: Ingestor
    let queue: JobQueue
    let reconciler: Reconciler
    let count: Int
    let logger: Logger

    public init(ingestor: Ingestor, queue: JobQueue, reconciler: Reconciler, count: Int, logger: Logger) {
        self.ingestor = ingestor
        self.queue = queue
        self.reconciler = reconciler
        self.count = max(1, count)
        self.logger = logger
    }

    public func run() async throws {
        await queue.startRenewingLeases()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<count {
                    group.addTask { await work() }
                }
            }
        } onGracefulShutdown: {
            Task { await queue.stop() }
        }
    }

    private func work() async {
        while let job = await queue.next() {
            await process(job)
        }
    }

    func process(_ job: JobRecord) async {
        switch job.kind {
        case .file:
            let outcome = await ingestor.ingest(relativePath: job.path)
            switch outcome {
            case .deferred:
                await queue.complete(job, retryAfter: ingestor.settings.settleInterval, error: "still being written")
            case .failed(let message):
                await queue.complete(job, retryAfter: Self.backOff(attempts: job.attempts), error: message)
            default:
                await queue.complete(job)
            }
        case .download:
            switch await ingestor.makeDownload(relativePath: job.path) {
            case .failed(let message):
                await queue.complete(job, retryAfter: Self.backOff(attempts: job.attempts), error: message)
            default:
                await queue.complete(job)
            }
        case .folder, .gallery:
            do {
                try await reconciler.reconcile(folder: job.path)
                await queue.complete(job)
            } catch {
                logger.error("reconcile failed", metadata: ["folder": "\(job.path)", "error": "\(error)"])
                await queue.complete(job, retryAfter: Self.backOff(attempts: job.attempts), error: "\(error)")
            }
        }
    }

    /// 5 s, 10 s, 20 s … up to 10 minutes: a full disk is retried, not hammered.
    static func backOff(attempts: Int) -> Duration {
        .seconds(min(600, 5 * (1 << min(attempts, 7))))
    }
}
