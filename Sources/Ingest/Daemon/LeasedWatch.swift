public import Catalog
import Foundation
public import Logging
public import ServiceLifecycle

/// Runs the media watcher (and its reconcile scan) while this process holds the watcher
/// lease: exactly one worker of a catalog watches; the others take jobs and stand by.
///
/// A lease held through a database session is lost with it (the server restarted, a
/// network partition): the watch stops within `heartbeat`, and this process stands by
/// again — retrying while the database is away — and watches once it holds the lease
/// again, starting with a reconcile, so nothing that changed meanwhile is missed. A fault
/// never ends the service: only graceful shutdown does.
public struct LeasedWatch: Service {
    let lease: any WatcherLease
    let watch: MediaWatchService
    let logger: Logger
    /// How often the held lease is checked with its holder (the database).
    let heartbeat: Duration
    /// How often a standby tries to take the lease.
    let retry: Duration
    /// Called the first time this process stands by (another holds the lease) or starts
    /// watching: it is ready to take jobs.
    let onStandby: @Sendable () -> Void

    public init(
        lease: any WatcherLease, watch: MediaWatchService, logger: Logger, heartbeat: Duration = .seconds(5),
        retry: Duration = .milliseconds(200), onStandby: @escaping @Sendable () -> Void
    ) {
        self.lease = lease
        self.watch = watch
        self.logger = logger
        self.heartbeat = heartbeat
        self.retry = retry
        self.onStandby = onStandby
    }

    public func run() async {
        do {
            try await cancelWhenGracefulShutdown {
                var first = true
                while true {
                    try await acquire(announcingStandby: first)
                    first = false
                    logger.info("watcher lease taken: watching the media folder")
                    await watchWhileHeld()
                    try Task.checkCancellation()
                    lease.release()
                    logger.warning("watcher lease lost: standing by until it can be taken again")
                }
            }
        } catch {}
        lease.release()
    }

    /// Returns once this process holds the lease; errors (the database is away) are
    /// retried, logged once per outage.
    private func acquire(announcingStandby first: Bool) async throws {
        var announced = !first
        var failing = false
        while true {
            do {
                if try await lease.tryAcquire() {
                    if failing { logger.notice("watcher lease reachable again") }
                    return
                }
                failing = false
                if !announced {
                    logger.info(
                        "another worker watches the media folder: taking jobs, standing by for the watcher lease")
                    onStandby()
                    announced = true
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if !failing {
                    logger.error("cannot take the watcher lease; retrying", metadata: ["error": "\(error)"])
                    failing = true
                }
            }
            try await Task.sleep(for: failing ? max(retry, .seconds(1)) : retry)
        }
    }

    /// Watches until the lease is lost (or the task is cancelled).
    private func watchWhileHeld() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await watch.run() }
            group.addTask {
                while (try? await Task.sleep(for: heartbeat)) != nil {
                    guard await lease.isHeld() else { return }
                }
            }
            _ = await group.next()
            group.cancelAll()
        }
    }
}
