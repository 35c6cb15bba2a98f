import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import Logging
import NIOCore
import SQLiteCatalog
import Server
import Synchronization
import Testing

/// Embargoes, withdrawals and erasure as a visitor, an editor and an admin see them over
/// real HTTP: every copy of a photo answers as the publication rule says.
@Suite("Embargoes, takedowns and erasure over HTTP", .timeLimit(.minutes(5)))
struct PublicationTests {
    /// A wall clock the test sets: hours away from the real one, or back and forth.
    final class TestClock: Sendable {
        let offset = Mutex<TimeInterval>(0)
        func now() -> Date { Date() + offset.withLock { $0 } }
        func move(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    }

    struct Harness {
        let env: TestEnvironment
        let admin: String
        let editor: String
        let clock: TestClock
    }

    func withServer(
        sharedCache: SharedCachePolicy = SharedCachePolicy(),
        _ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let env = try TestEnvironment()
        try env.write("Konferenz/eins.jpg", photo(caption: Array("Frau Müller".utf8), takenAt: "2019:03:12 10:01:00"))
        try env.write("Konferenz/zwei.jpg", photo(caption: Array("Zweites Bild".utf8), takenAt: "2019:03:12 10:02:00"))
        _ = try await env.pass()
        let admin = try await env.catalog.createToken(name: "Redaktion Admin", scope: .admin).text
        let editor = try await env.catalog.createToken(name: "Bildredaktion", scope: .editor).text
        let clock = TestClock()
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        var settings = ServerSettings(dataDirectory: env.data.path)
        settings.clock = PublicationClock(timeZone: TimeZone(identifier: "Europe/Berlin")!) { clock.now() }
        settings.sharedCache = sharedCache
        let server = GalleryServer(
            catalog: env.catalog, settings: settings, readiness: readiness, actions: env.adminActions)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let timer = Task { [settings] in
            await PublicationTimer(reader: env.catalog, clock: settings.clock, logger: logger).run()
        }
        defer { timer.cancel() }
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(Harness(env: env, admin: admin, editor: editor, clock: clock), client)
        }
    }

    func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    func gallery(_ client: any TestClientProtocol) async throws -> (
        status: HTTPResponse.Status, items: [GalleryItem], etag: String?
    ) {
        try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) { response in
            guard response.status == .ok else { return (response.status, [], nil) }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let items = try decoder.decode(GalleryDocument.self, from: response.body.data).items
            return (response.status, items, response.headers[.eTag])
        }
    }

    func patch(_ client: any TestClientProtocol, _ token: String, _ id: AssetID, _ body: String) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        try await client.execute(
            uri: "/api/v1/admin/assets/\(id.value)", method: .patch, headers: bearer(token),
            body: ByteBuffer(string: body)
        ) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: response.body.data) as? [String: Any]) ?? [:])
        }
    }

    func status(_ client: any TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> (
        HTTPResponse.Status, String?
    ) {
        try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, $0.headers[.cacheControl]) }
    }

    /// Waits up to `seconds` for `condition`, and says how long it took.
    func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Double? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(seconds) {
            if try await condition() {
                let elapsed = ContinuousClock.now - start
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test(
        "a hidden photo's renditions and download answer 410 no-store at once, a 304 included; the JSON's ETag changes")
    func withdrawal() async throws {
        try await withServer { harness, client in
            let (_, items, etag) = try await gallery(client)
            let target = try #require(items.first)
            let rendition = try #require(target.renditions.first?.url)
            let download = try #require(target.download?.url)
            #expect(try await status(client, rendition).0 == .ok)
            #expect(try await status(client, download).0 == .ok)
            let (patched, _) = try await patch(
                client, harness.admin, target.id, #"{"hidden": true, "reason": "Lizenz abgelaufen"}"#)
            #expect(patched == .ok)
            let withdrawn = try await harness.env.catalog.audit(since: nil, limit: 10).first {
                $0.action == "asset.withdraw"
            }
            #expect(withdrawn?.target == "asset \(target.id.value)" && withdrawn?.newValue == "Lizenz abgelaufen")
            #expect(withdrawn?.actor == "Redaktion Admin")
            for uri in [rendition, download] {
                let (code, cacheControl) = try await status(client, uri)
                #expect(code == .gone && cacheControl == "no-store", "\(uri)")
            }
            let validator = "\"" + rendition.dropFirst("/renditions/".count).replacing("/", with: "-") + "\""
            #expect(try await status(client, rendition, headers: [.ifNoneMatch: validator]).0 == .gone)
            let after = try await gallery(client)
            #expect(after.items.map(\.id) == items.dropFirst().map(\.id) && after.etag != etag)
            // Shown again: public again.
            _ = try await patch(client, harness.admin, target.id, #"{"hidden": false}"#)
            #expect(try await status(client, rendition).0 == .ok)
        }
    }

    @Test(
        "an embargo: only an admin sets it, bad times are a 400 naming the field, nothing is public before it, all of it within a second after"
    )
    func embargo() async throws {
        try await withServer { harness, client in
            let (_, items, etagBefore) = try await gallery(client)
            let target = try #require(items.first)
            let rendition = try #require(target.renditions.first?.url)
            let inOneHour = PublicationTime.text(harness.clock.now() + 3600)
            let (forbidden, problem) = try await patch(
                client, harness.editor, target.id, #"{"publishAt": "\#(inOneHour)"}"#)
            #expect(forbidden == .forbidden && problem["field"] as? String == "publishAt")
            for (body, field) in [
                (#"{"publishAt": "morgen früh"}"#, "publishAt"),
                (#"{"publishAt": "1969-12-31T23:00:00Z"}"#, "publishAt"),
                (#"{"unpublishAt": "10000-01-01T00:00:00Z"}"#, "unpublishAt"),
                (#"{"publishAt": "2026-13-01T00:00:00Z"}"#, "publishAt"),
                (#"{"publishAt": "\#(inOneHour)", "unpublishAt": "2020-01-01T00:00:00Z"}"#, "unpublishAt"),
            ] {
                let (code, problem) = try await patch(client, harness.admin, target.id, body)
                #expect(code == .badRequest && problem["field"] as? String == field, "\(body)")
            }
            let (ok, document) = try await patch(client, harness.admin, target.id, #"{"publishAt": "\#(inOneHour)"}"#)
            #expect(ok == .ok && document["publication"] as? String == "embargoed")
            let (hidden, cacheControl) = try await status(client, rendition)
            #expect(hidden == .notFound && cacheControl == "no-store")
            #expect(try await gallery(client).items.map(\.id) == items.dropFirst().map(\.id))
            // The admin sees it through the authenticated route, never cached.
            let adminURI = "/api/v1/admin" + rendition
            #expect(try await status(client, adminURI, headers: bearer(harness.editor)) == (.ok, "private, no-store"))
            #expect(try await status(client, adminURI).0 == .unauthorized)
            let schedule = try await client.execute(
                uri: "/api/v1/admin/schedule", method: .get, headers: bearer(harness.editor)
            ) { String(buffer: $0.body) }
            #expect(schedule.contains(target.id.value) && schedule.contains("embargoed"))

            // The system clock set back an hour: still embargoed.
            harness.clock.move(by: -3600)
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await status(client, rendition).0 == .notFound)
            // Forward past publishAt: every copy public within a second, the ETag moved.
            harness.clock.move(by: 3600 + 3600 + 1)
            let shown = try await eventually(within: 1) {
                try await gallery(client).items.count == items.count
            }
            #expect(shown != nil)
            #expect(try await status(client, rendition).0 == .ok)
            #expect(try await gallery(client).etag == etagBefore)
            // Lifted while public: stays public; an expiry now withdraws it with 410.
            let expired = PublicationTime.text(harness.clock.now() + 1)
            _ = try await patch(client, harness.admin, target.id, #"{"publishAt": null, "unpublishAt": "\#(expired)"}"#)
            let gone = try await eventually(within: 3) { try await status(client, rendition).0 == .gone }
            #expect(gone != nil)
            let audit = try await client.execute(
                uri: "/api/v1/admin/audit", method: .get, headers: bearer(harness.admin)
            ) { String(buffer: $0.body) }
            #expect(audit.contains("publishAt") && audit.contains("unpublishAt"))
        }
    }

    @Test("a gallery under embargo answers exactly as an unknown slug, page and JSON, and is not in the list")
    func galleryEmbargo() async throws {
        try await withServer { harness, client in
            let unknown = try await client.execute(uri: "/galleries/gibt-es-nicht", method: .get) {
                ($0.status, $0.headers[.cacheControl])
            }
            let later = PublicationTime.text(harness.clock.now() + 86_400)
            try await client.execute(
                uri: "/api/v1/admin/galleries/konferenz", method: .put, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"publishAt": "\#(later)"}"#)
            ) { #expect($0.status == .ok) }
            let page = try await client.execute(uri: "/galleries/konferenz", method: .get) {
                ($0.status, $0.headers[.cacheControl])
            }
            #expect(page == unknown && page.0 == .notFound)
            let json = try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) {
                ($0.status, String(buffer: $0.body).replacing("konferenz", with: "X"))
            }
            let unknownJSON = try await client.execute(uri: "/api/v1/galleries/gibt-es-nicht", method: .get) {
                ($0.status, String(buffer: $0.body).replacing("gibt-es-nicht", with: "X"))
            }
            #expect(json == unknownJSON)
            let list = try await client.execute(uri: "/api/v1/galleries", method: .get) { String(buffer: $0.body) }
            #expect(!list.contains("konferenz"))
            // Its time comes: page, JSON and list within a second, with nothing committed.
            harness.clock.move(by: 86_400)
            let shown = try await eventually(within: 1) {
                try await client.execute(uri: "/galleries/konferenz", method: .get) { $0.status == .ok }
            }
            #expect(shown != nil)
            #expect(try await gallery(client).items.count == 2)
            let listed = try await client.execute(uri: "/api/v1/galleries", method: .get) { String(buffer: $0.body) }
            #expect(listed.contains("konferenz"))
        }
    }

    @Test("erasure: files deleted, 410, a tombstone without content, the same bytes held elsewhere until lifted")
    func erasure() async throws {
        try await withServer { harness, client in
            let (_, items, _) = try await gallery(client)
            let target = try #require(items.first)
            let rendition = try #require(target.renditions.first?.url)
            let sourceHash = String(rendition.dropFirst("/renditions/".count).prefix(64))
            let uri = "/api/v1/admin/assets/\(target.id.value)/erase"
            try await client.execute(
                uri: uri, method: .post, headers: bearer(harness.editor), body: ByteBuffer(string: #"{"reason": "x"}"#)
            ) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: uri, method: .post, headers: bearer(harness.admin), body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .badRequest)
            }
            let answer = try await client.execute(
                uri: uri, method: .post, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"reason": "DSGVO Art. 17"}"#)
            ) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(answer.contains("Konferenz/eins.jpg") && answer.contains("must be removed there"))
            #expect(try await status(client, rendition).0 == .gone)
            #expect(try harness.env.renditionFiles().keys.allSatisfy { !$0.hasPrefix(sourceHash) })
            #expect(try await gallery(client).items.count == items.count - 1)
            // The original is untouched; a copy dropped elsewhere is held as erased.
            let bytes = try Data(contentsOf: harness.env.media.appendingPathComponent("Konferenz/eins.jpg"))
            try harness.env.write("Andere/kopie.jpg", bytes)
            _ = try await harness.env.pass()
            #expect(try await harness.env.catalog.quarantineEntry(atPath: "Andere/kopie.jpg")?.code == "erased")
            #expect(try await harness.env.catalog.quarantineEntry(atPath: "Konferenz/eins.jpg")?.code == "erased")
            #expect(try await harness.env.catalog.asset(atPath: "Konferenz/eins.jpg") == nil)
            // Lifted: the original is published again.
            try await client.execute(
                uri: "/api/v1/admin/erasures/\(sourceHash)/lift", method: .post, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"reason": "Einwilligung liegt vor"}"#)
            ) { #expect($0.status == .noContent) }
            #expect(try await harness.env.catalog.asset(atPath: "Konferenz/eins.jpg") != nil)
            let audit = try await harness.env.catalog.audit(since: nil, limit: 50)
            #expect(audit.contains { $0.action == "asset.erase.lift" && $0.newValue == "Einwilligung liegt vor" })
            #expect(
                !audit.contains { ($0.oldValue ?? "").contains("Müller") || ($0.newValue ?? "").contains("Müller") })
        }
    }

    @Test("public answers carry their cache keys and, while galleryd purges, s-maxage; personal ones neither")
    func cacheKeys() async throws {
        try await withServer(sharedCache: SharedCachePolicy(tagHeader: "xkey", sharedMaxAge: 3600)) { _, client in
            let (_, items, _) = try await gallery(client)
            let item = try #require(items.first)
            try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) { response in
                #expect(response.headers[HTTPField.Name("xkey")!] == "gallery:konferenz")
                #expect(response.headers[.cacheControl]?.hasSuffix("s-maxage=3600") == true)
            }
            try await client.execute(uri: "/galleries/konferenz", method: .get) { response in
                #expect(response.headers[HTTPField.Name("xkey")!] == "gallery:konferenz galleries")
                #expect(response.headers[.cacheControl] == "public, max-age=0, must-revalidate, s-maxage=3600")
            }
            try await client.execute(uri: item.renditions[0].url, method: .get) { response in
                #expect(response.headers[HTTPField.Name("xkey")!] == "asset:\(item.id.value)")
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            }
            try await client.execute(uri: "/api/v1/galleries", method: .get) { response in
                #expect(response.headers[HTTPField.Name("xkey")!] == "galleries")
            }
        }
    }

    @Test(
        "a sidecar's times: local ones read in the site's zone, one that cannot be read holds its photo and is reported"
    )
    func sidecarTimes() async throws {
        let env = try TestEnvironment()
        try env.write("Termin/a.jpg", photo(caption: Array("A".utf8), takenAt: "2019:03:12 10:01:00"))
        try env.write("Termin/b.jpg", photo(caption: Array("B".utf8), takenAt: "2019:03:12 10:02:00"))
        try env.write(
            "Termin/gallery.yaml",
            Array(
                """
                publishAt: 2020-01-01T12:00
                items:
                  b.jpg:
                    publishAt: am Montag
                """.utf8))
        _ = try await env.pass()
        let gallery = try #require(try await env.catalog.gallery(folder: "Termin"))
        // 12:00 in Europe/Berlin in winter is 11:00 UTC.
        #expect(gallery.publishAt == Date(timeIntervalSince1970: 1_577_876_400))
        #expect(gallery.sidecar?.schedule.problems.first?.hasPrefix("b.jpg: publishAt") == true)
        let built = try #require(try await env.catalog.gallery(slug: "termin"))
        #expect(built.document.items.map(\.id) == [AssetID(relativePath: "Termin/a.jpg")])
        let held = try #require(try await env.catalog.asset(atPath: "Termin/b.jpg"))
        #expect(try await env.catalog.fileAccess(sourceHash: held.sourceHash, at: Date())?.access == .notYet)
    }
}
