import Foundation
import GalleryCore
import GalleryFixtures
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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

    /// A counter's value in a node's `/metrics` (0 before its first increment).
    func counter(_ name: String, on node: Daemon) async throws -> Int {
        let text = String(buffer: try await node.get("/metrics").body)
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
    }

    @Test(
        "--role: two workers and a web node on one data folder: every photo ingested once, the watcher moves when its worker is killed"
    )
    func roles() async throws {
        let env = try TestEnvironment()
        let first = try Daemon(env, arguments: ["--role", "worker"])
        try await first.waitUntilReady()
        let second = try Daemon(env, extraEnvironment: ["GALLERYD_ROLE": "worker"])
        let web = try Daemon(env, arguments: ["--role", "web"])
        try await second.waitUntilReady()
        try await web.waitUntilReady()
        #expect(second.logText.contains("standing by for the watcher lease"))
        #expect(try await first.get("/api/v1/galleries").status == .notFound)
        #expect(try await first.get("/metrics").status == .ok)

        for index in 0..<12 { try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8))) }
        try await eventually(
            timeout: .seconds(90), "the web node never showed 12 photos:\n\(first.logText.suffix(3000))"
        ) {
            try await web.gallery("termine")?.items.count == 12
        }
        try await eventually(timeout: .seconds(30), "the workers' counts never reached 12") {
            try await counter("galleryd_files_ingested_total", on: first)
                + counter("galleryd_files_ingested_total", on: second) == 12
        }
        #expect(!web.logText.contains("watcher lease taken"))
        // The web node serves what the workers rendered into the shared data folder.
        let rendition = try #require(try await web.gallery("termine")?.items.first?.renditions.first?.url)
        #expect(try await web.get(rendition).status == .ok)

        first.signal(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(10))
        try await eventually(timeout: .seconds(30), "the second worker never took the watcher") {
            second.logText.contains("watcher lease taken")
        }
        for index in 12..<15 { try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8))) }
        try await eventually(timeout: .seconds(60), "photos dropped after the kill never arrived") {
            try await web.gallery("termine")?.items.count == 15
        }
    }
}

/// The cluster of the README's "Several machines", on loopback: one PostgreSQL, two web
/// nodes and two workers sharing one data folder (as on a shared mount).
@Suite("A cluster on PostgreSQL", .timeLimit(.minutes(5)))
struct ClusterTests {
    @Test(
        "two workers and two web nodes on one PostgreSQL: each photo ingested once, both web nodes answer alike, a killed worker loses nothing, consent holds across nodes"
    )
    func cluster() async throws {
        let env = try TestEnvironment()
        let url = try await PostgresCluster.shared.newDatabase()
        let shared = [
            "GALLERYD_CATALOG_URL": url, "GALLERYD_INGEST_JOB_LEASE_SECONDS": "3",
            // The address visitors use, the same for every node behind the load balancer.
            "GALLERYD_SITE_PUBLIC_URL": "https://presse.example",
            "GALLERYD_CONSENT_SERVICES_FILE": try servicesFile(env).path, "GALLERYD_CONSENT_FETCH_PREVIEWS": "false",
        ]
        let workerA = try Daemon(env, extraEnvironment: shared, arguments: ["--role", "worker"])
        try await workerA.waitUntilReady()
        let workerB = try Daemon(env, extraEnvironment: shared, arguments: ["--role", "worker"])
        let webA = try Daemon(env, extraEnvironment: shared, arguments: ["--role", "web"])
        let webB = try Daemon(env, extraEnvironment: shared, arguments: ["--role", "web"])
        for node in [workerB, webA, webB] { try await node.waitUntilReady() }

        try env.write(
            "Termine/gallery.yaml",
            Array("embeds:\n  - {service: youtube, url: \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"}\n".utf8))
        for index in 0..<12 { try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8))) }
        try await eventually(timeout: .seconds(90), "web B never showed 12 photos:\n\(workerA.logText.suffix(3000))") {
            try await webB.gallery("termine")?.items.count == 12
        }
        try await eventually(timeout: .seconds(30), "the workers' counts never reached 12") {
            try await SeveralNodesTests().counter("galleryd_files_ingested_total", on: workerA)
                + SeveralNodesTests().counter("galleryd_files_ingested_total", on: workerB) == 12
        }
        // Within a second of the last change, both web nodes answer with the same body and ETag.
        try await eventually(timeout: .seconds(1), "the web nodes answered differently") {
            let (a, b) = (
                try await webA.get("/api/v1/galleries/termine"), try await webB.get("/api/v1/galleries/termine")
            )
            return a.body == b.body && a.headers.first(name: "ETag") == b.headers.first(name: "ETag")
        }

        // The watcher's worker is killed while photos are still coming in.
        for index in 12..<24 { try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8))) }
        try await eventually(timeout: .seconds(60), "nothing of the second batch arrived") {
            (try await webA.gallery("termine")?.items.count ?? 0) > 12
        }
        workerA.signal(SIGKILL)
        _ = await workerA.waitForExit(timeout: .seconds(10))
        try await eventually(timeout: .seconds(90), "photos were lost after the kill:\n\(workerB.logText.suffix(3000))")
        {
            try await webA.gallery("termine")?.items.count == 24
        }
        let items = try #require(try await webB.gallery("termine")?.items)
        #expect(Set(items.map(\.id)).count == 24)
        #expect(workerB.logText.contains("watcher lease taken"))

        // The gallery's ZIP, made from the PostgreSQL catalog: the same bytes and ETag on both
        // web nodes, every photo in it, valid for Python's zipfile.
        // (Downloads are still being made meanwhile: each one changes the ZIP.)
        var zipA = try await webA.get("/downloads/galleries/termine.zip")
        try await eventually(timeout: .seconds(60), "the web nodes' ZIPs differed") {
            zipA = try await webA.get("/downloads/galleries/termine.zip")
            let zipB = try await webB.get("/downloads/galleries/termine.zip")
            return zipA.status == .ok && zipA.body == zipB.body
                && zipA.headers.first(name: "ETag") == zipB.headers.first(name: "ETag")
        }
        let saved = env.root.appendingPathComponent("termine.zip")
        try Data(buffer: zipA.body).write(to: saved)
        let listed = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [
                "-c",
                "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))",
                saved.path,
            ])
        #expect(
            listed.status == 0 && listed.output.trimmingCharacters(in: .whitespacesAndNewlines) == "26",
            "\(listed.error)")

        // A grant through web A counts on web B; a once token used on B is spent on A.
        let origin = ("Origin", "https://presse.example")
        let body = { (scope: String) in
            #"{"services": ["youtube"], "scope": "\#(scope)", "policyVersion": "2026-11-01", "locale": "de"}"#
        }
        let granted = try await webA.send(
            .POST, "/api/v1/consent", headers: [("Content-Type", "application/json"), origin], body: body("permanent"))
        let cookie = try #require(granted.headers.first(name: "Set-Cookie")?.split(separator: ";").first)
        let remembered = try await webB.get("/api/v1/galleries/termine", headers: [("Cookie", String(cookie))])
        #expect(String(buffer: remembered.body).contains(#""state":"granted""#))
        let once = try await webA.send(
            .POST, "/api/v1/consent", headers: [("Content-Type", "application/json"), origin], body: body("once"))
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(buffer: once.body)) as? [String: Any])?["onceToken"] as? String
        )
        let spent = try await webB.get("/api/v1/galleries/termine", headers: [("Consent-Token", token)])
        #expect(String(buffer: spent.body).contains(#""state":"granted""#))
        let replayed = try await webA.get("/api/v1/galleries/termine", headers: [("Consent-Token", token)])
        #expect(!String(buffer: replayed.body).contains(#""state":"granted""#))

        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_CATALOG_URL"] = url
        let verified = try await GallerydProcess.run(
            ["consent", "verify", "--data", env.data.path], in: env.root, environment: environment)
        #expect(verified.status == 0 && verified.output.contains("consent log intact: 2 events"), "\(verified.error)")
    }

    func servicesFile(_ env: TestEnvironment) throws -> URL {
        let file = env.root.appendingPathComponent("consent.yaml")
        try JSONEncoder().encode(ConsentFixtures.settings()).write(to: file)
        return file
    }
}
