public import Catalog
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The watcher lease of several machines: a session-level PostgreSQL advisory lock, held on
/// a connection of its own for as long as the worker lives. PostgreSQL frees it when that
/// connection ends — the worker exited, was killed, or its machine is gone (once the
/// server notices the dead connection: TCP keepalive, `tcp_keepalives_idle`) — and a
/// waiting worker takes it over.
public final class PostgresWatcherLease: WatcherLease {
    let database: PostgresDatabase
    private let connection = Mutex<PostgresConnection?>(nil)
    private let held = Atomic<Bool>(false)
    /// galleryd's key for this lock ("watcher" in ASCII).
    static let key: Int64 = 0x77_6174_6368_6572

    public init(database: PostgresDatabase) {
        self.database = database
    }

    deinit { release() }

    public func tryAcquire() async throws -> Bool {
        if held.load(ordering: .acquiring) {
            // Held on a session that has ended (the server restarted) is not held: PostgreSQL
            // dropped the lock with the session, and another worker may hold it now.
            if let open = connection.withLock({ $0 }), !open.isClosed { return true }
            release()
        }
        do {
            let open = try await openConnection()
            for try await acquired in try await open.query(
                "SELECT pg_try_advisory_lock(\(Self.key))", logger: database.logger
            ).decode(Bool.self) where acquired {
                held.store(true, ordering: .releasing)
                return true
            }
            return false
        } catch let error as PSQLError {
            // In the server's or the system's words, not PostgresNIO's generic description.
            throw CatalogUnavailable(reason: PostgresDatabase.reason(error))
        }
    }

    private func openConnection() async throws -> PostgresConnection {
        if let open = connection.withLock({ $0 }), !open.isClosed { return open }
        guard let configuration = database.connectionConfiguration else {
            throw PostgresCatalogError.unreadable("no connection settings for the watcher lease")
        }
        let open = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: database.logger)
        connection.withLock { $0 = open }
        return open
    }

    /// Asks the lock's own session; a closed or failing session has lost it.
    public func isHeld() async -> Bool {
        guard held.load(ordering: .acquiring) else { return false }
        guard let open = connection.withLock({ $0 }), !open.isClosed else {
            held.store(false, ordering: .releasing)
            return false
        }
        do {
            for try await holds in try await open.query(
                "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted",
                logger: database.logger
            ).decode(Bool.self) {
                return holds
            }
            return false
        } catch {
            held.store(false, ordering: .releasing)
            return false
        }
    }

    public func release() {
        held.store(false, ordering: .releasing)
        // Closing the session frees the lock.
        if let open = connection.withLock({ value in
            defer { value = nil }; return value
        }) {
            Task { try? await open.close() }
        }
    }
}
