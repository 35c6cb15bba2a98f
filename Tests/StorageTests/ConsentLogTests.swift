import Catalog
import Foundation
import GalleryCore
import Testing

@Suite("The consent log, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct ConsentLogTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func grant(_ consentId: String, at: Date, services: [String: Bool] = ["youtube": true, "vimeo": false])
        -> ConsentEventDraft
    {
        ConsentEventDraft(
            consentId: consentId, kind: .grant, scope: .permanent, decisions: services, policyVersion: "2026-11",
            catalogHash: "c0ffee", locale: "de", at: at, expiresAt: at + 86_400, browser: "firefox", ipHash: "ab12")
    }

    func record(_ consentId: String, at: Date, expiresAt: Date) -> ConsentRecord {
        ConsentRecord(
            consentId: consentId, granted: ["youtube"], policyVersion: "2026-11", catalogHash: "c0ffee",
            grantedAt: at, expiresAt: expiresAt)
    }

    @Test(
        "decisions are chained in order, applied to the visitor's record, read back as logged, and verify",
        arguments: StorageKind.allCases)
    func recordAndVerify(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let log = try await catalog.node().consentLog
            let first = try await log.record(
                grant("visitor-1", at: start + 0.0004), updating: record("visitor-1", at: start, expiresAt: start + 60))
            for index in 2...4 { try await log.record(grant("visitor-\(index)", at: start + Double(index))) }
            let events = try await log.consentEvents()
            #expect(events.map(\.seq) == [1, 2, 3, 4])
            #expect(events.first == first)  // every field, the millisecond-rounded time and the hash
            #expect(events.dropFirst().first?.previousHash == first.hash)
            #expect(try await log.consentEvents(since: start + 3, limit: 1).map(\.consentId) == ["visitor-3"])
            #expect(try await log.consentEventCount() == 4)
            #expect(
                try await log.consentRecord(id: "visitor-1") == record("visitor-1", at: start, expiresAt: start + 60))
            #expect(try await log.consentRecord(id: "visitor-2") == nil)
            let verification = try await log.verifyConsentChain()
            #expect(verification.isIntact && verification.eventsChecked == 4, "\(verification)")
        }
    }

    @Test(
        "an event altered in the database is named by verify, and no checkpoint is written over it",
        arguments: StorageKind.allCases)
    func tamperedEvent(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node(consentLog: ConsentLogOptions(checkpointEvents: 2))
            for index in 1...3 {
                try await node.consentLog.record(grant("visitor-\(index)", at: start + Double(index)))
            }
            #expect(
                try node.consentLog.consentCheckpoints().checkpoints.map(\.seq) == [1, 2],
                "the first event's, then every second")
            try await node.execute(
                sqlite: "UPDATE consentEvent SET browser = 'chrome' WHERE seq = 3",
                postgres: "UPDATE consent_event SET browser = 'chrome' WHERE seq = 3")
            let verification = try await node.consentLog.verifyConsentChain()
            #expect(verification.brokenAt == 3)
            #expect(verification.problem?.contains("event 3 was altered") == true, "\(verification)")
            await #expect(throws: ConsentLogFinding.self) {
                try await node.consentLog.writeConsentCheckpoint(reason: "test", now: start + 10, force: true)
            }
        }
    }

    @Test(
        "two nodes appending at once keep one chain: no gap, no fork, every event verified",
        arguments: StorageKind.allCases)
    func concurrentNodes(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let options = ConsentLogOptions(checkpointEvents: 7)
            let nodes = [try await catalog.node(consentLog: options), try await catalog.node(consentLog: options)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, node) in nodes.enumerated() {
                    for task in 0..<3 {
                        group.addTask {
                            for event in 0..<10 {
                                try await node.consentLog.record(
                                    grant("node\(index)-\(task)-\(event)", at: start + Double(event)))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let events = try await nodes[1].consentLog.consentEvents()
            #expect(events.map(\.seq) == (1...60).map { Int64($0) })
            #expect(Set(events.map(\.consentId)).count == 60)
            let verification = try await nodes[0].consentLog.verifyConsentChain()
            #expect(verification.isIntact && verification.eventsChecked == 60, "\(verification)")
            // A checkpoint follows every 7th event; appends racing it may be signed by the next one.
            #expect(verification.checkpointsChecked >= 4, "\(verification)")
        }
    }

    @Test(
        "pruning drops the old events, keeps the chain verifiable from its anchor and signs a checkpoint",
        arguments: StorageKind.allCases)
    func prune(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let log = try await catalog.node().consentLog
            for index in 1...6 { try await log.record(grant("visitor-\(index)", at: start + Double(index) * 86_400)) }
            #expect(try await log.pruneConsentEvents(before: start + 3.5 * 86_400, now: start + 7 * 86_400) == 3)
            #expect(try await log.consentEvents().map(\.seq) == [4, 5, 6])
            let latest = try #require(try log.consentCheckpoints().checkpoints.last)
            #expect(latest.prunedThrough == 3 && latest.seq == 6 && latest.events == 3 && latest.reason == "prune")
            let verification = try await log.verifyConsentChain()
            #expect(verification.isIntact && verification.eventsChecked == 3, "\(verification)")
            // The next event links to the last one kept, not to a pruned one.
            let next = try await log.record(grant("visitor-7", at: start + 8 * 86_400))
            #expect(next.seq == 7)
            #expect(try await log.verifyConsentChain().isIntact)
        }
    }

    @Test("a consent past its expiry is logged as expired once", arguments: StorageKind.allCases)
    func expiry(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let log = try await catalog.node().consentLog
            try await log.record(
                grant("visitor-1", at: start), updating: record("visitor-1", at: start, expiresAt: start + 60))
            try await log.record(
                grant("visitor-2", at: start), updating: record("visitor-2", at: start, expiresAt: start + 600))
            #expect(try await log.logExpiredConsents(now: start + 120) == 1)
            #expect(try await log.logExpiredConsents(now: start + 121) == 0)
            let expired = try #require(try await log.consentEvents().last)
            #expect(
                expired.kind == .expire && expired.consentId == "visitor-1" && expired.decisions == ["youtube": false])
            #expect(try await log.consentRecord(id: "visitor-1")?.expiryLogged == true)
        }
    }

    @Test(
        "the admin's consent settings replace the config file's; a node reads what another saved",
        arguments: StorageKind.allCases)
    func settings(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let configured = ConsentSettings(policyVersion: "2026-01", lifetimeDays: 180, services: [])
            let first = try await catalog.node().consentLog
            let second = try await catalog.node().consentLog
            #expect(try await second.consentSettings(fallback: configured) == configured)
            var saved = configured
            saved.policyVersion = "2026-11"
            saved.lifetimeDays = 30
            try await first.saveConsentSettings(saved, previous: configured, actor: "token:alice", now: start)
            #expect(try await second.consentSettings(fallback: configured) == saved)
        }
    }
}
