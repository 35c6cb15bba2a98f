import Catalog
import Crypto
import Foundation
import GalleryCore

/// `once` consents: nothing is stored in the browser. A grant is a random token the page
/// keeps in memory and sends with this page view's gallery request; that request uses it
/// up and receives single-use frame grants for the granted embeds. A token or frame grant
/// sent again (a reload, a replay, another node) grants nothing: grants wait in the catalog
/// (``OnceGrantStore``), under their token's SHA-256, until one request takes them.
struct OnceGrants: Sendable {
    let store: any OnceGrantStore
    let lifetime: TimeInterval

    func issue(services: Set<String>, policyVersion: String, catalogHash: String, now: Date) async throws -> (
        String, Date
    ) {
        let token = randomBase64URL(bytes: 24)
        let expiresAt = now.addingTimeInterval(lifetime)
        try await store.storeOnceGrant(
            OnceGrant(
                services: services.sorted(), policyVersion: policyVersion, catalogHash: catalogHash, embedId: nil,
                expiresAt: expiresAt),
            tokenHash: Self.hash(token))
        return (token, expiresAt)
    }

    /// Uses up a token: its grant if it was valid, unused and unexpired.
    func redeem(_ token: String, now: Date) async throws -> OnceGrant? {
        guard Self.isWellFormed(token), let grant = try await store.takeOnceGrant(tokenHash: Self.hash(token)),
            grant.embedId == nil, grant.expiresAt > now
        else { return nil }
        return grant
    }

    /// A grant for one embed's frame, under the settings the page's consent was resolved with.
    func issueFrame(embedId: String, service: String, settings: ConsentSettings, now: Date) async throws -> String {
        let token = randomBase64URL(bytes: 24)
        try await store.storeOnceGrant(
            OnceGrant(
                services: [service], policyVersion: settings.policyVersion, catalogHash: settings.catalogHash,
                embedId: embedId, expiresAt: now.addingTimeInterval(lifetime)),
            tokenHash: Self.hash(token))
        return token
    }

    /// Uses up a frame grant for an embed.
    func redeemFrame(_ token: String, embedId: String, now: Date) async throws -> Bool {
        guard Self.isWellFormed(token), let grant = try await store.takeOnceGrant(tokenHash: Self.hash(token)) else {
            return false
        }
        return grant.embedId == embedId && grant.expiresAt > now
    }

    /// Tokens are 24 random bytes in base64url (32 characters): anything else is not
    /// looked up at all.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 32
            && token.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F
            }
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }
}
