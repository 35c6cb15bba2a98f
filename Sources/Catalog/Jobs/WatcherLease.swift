public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

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

/// The watcher lease of processes sharing a SQLite catalog: an exclusive `flock` on a file
/// beside it. The kernel drops the lock when its holder exits, `kill -9` included.
public final class FileWatcherLease: WatcherLease {
    public let path: String
    private let descriptor = Mutex<Int32>(-1)

    /// `path`: the lock file, made if missing (e.g. `<catalog>.watcher.lock`).
    public init(path: String) {
        self.path = path
    }

    deinit { release() }

    public func tryAcquire() async throws -> Bool {
        try descriptor.withLock { held in
            if held >= 0 { return true }
            let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard opened >= 0 else {
                throw WatcherLeaseError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
                close(opened)
                return false
            }
            held = opened
            return true
        }
    }

    public func isHeld() async -> Bool {
        descriptor.withLock { $0 >= 0 }
    }

    public func release() {
        descriptor.withLock { held in
            guard held >= 0 else { return }
            flock(held, LOCK_UN)
            close(held)
            held = -1
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
