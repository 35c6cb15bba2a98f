public import Catalog
import Foundation
import GRDB
import Synchronization

/// The SQLite store's ``CatalogStamp``:
/// - commits made through this process's ``SQLiteStore`` bump an in-memory counter at once
///   (a GRDB transaction observer on the writer), so a request right after an admin's change
///   already sees it;
/// - commits made by any other process (a `galleryd ingest` beside `serve`) change SQLite's
///   `PRAGMA data_version` on a connection of our own (SQLite §pragma_data_version: it
///   differs after another connection committed). That pragma only reads the WAL index in
///   shared memory, and is asked at most once per ``externalCheckInterval``; so another
///   process's change is seen within that interval, and a burst of requests asks once.
final class CatalogChanges: Sendable {
    /// How stale another process's change may be seen, at most.
    static let externalCheckInterval: Duration = .milliseconds(5)

    private let localCommits = Atomic<UInt64>(0)
    private let probe: DatabaseQueue
    private let external = Mutex<(version: Int64, checkedAt: ContinuousClock.Instant)?>(nil)

    init(pool: DatabasePool, path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(1)
        probe = try DatabaseQueue(path: path, configuration: configuration)
        pool.add(transactionObserver: CommitCounter(changes: self), extent: .databaseLifetime)
    }

    /// Closes the probe's connection (with the pool's, when the store closes).
    func close() throws {
        try probe.close()
    }

    func noteLocalCommit() {
        localCommits.add(1, ordering: .relaxed)
    }

    /// The current stamp: no query unless the last look at `data_version` is older than
    /// ``externalCheckInterval``.
    func stamp() -> CatalogStamp {
        let now = ContinuousClock.now
        let version = external.withLock { state -> Int64 in
            if let state, now - state.checkedAt < Self.externalCheckInterval { return state.version }
            // A failed look counts as a change (-1), so nothing stale is served for it.
            let read = try? probe.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") }
            let version = read ?? -1
            state = (version, now)
            return version
        }
        return CatalogStamp(local: localCommits.load(ordering: .relaxed), external: version)
    }

    /// Counts the writer's commits that changed rows. GRDB calls `databaseDidCommit` for
    /// every observer, whatever it observes, and for every transaction — also one that
    /// changed nothing (an idle worker's poll for a job): counting those moved the stamp
    /// every poll, and everything built from the catalog was looked at again.
    private final class CommitCounter: TransactionObserver, @unchecked Sendable {
        // Written once; GRDB calls it on the writer's queue.
        private weak var changes: CatalogChanges?
        /// `sqlite3_total_changes` at the last counted commit (writer's queue only).
        private var totalChanges = 0

        init(changes: CatalogChanges) {
            self.changes = changes
        }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) {
            let total = db.totalChangesCount
            guard total != totalChanges else { return }
            totalChanges = total
            changes?.noteLocalCommit()
        }
        func databaseDidRollback(_ db: Database) {}
    }
}

extension SQLiteStore {
    /// See ``CatalogStamp``: equal stamps mean nothing was committed in between.
    public func stamp() -> CatalogStamp { changes.stamp() }
}
