import Foundation
import GalleryCore

/// `once` consents: nothing is stored in the browser. A grant is a random token the page
/// keeps in memory and sends with this page view's gallery request; that request uses it
/// up and receives single-use frame grants for the granted embeds. A token or frame grant
/// sent again (a reload, a replay) grants nothing.
actor OnceGrants {
    struct Grant {
        var services: Set<String>
        var policyVersion: String
        var catalogHash: String
        var expiresAt: Date
    }

    struct FrameGrant {
        var embedId: String
        var expiresAt: Date
    }

    private var grants: [String: Grant] = [:]
    private var frames: [String: FrameGrant] = [:]
    private let lifetime: TimeInterval
    private let limit = 100_000

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    func issue(services: Set<String>, policyVersion: String, catalogHash: String, now: Date) -> (String, Date) {
        purge(now: now)
        let token = randomBase64URL(bytes: 24)
        let expiresAt = now.addingTimeInterval(lifetime)
        grants[token] = Grant(
            services: services, policyVersion: policyVersion, catalogHash: catalogHash, expiresAt: expiresAt)
        return (token, expiresAt)
    }

    /// Uses up a token: its grant if it was valid, unused and unexpired.
    func redeem(_ token: String, now: Date) -> Grant? {
        guard let grant = grants.removeValue(forKey: token), grant.expiresAt > now else { return nil }
        return grant
    }

    func issueFrame(embedId: String, now: Date) -> String {
        let token = randomBase64URL(bytes: 24)
        frames[token] = FrameGrant(embedId: embedId, expiresAt: now.addingTimeInterval(lifetime))
        return token
    }

    /// Uses up a frame grant for an embed.
    func redeemFrame(_ token: String, embedId: String, now: Date) -> Bool {
        guard let frame = frames.removeValue(forKey: token) else { return false }
        return frame.embedId == embedId && frame.expiresAt > now
    }

    private func purge(now: Date) {
        if grants.count > limit / 2 { grants = grants.filter { $0.value.expiresAt > now } }
        if frames.count > limit / 2 { frames = frames.filter { $0.value.expiresAt > now } }
        // Still too many: a flood; the oldest go.
        if grants.count > limit {
            grants = Dictionary(
                uniqueKeysWithValues: grants.sorted { $0.value.expiresAt > $1.value.expiresAt }.prefix(limit / 2).map {
                    ($0.key, $0.value)
                })
        }
    }
}
