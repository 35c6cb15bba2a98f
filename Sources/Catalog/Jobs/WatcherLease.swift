public import Foundation

/// The right to watch the media folder and run the reconcile scan, which exactly one worker
/// of a catalog holds at a time (the others only take jobs). A worker waits for it; when
/// its holder dies the lease is freed and a waiting worker takes it over.
///
/// Two implementations: a lock file beside a SQLite catalog (``FileWatcherLease``; the
/// processes of one machine) and a PostgreSQL advisory lock (several machines).
public protocol WatcherLease: Sendable {
    /// Takes the lease if it is free; true when this process holds it (now or already).
    func tryAcquire() async throws -> Bool

    /// Whether this process still holds the lease (a lock held through a database session
    /// is lost with the session).
    func isHeld() async -> Bool

    /// Gives the lease up (it is also given up when the process ends).
    func release()
}

extension WatcherLease {
    /// Returns once this process holds the lease, trying every `interval`; throws
    /// `CancellationError` when the task is cancelled first.
    public func acquire(checkingEvery interval: Duration) async throws {
        while try await !tryAcquire() {
            try await Task.sleep(for: interval)
        }
    }
}

/// The watcher lease cannot be taken (its lock file cannot be opened).
public struct WatcherLeaseError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
