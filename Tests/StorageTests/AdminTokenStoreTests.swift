import Catalog
import Foundation
import GalleryCore
import Testing

@Suite("Admin tokens and the audit trail, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct AdminTokenStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        "a token made through one node works on another until it is revoked there; both steps are audited",
        arguments: StorageKind.allCases)
    func tokensAcrossNodes(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let first = try await catalog.node()
            let second = try await catalog.node()
            let token = try await first.adminTokens.createToken(name: "redaktion", scope: .editor, now: start)
            let other = try await first.adminTokens.createToken(name: "betrieb", scope: .admin, now: start + 1)

            let record = try #require(try await second.adminTokens.authenticate(token.text, now: start + 10))
            #expect(record.name == "redaktion" && record.scope == .editor && record.id == token.id)
            #expect(try await second.adminTokens.authenticate(other.text, now: start + 10)?.scope == .admin)
            // A wrong secret for a real id, and text that is no token at all.
            let forged = "gd_\(token.id)_" + String(repeating: "A", count: 43)
            #expect(try await second.adminTokens.authenticate(forged, now: start + 10) == nil)
            #expect(try await second.adminTokens.authenticate("gd_nonsense", now: start + 10) == nil)

            let listed = try await first.adminTokens.tokens()
            #expect(listed.map(\.name) == ["redaktion", "betrieb"])
            #expect(listed.first?.lastUsedAt == start + 10)
            #expect(listed.allSatisfy { !$0.secretHash.contains(token.secret) && $0.secretHash.count == 64 })

            #expect(try await second.adminTokens.revokeToken("redaktion", now: start + 20) == 1)
            #expect(try await second.adminTokens.revokeToken("redaktion", now: start + 21) == 0)
            #expect(try await first.adminTokens.authenticate(token.text, now: start + 30) == nil)
            #expect(try await first.adminTokens.authenticate(other.text, now: start + 30) != nil)

            let audit = try await first.audit.audit(since: nil, limit: 10)
            #expect(audit.map(\.action) == ["token.revoke", "token.create", "token.create"])
            #expect(audit.first?.target == "redaktion" && audit.last?.newValue == "editor")
            #expect(try await first.audit.audit(since: start + 1, limit: 10).count == 2)
            #expect(try await first.audit.audit(since: nil, limit: 1).map(\.action) == ["token.revoke"])
        }
    }
}
