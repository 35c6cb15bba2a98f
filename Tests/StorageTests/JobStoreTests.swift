import Catalog
import Foundation
import Testing

@Suite("The job store, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct JobStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        "due jobs are claimed oldest first, downloads after every other kind, each by one worker only",
        arguments: StorageKind.allCases)
    func claimOrder(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            try await store.enqueue(["g/a.jpg", "g/b.jpg"], kind: .file, notBefore: nil, now: start)
            try await store.enqueue(["g/a.jpg"], kind: .download, notBefore: nil, now: start + 1)
            try await store.enqueue(["g/c.jpg"], kind: .file, notBefore: nil, now: start + 2)
            try await store.enqueue(["g/later.jpg"], kind: .file, notBefore: start + 60, now: start + 3)
            let first = try await store.claim(limit: 10, kinds: nil, owner: "A", lease: 30, now: start + 5)
            #expect(
                first.map { "\($0.kind.rawValue) \($0.path)" } == [
                    "file g/a.jpg", "file g/b.jpg", "file g/c.jpg", "download g/a.jpg",
                ])
            #expect(first.allSatisfy { $0.leaseOwner == "A" })
            #expect(try await store.claim(limit: 10, kinds: nil, owner: "B", lease: 30, now: start + 6).isEmpty)
            #expect(try await store.depth() == 5)
            #expect(try await store.nextDueDate() == start + 35)  // the leases run out first
            let files = try await store.claim(limit: 10, kinds: [.file], owner: "B", lease: 30, now: start + 61)
            #expect(files.map(\.path) == ["g/a.jpg", "g/b.jpg", "g/c.jpg", "g/later.jpg"])
        }
    }

    @Test(
        "a worker that dies leaves a lease that runs out; another worker takes the job then",
        arguments: StorageKind.allCases)
    func leaseRunsOut(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            try await store.enqueue(["g/a.jpg"], kind: .file, notBefore: nil, now: start)
            let held = try #require(
                try await store.claim(limit: 1, kinds: nil, owner: "A", lease: 30, now: start).first)
            #expect(try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 30, now: start + 29).isEmpty)
            let taken = try #require(
                try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 30, now: start + 31).first)
            #expect(taken.path == held.path && taken.leaseOwner == "B")
            try await store.finish(taken)
            #expect(try await store.depth() == 0)
        }
    }

    @Test(
        "a job queued again while it is worked on survives its finish and is claimed again",
        arguments: StorageKind.allCases)
    func requeuedWhileHeld(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            try await store.enqueue(["g/a.jpg"], kind: .file, notBefore: nil, now: start)
            let held = try #require(
                try await store.claim(limit: 1, kinds: nil, owner: "A", lease: 300, now: start).first)
            try await store.enqueue(["g/a.jpg"], kind: .file, notBefore: nil, now: start + 1)
            // Still held: no second worker on the same file.
            #expect(try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 300, now: start + 2).isEmpty)
            try await store.finish(held)
            let again = try #require(
                try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 300, now: start + 3).first)
            #expect(again.generation != held.generation)
            try await store.finish(again)
            #expect(try await store.depth() == 0)
        }
    }

    @Test(
        "a failed job comes back after its back-off with one more attempt; leases are released by owner",
        arguments: StorageKind.allCases)
    func postponeAndRelease(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            try await store.enqueue(["g/a.jpg", "g/b.jpg"], kind: .file, notBefore: nil, now: start)
            let a = try #require(try await store.claim(limit: 1, kinds: nil, owner: "A", lease: 300, now: start).first)
            let b = try #require(try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 300, now: start).first)
            try await store.postpone(a, error: "disk full", until: start + 10)
            #expect(try await store.claim(limit: 1, kinds: nil, owner: "C", lease: 300, now: start + 9).isEmpty)
            let retried = try #require(
                try await store.claim(limit: 1, kinds: nil, owner: "C", lease: 300, now: start + 10).first)
            #expect(retried.path == a.path && retried.attempts == 1 && retried.lastError == "disk full")
            try await store.releaseLeases(owner: "B")
            let released = try #require(
                try await store.claim(limit: 1, kinds: nil, owner: "D", lease: 300, now: start + 11).first)
            #expect(released.path == b.path)
        }
    }

    @Test("downloads are held while photos are published; files are not", arguments: StorageKind.allCases)
    func holdDownloads(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            try await store.enqueue(["g/a.jpg"], kind: .download, notBefore: start + 1, now: start)
            try await store.enqueue(["g/b.jpg"], kind: .file, notBefore: nil, now: start)
            try await store.holdDownloads(until: start + 5)
            let claimed = try await store.claim(limit: 10, kinds: nil, owner: "A", lease: 300, now: start + 2)
            #expect(claimed.map(\.kind) == [.file])
            #expect(
                try await store.claim(limit: 10, kinds: nil, owner: "A", lease: 300, now: start + 5).map(\.kind) == [
                    .download
                ])
        }
    }

    @Test("eight workers claiming at once take each of 200 jobs exactly once", arguments: StorageKind.allCases)
    func concurrentClaims(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            let paths = (0..<200).map { "g/bild-\($0).jpg" }
            try await store.enqueue(paths, kind: .file, notBefore: nil, now: Date())
            let taken = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await store.claim(
                            limit: 1, kinds: nil, owner: "w\(worker)", lease: 300, now: Date()
                        ).first {
                            mine.append(job.path)
                            try await store.finish(job)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(taken.count == 200)
            #expect(Set(taken) == Set(paths))
            #expect(try await store.depth() == 0)
        }
    }

    @Test(
        "a worker's heartbeat keeps its lease beyond the first; the owners holding leases are listed",
        arguments: StorageKind.allCases)
    func renewal(_ storage: StorageKind) async throws {
        try await storage.withStore { store in
            try await store.enqueue(["g/a.jpg"], kind: .file, notBefore: nil, now: start)
            _ = try await store.claim(limit: 1, kinds: nil, owner: "A", lease: 30, now: start)
            #expect(try await store.leaseOwners() == ["A"])
            try await store.renewLeases(owner: "A", until: start + 70)
            #expect(try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 30, now: start + 60).isEmpty)
            #expect(try await store.claim(limit: 1, kinds: nil, owner: "B", lease: 30, now: start + 71).count == 1)
            #expect(try await store.leaseOwners() == ["B"])
        }
    }
}
