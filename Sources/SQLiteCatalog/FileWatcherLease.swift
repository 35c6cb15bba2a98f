public import Catalog
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

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
