import Catalog
import Foundation
import Testing

@Suite("The watcher lease, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct WatcherLeaseTests {
    @Test(
        "one node holds the watcher lease at a time; when its holder lets go or its session dies, another takes it",
        arguments: StorageKind.allCases)
    func oneHolder(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let first = try await catalog.node().watcherLease
            let second = try await catalog.node().watcherLease
            #expect(try await first.tryAcquire())
            #expect(try await first.tryAcquire(), "holding it already")
            #expect(try await second.tryAcquire() == false)
            #expect(await first.isHeld())
            #expect(await second.isHeld() == false)
            switch storage {
            case .sqlite:
                first.release()
            case .postgres:
                // The holder's session ends (a crash, a network partition): PostgreSQL frees the lock.
                try await catalog.node().execute(
                    sqlite: "",
                    postgres:
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted")
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(await first.isHeld() == false)
            #expect(try await second.tryAcquire())
            #expect(await second.isHeld())
        }
    }
}
