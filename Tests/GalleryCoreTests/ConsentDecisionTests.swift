import Foundation
import GalleryCore
import Testing

@Suite("Which services a visitor's consent grants")
struct ConsentDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func service(_ id: String, enabled: Bool = true) -> ConsentService {
        ConsentService(
            id: id, enabled: enabled, name: id, recipient: "\(id) Ltd.",
            purpose: LocalizedText(de: "Videos", en: "Videos"), storage: LocalizedText(de: "2 Jahre", en: "2 years"),
            privacyPolicy: "https://\(id).example/privacy", hosts: ["\(id).example"],
            embed: "https://\(id).example/{id}",
            urlPatterns: [], kinds: [.video])
    }

    var settings: ConsentSettings {
        ConsentSettings(
            policyVersion: "2026-11", lifetimeDays: 182,
            services: [service("youtube"), service("vimeo"), service("x", enabled: false)])
    }

    func permanent(
        _ services: [String], version: String = "2026-11", hash: String? = nil, expiresIn: TimeInterval = 3600,
        withdrawn: Bool = false
    ) -> ConsentDecision.Permanent {
        ConsentDecision.Permanent(
            services: services, policyVersion: version, catalogHash: hash ?? settings.catalogHash,
            expiresAt: now + expiresIn, withdrawn: withdrawn)
    }

    func once(_ services: [String], version: String = "2026-11", expiresIn: TimeInterval = 600) -> ConsentDecision.Once
    {
        ConsentDecision.Once(
            services: services, policyVersion: version, catalogHash: settings.catalogHash, expiresAt: now + expiresIn)
    }

    @Test("a current permanent consent grants the services it names that are offered now, until it expires")
    func permanentConsent() {
        let decision = ConsentDecision(
            settings: settings, permanent: permanent(["youtube", "x", "gone"]), once: nil, now: now)
        #expect(decision.granted.keys.sorted() == ["youtube"])
        #expect(decision.granted["youtube"]?.scope == .permanent)
        #expect(decision.granted["youtube"]?.expiresAt == (now + 3600).formatted(.iso8601))
        #expect(!decision.reaskRequired)
    }

    @Test(
        "given under another policy version or notice, or expired, a consent grants nothing and the visitor is asked again; withdrawn, it grants nothing",
        arguments: [
            ("older policy", "2026-01", nil, 3600.0, false, true),
            ("changed notice", "2026-11", "0000", 3600.0, false, true),
            ("expired", "2026-11", nil, 0.0, false, true),
            ("withdrawn", "2026-11", nil, 3600.0, true, false),
        ] as [(String, String, String?, Double, Bool, Bool)])
    func notCounting(
        _ name: String, _ version: String, _ hash: String?, _ expiresIn: Double, _ withdrawn: Bool,
        _ reask: Bool
    ) {
        let decision = ConsentDecision(
            settings: settings,
            permanent: permanent(["youtube"], version: version, hash: hash, expiresIn: expiresIn, withdrawn: withdrawn),
            once: nil, now: now)
        #expect(decision.granted.isEmpty, "\(name)")
        #expect(decision.reaskRequired == reask, "\(name)")
    }

    @Test("a once grant adds what a permanent consent does not grant, under the current policy only, while unexpired")
    func onceGrant() {
        let both = ConsentDecision(
            settings: settings, permanent: permanent(["youtube"]), once: once(["youtube", "vimeo"]), now: now)
        #expect(both.granted["youtube"]?.scope == .permanent)
        #expect(both.granted["vimeo"]?.scope == .once)
        #expect(
            ConsentDecision(settings: settings, permanent: nil, once: once(["vimeo"], version: "old"), now: now)
                .granted.isEmpty)
        #expect(
            ConsentDecision(settings: settings, permanent: nil, once: once(["vimeo"], expiresIn: -1), now: now)
                .granted.isEmpty)
        #expect(ConsentDecision(settings: settings, permanent: nil, once: once(["x"]), now: now).granted.isEmpty)
    }
}
