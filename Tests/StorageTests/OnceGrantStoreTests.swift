import Catalog
import Foundation
import Testing

@Suite("once grants, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct OnceGrantStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func grant(expiresAt: Date, embedId: String? = nil) -> OnceGrant {
        OnceGrant(
            services: ["vimeo", "youtube"], policyVersion: "2026-11", catalogHash: "c0ffee", embedId: embedId,
            expiresAt: expiresAt)
    }

    @Test(
        "a grant stored through one node is taken through another, once; expired ones are forgotten",
        arguments: StorageKind.allCases)
    func takeOnce(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let first = try await catalog.node().onceGrants
            let second = try await catalog.node().onceGrants
            try await first.storeOnceGrant(grant(expiresAt: start + 600), tokenHash: "a")
            try await first.storeOnceGrant(grant(expiresAt: start + 60, embedId: "embed-1"), tokenHash: "b")
            #expect(try await second.takeOnceGrant(tokenHash: "a") == grant(expiresAt: start + 600))
            #expect(try await first.takeOnceGrant(tokenHash: "a") == nil)
            #expect(try await second.takeOnceGrant(tokenHash: "unknown") == nil)
            #expect(try await first.purgeOnceGrants(expiredBefore: start + 61) == 1)
            #expect(try await second.takeOnceGrant(tokenHash: "b") == nil)
        }
    }

    @Test(
        "sixteen requests racing with one token on two nodes: exactly one gets the grant",
        arguments: StorageKind.allCases)
    func race(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let nodes = [try await catalog.node().onceGrants, try await catalog.node().onceGrants]
            for round in 0..<5 {
                try await nodes[0].storeOnceGrant(grant(expiresAt: start + 600), tokenHash: "token-\(round)")
                let winners = try await withThrowingTaskGroup(of: Int.self) { group in
                    for request in 0..<16 {
                        group.addTask {
                            try await nodes[request % 2].takeOnceGrant(tokenHash: "token-\(round)") == nil ? 0 : 1
                        }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(winners == 1, "round \(round)")
            }
        }
    }
}
