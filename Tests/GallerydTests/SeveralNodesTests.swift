import Foundation
import GalleryCore
import GalleryFixtures
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// Several `galleryd serve` processes, each with a data folder of its own, on one catalog
/// (`catalog.url`) — as web nodes behind a load balancer.
@Suite("Several nodes on one catalog", .timeLimit(.minutes(5)))
struct SeveralNodesTests {
    @Test(
        "one catalog.url and one consent.cookieKeyFile: a permanent grant through one node counts on the other"
    )
    func consentAcrossProcesses() async throws {
        let settings = ConsentFixtures.settings()
        let env = try TestEnvironment(consent: settings, fetchPreviews: false)
        try env.write("Konferenz/bild.jpg", photo())
        try env.write(
            "Konferenz/gallery.yaml",
            Array(
                """
                title: Konferenz
                embeds:
                  - {service: youtube, url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
                """.utf8))
        _ = try await env.pass()
        let services = env.root.appendingPathComponent("consent.yaml")
        try JSONEncoder().encode(settings).write(to: services)  // JSON is YAML
        let keyFile = env.root.appendingPathComponent("shared/consent-cookie.key")
        let shared = [
            "GALLERYD_CATALOG_URL": "sqlite:" + env.data.appendingPathComponent("catalog.sqlite").path,
            "GALLERYD_CONSENT_COOKIE_KEY_FILE": keyFile.path,
            "GALLERYD_CONSENT_SERVICES_FILE": services.path,
            "GALLERYD_CONSENT_FETCH_PREVIEWS": "false",
        ]
        let nodeA = try Daemon(env, data: env.root.appendingPathComponent("node-a"), extraEnvironment: shared)
        let nodeB = try Daemon(env, data: env.root.appendingPathComponent("node-b"), extraEnvironment: shared)
        try await nodeA.waitUntilReady()
        try await nodeB.waitUntilReady()

        let granted = try await nodeA.send(
            .POST, "/api/v1/consent",
            headers: [("Content-Type", "application/json"), ("Origin", "http://127.0.0.1:\(nodeA.port)")],
            body: #"{"services": ["youtube"], "scope": "permanent", "policyVersion": "2026-11-01", "locale": "de"}"#)
        #expect(granted.status == .created, "\(String(buffer: granted.body))")
        let cookie = try #require(granted.headers.first(name: "Set-Cookie")?.split(separator: ";").first)

        let answer = try await nodeB.get("/api/v1/galleries/konferenz", headers: [("Cookie", String(cookie))])
        #expect(answer.status == .ok)
        let document = try JSONDecoder.iso8601.decode(GalleryDocument.self, from: answer.body)
        let youtube = try #require(document.embeds.first { $0.service == "youtube" })
        #expect(youtube.state == .granted && youtube.consent?.scope == .permanent, "\(nodeB.logText.suffix(2000))")

        // The shared key was made once, by whichever node came first, and only the owner reads it.
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        #expect(
            !FileManager.default.fileExists(
                atPath: env.root.appendingPathComponent("node-a/secrets/consent-cookie.key").path))
    }
}
