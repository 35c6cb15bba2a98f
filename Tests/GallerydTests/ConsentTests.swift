import Catalog
import Crypto
import Foundation
import GRDB
import GalleryCore
import GalleryFixtures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import Ingest
import Logging
import NIOCore
import SQLiteCatalog
import Server
import Testing

/// A clock the tests move forward.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()
    var now: Date { lock.withLock { current } }
    func advance(days: Double) { lock.withLock { current = current.addingTimeInterval(days * 86_400) } }
}

@Suite("Consent", .timeLimit(.minutes(5)))
struct ConsentTests {
    struct Harness {
        let env: TestEnvironment
        let clock: TestClock
        let admin: String
        let settings: ConsentSettings
        let provider: ProviderDouble
        /// Another web node with the same settings and cookie key, on `catalog`.
        let node: @Sendable (SQLiteStore) -> GalleryServer
    }

    /// A gallery with YouTube and Vimeo embeds, served over real HTTP on 127.0.0.1, with a
    /// loopback stand-in for the YouTube oEmbed endpoint.
    func withConsent(
        policyVersion: String = "2026-11-01", fetchPreviews: Bool = true, trustedProxies: [AddressRange] = [],
        _ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let provider = try await ProviderDouble()
        defer { provider.stop() }
        let settings = ConsentFixtures.settings(providerPort: provider.port, policyVersion: policyVersion)
        let env = try TestEnvironment(consent: settings, fetchPreviews: fetchPreviews)
        try env.write("Konferenz/bild.jpg", photo(caption: Array("Bild".utf8)))
        try env.write(
            "Konferenz/gallery.yaml",
            Array(
                """
                title: Konferenz
                embeds:
                  - {service: youtube, url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", title: Rede des Ministers}
                  - {service: vimeo, url: "https://vimeo.com/76979871"}
                  - {service: youtube, url: "http://127.0.0.1/evil"}
                """.utf8))
        _ = try await env.pass()
        let clock = TestClock()
        let admin = try await env.catalog.createToken(name: "Datenschutz", scope: .admin).text
        let (embeds, ingestSettings) = (env.stages.embeds, env.settings)
        let actions = AdminActions(
            refreshAsset: { _ in }, refreshGallery: { _ in }, retryFile: { _ in },
            attachEmbed: { request in
                do {
                    return try await embeds.attachEmbed(
                        galleryFolder: request.galleryFolder, service: request.service, url: request.url,
                        kind: request.kind, title: request.title, uploadedPreview: request.preview,
                        actor: request.actor,
                        settings: ingestSettings)
                } catch let rejection as EmbedRejection {
                    throw EmbedRequestRejected(field: rejection.field, message: rejection.description)
                }
            })
        let node = { @Sendable (catalog: SQLiteStore) in
            GalleryServer(
                catalog: catalog,
                settings: ServerSettings(
                    dataDirectory: env.data.path,
                    consent: ConsentOptions(
                        defaults: settings, cookieKey: Array(repeating: 7, count: 32), rateBurst: 20, ratePerSecond: 5,
                        now: { clock.now }),
                    trustedProxies: trustedProxies),
                readiness: Readiness(), actions: actions)
        }
        let app = Application(
            router: node(env.catalog).router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(
                Harness(env: env, clock: clock, admin: admin, settings: settings, provider: provider, node: node),
                client)
        }
    }

    func gallery(_ client: any TestClientProtocol, headers: HTTPFields = [:]) async throws -> (
        GalleryDocument, TestResponse
    ) {
        try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get, headers: headers) { response in
            (try JSONDecoder.iso8601.decode(GalleryDocument.self, from: response.body.data), response)
        }
    }

    func grant(
        _ client: any TestClientProtocol, _ services: [String], scope: String, version: String = "2026-11-01",
        headers: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any], cookie: String?) {
        var headers = headers
        headers[.contentType] = headers[.contentType] ?? "application/json"
        headers[.origin] = headers[.origin] ?? Self.siteOrigin
        let body =
            #"{"services": [\#(services.map { "\"\($0)\"" }.joined(separator: ","))], "scope": "\#(scope)", "policyVersion": "\#(version)", "locale": "de"}"#
        return try await client.execute(
            uri: "/api/v1/consent", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) {
            response in
            let object = (try? JSONSerialization.jsonObject(with: response.body.data) as? [String: Any]) ?? [:]
            return (response.status, object, response.headers[.setCookie])
        }
    }

    /// The origin of the server's `site.publicURL` (ConsentOptions' default): the portal's own.
    static let siteOrigin = "http://127.0.0.1:8080"
    static let ownOrigin: HTTPFields = [.origin: siteOrigin]

    /// `times` rejections in a row as fast as they go; how many were accepted and how many
    /// rate-limited.
    func flood(
        _ client: any TestClientProtocol, times: Int, headers: (Int) -> HTTPFields = { _ in [:] }
    ) async throws -> (accepted: Int, limited: Int) {
        var accepted = 0
        var limited = 0
        for index in 0..<times {
            let result = try await grant(client, [], scope: "once", headers: headers(index))
            if result.status == .created { accepted += 1 }
            if result.status == .tooManyRequests { limited += 1 }
        }
        return (accepted, limited)
    }

    /// The cookie pair (`name=value`) from a Set-Cookie header.
    func pair(_ setCookie: String?) -> HTTPFields {
        guard let setCookie, let first = setCookie.split(separator: ";").first else { return [:] }
        return [.cookie: String(first)]
    }

    static let thirdPartyHosts = [
        "youtube", "vimeo", "twitter", "ytimg", "google", "facebook", "instagram", "flickr", "pinterest",
        "probe.example",
    ]

    @Test("nothing is granted by default: every embed is withheld and names no third-party host except externalLink")
    func withheldByDefault() async throws {
        try await withConsent { harness, client in
            try await client.execute(uri: "/api/v1/consent", method: .get) { response in
                let status = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect((status["granted"] as? [String])?.isEmpty == true)
                #expect(status["reaskRequired"] as? Bool == false)
            }
            let (document, response) = try await gallery(client)
            #expect(document.embeds.map(\.service) == ["youtube", "vimeo"])
            #expect(document.embeds.allSatisfy { $0.state == .withheld && $0.embed == nil })
            #expect(document.consent.granted.isEmpty)
            #expect(response.headers[.cacheControl]?.hasPrefix("public") == true)
            for embed in document.embeds {
                var withoutLink = embed
                withoutLink.externalLink = ""
                let json = String(decoding: try JSONEncoder().encode(withoutLink), as: UTF8.self).lowercased()
                for host in Self.thirdPartyHosts
                where host != "youtube" && host != "vimeo" || !json.contains("\"service\":\"\(host)\"") {
                    #expect(!json.contains(host + "."), "\(host) in \(json)")
                }
                #expect(!json.contains("http"), "\(json)")
            }
            let youtube = try #require(document.embeds.first)
            #expect(youtube.preview?.url.hasPrefix("/previews/") == true)
            #expect(youtube.notice.de.contains("Google") == false || youtube.notice.de.contains("Youtube Ltd."))
        }
    }

    @Test("a permanent grant for one service reveals exactly that one, with a correct cookie and a private answer")
    func permanentGrant() async throws {
        try await withConsent { harness, client in
            let result = try await grant(client, ["youtube"], scope: "permanent")
            #expect(result.status == .created)
            let cookie = try #require(result.cookie)
            #expect(cookie.hasPrefix("galleryd_consent="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.lowercased().contains("samesite=lax"))
            #expect(cookie.contains("Max-Age=\(182 * 86_400)"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "served over plain http here")
            let (document, response) = try await gallery(client, headers: pair(cookie))
            let states = Dictionary(uniqueKeysWithValues: document.embeds.map { ($0.service, $0.state) })
            #expect(states == ["youtube": .granted, "vimeo": .withheld])
            let youtube = try #require(document.embeds.first { $0.service == "youtube" })
            #expect(youtube.embed?.src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
            #expect(youtube.consent?.scope == .permanent)
            #expect(document.consent.granted == ["youtube"])
            #expect(response.headers[.cacheControl]?.hasPrefix("private") == true)
            #expect(response.headers[.vary]?.contains("Cookie") == true)
            let frame = try #require(youtube.embed?.frame)
            try await client.execute(uri: frame, method: .get, headers: pair(cookie)) { response in
                #expect(response.status == .ok)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("frame-src https://www.youtube-nocookie.com;"))
                #expect(!csp.contains("vimeo"))
                #expect(String(buffer: response.body).contains("youtube-nocookie.com/embed/dQw4w9WgXcQ"))
            }
            try await client.execute(uri: frame, method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("youtube-nocookie"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-src 'none'") == true)
            }
            let events = try await harness.env.catalog.consentEvents()
            #expect(events.last?.kind == .grant)
            #expect(events.last?.decisions == ["youtube": true, "vimeo": false, "x": false, "probe": false])
        }
    }

    @Test("a once grant works for this page view only: no cookie, and a replayed token grants nothing")
    func onceGrant() async throws {
        try await withConsent { harness, client in
            let result = try await grant(client, ["youtube"], scope: "once")
            #expect(result.status == .created)
            #expect(result.cookie == nil)
            let token = try #require(result.body["onceToken"] as? String)
            let (document, response) = try await gallery(client, headers: [.consentToken: token])
            let youtube = try #require(document.embeds.first { $0.service == "youtube" })
            #expect(youtube.state == .granted)
            #expect(youtube.consent?.scope == .once)
            #expect(response.headers[.cacheControl]?.hasPrefix("private") == true)
            let frame = try #require(youtube.embed?.frame)
            #expect(frame.contains("grant="))
            try await client.execute(uri: frame, method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: frame, method: .get) {
                #expect($0.status == .forbidden, "frame grant replayed")
            }
            let (again, _) = try await gallery(client, headers: [.consentToken: token])
            #expect(again.embeds.allSatisfy { $0.state == .withheld }, "once token replayed")
            #expect(try await harness.env.catalog.consentEvents().last?.scope == .once)
        }
    }

    @Test(
        "two web nodes on one catalog: a grant through one is honoured by the other; a once token or frame grant used on one is refused on the other"
    )
    func acrossNodes() async throws {
        try await withConsent { harness, nodeA in
            let catalog = try SQLiteStore(
                path: harness.env.data.appendingPathComponent("catalog.sqlite").path, logger: Logger(label: "node-b"))
            let app = Application(
                router: harness.node(catalog).router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { nodeB in
                let permanent = try await grant(nodeA, ["youtube"], scope: "permanent")
                #expect(permanent.status == .created)
                let (remembered, _) = try await gallery(nodeB, headers: pair(permanent.cookie))
                let youtube = try #require(remembered.embeds.first { $0.service == "youtube" })
                #expect(youtube.state == .granted && youtube.consent?.scope == .permanent)

                let once = try await grant(nodeA, ["vimeo"], scope: "once")
                let token = try #require(once.body["onceToken"] as? String)
                let (spent, _) = try await gallery(nodeB, headers: [.consentToken: token])
                let vimeo = try #require(spent.embeds.first { $0.service == "vimeo" })
                #expect(vimeo.state == .granted && vimeo.consent?.scope == .once)
                let (replayed, _) = try await gallery(nodeA, headers: [.consentToken: token])
                #expect(replayed.embeds.allSatisfy { $0.state == .withheld }, "once token replayed on the other node")
                let frame = try #require(vimeo.embed?.frame)
                try await nodeA.execute(uri: frame, method: .get) { #expect($0.status == .ok) }
                try await nodeB.execute(uri: frame, method: .get) {
                    #expect($0.status == .forbidden, "frame grant replayed on the other node")
                }
            }
        }
    }

    @Test(
        "another site cannot record or withdraw consent: text/plain, no content type, a form, a foreign or missing Origin, Sec-Fetch-Site cross-site"
    )
    func crossSiteRequestsRefused() async throws {
        try await withConsent { harness, client in
            let all =
                #"{"services": ["youtube", "vimeo", "x", "probe"], "scope": "permanent", "policyVersion": "2026-11-01"}"#
            let evil = "http://127.0.0.1:9"
            let attempts: [(String, HTTPFields, String)] = [
                ("fetch no-cors, text/plain", [.origin: evil, .contentType: "text/plain;charset=UTF-8"], all),
                ("no content type", [.origin: evil], all),
                ("form, enctype text/plain", [.origin: evil, .contentType: "text/plain"], all + "=\r\n"),
                (
                    "form, urlencoded, own origin",
                    [.origin: Self.siteOrigin, .contentType: "application/x-www-form-urlencoded"], all
                ),
                ("JSON from another origin", [.origin: evil, .contentType: "application/json"], all),
                (
                    "JSON from a sibling port", [.origin: "http://127.0.0.1:8081", .contentType: "application/json"],
                    all
                ),
                ("JSON without Origin", [.contentType: "application/json"], all),
                ("JSON, Origin null (sandboxed frame)", [.origin: "null", .contentType: "application/json"], all),
                (
                    "JSON, Sec-Fetch-Site cross-site",
                    [
                        .origin: Self.siteOrigin, .contentType: "application/json",
                        HTTPField.Name("Sec-Fetch-Site")!: "cross-site",
                    ],
                    all
                ),
            ]
            for (name, headers, body) in attempts {
                try await client.execute(
                    uri: "/api/v1/consent", method: .post, headers: headers, body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .forbidden, "\(name)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(name)")
                    #expect(response.headers[.setCookie] == nil, "\(name): no cookie")
                    #expect(response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil, "\(name)")
                }
            }
            #expect(try await harness.env.catalog.consentEventCount() == 0, "nothing recorded")
            // A CORS preflight is never granted.
            try await client.execute(
                uri: "/api/v1/consent", method: .options,
                headers: [.origin: evil, HTTPField.Name("Access-Control-Request-Method")!: "POST"]
            ) { response in
                #expect(response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
                #expect(response.headers[HTTPField.Name("Access-Control-Allow-Methods")!] == nil)
            }
            // The portal's own request still works, and a foreign one cannot withdraw it.
            let granted = try await grant(
                client, ["youtube"], scope: "permanent", headers: [.contentType: "application/json; charset=utf-8"])
            #expect(granted.status == .created)
            let cookie = pair(granted.cookie)
            for headers: HTTPFields in [
                [.origin: evil], [:], [HTTPField.Name("Sec-Fetch-Site")!: "cross-site", .origin: evil],
            ] {
                try await client.execute(uri: "/api/v1/consent", method: .delete, headers: cookie + headers) {
                    response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.setCookie] == nil)
                }
            }
            #expect(try await harness.env.catalog.consentEventCount() == 1, "only the portal's own grant")
            #expect(try await gallery(client, headers: cookie).0.embeds.contains { $0.state == .granted })
        }
    }

    @Test("the answer with and without consent is the whole document, byte for byte as one encoding of it")
    func answersAreWholeDocuments() async throws {
        try await withConsent { _, client in
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let cookie = pair(try await grant(client, ["youtube"], scope: "permanent").cookie)
            var tags: Set<String> = []
            for headers in [HTTPFields(), cookie, HTTPFields(), cookie] {
                let (document, response) = try await gallery(client, headers: headers)
                #expect(Data(response.body.readableBytesView) == (try encoder.encode(document)))
                tags.insert(try #require(response.headers[.eTag]))
            }
            #expect(tags.count == 2, "one tag per distinct answer: \(tags)")
        }
    }

    @Test("withdrawing (per service or all) withholds again and clears the cookie")
    func withdrawal() async throws {
        try await withConsent { harness, client in
            let cookie = pair(try await grant(client, ["youtube", "vimeo"], scope: "permanent").cookie)
            #expect(try await gallery(client, headers: cookie).0.embeds.allSatisfy { $0.state == .granted })
            try await client.execute(
                uri: "/api/v1/consent?service=vimeo", method: .delete, headers: cookie + Self.ownOrigin
            ) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie] == nil, "youtube is still granted")
            }
            let partly = Dictionary(
                uniqueKeysWithValues: try await gallery(client, headers: cookie).0.embeds.map { ($0.service, $0.state) }
            )
            #expect(partly == ["youtube": .granted, "vimeo": .withheld])
            try await client.execute(uri: "/api/v1/consent", method: .delete, headers: cookie + Self.ownOrigin) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            #expect(try await gallery(client, headers: cookie).0.embeds.allSatisfy { $0.state == .withheld })
            let kinds = try await harness.env.catalog.consentEvents().map(\.kind)
            #expect(kinds == [.grant, .withdraw, .withdraw])
        }
    }

    @Test("an expired consent withholds again and asks again; the expiry is logged")
    func expiry() async throws {
        try await withConsent { harness, client in
            let cookie = pair(try await grant(client, ["youtube"], scope: "permanent").cookie)
            harness.clock.advance(days: 183)
            #expect(try await gallery(client, headers: cookie).0.embeds.allSatisfy { $0.state == .withheld })
            try await client.execute(uri: "/api/v1/consent", method: .get, headers: cookie) { response in
                let status = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect(status["reaskRequired"] as? Bool == true)
                #expect((status["granted"] as? [String])?.isEmpty == true)
            }
            #expect(try await harness.env.catalog.logExpiredConsents(now: harness.clock.now) == 1)
            #expect(try await harness.env.catalog.consentEvents().last?.kind == .expire)
        }
    }

    @Test("a new policy version withholds again, asks again, and refuses grants for the old one with 409")
    func policyBump() async throws {
        try await withConsent { harness, client in
            let cookie = pair(try await grant(client, ["youtube"], scope: "permanent").cookie)
            var settings = harness.settings
            settings.policyVersion = "2027-01-01"
            let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
            try await client.execute(
                uri: "/api/v1/admin/consent/settings", method: .put,
                headers: [.authorization: "Bearer \(harness.admin)", .contentType: "application/json"],
                body: ByteBuffer(string: json)
            ) { #expect($0.status == .ok) }
            let (document, _) = try await gallery(client, headers: cookie)
            #expect(document.embeds.allSatisfy { $0.state == .withheld })
            #expect(document.consent.policyVersion == "2027-01-01")
            try await client.execute(uri: "/api/v1/consent", method: .get, headers: cookie) { response in
                let status = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect(status["reaskRequired"] as? Bool == true)
            }
            let stale = try await grant(client, ["youtube"], scope: "permanent")
            #expect(stale.status == .conflict)
            #expect(
                try await harness.env.catalog.audit().contains {
                    $0.field == "policyVersion" && $0.newValue == "2027-01-01"
                })
        }
    }

    @Test("forged, truncated, re-signed and borrowed cookies grant nothing")
    func forgedCookies() async throws {
        try await withConsent { harness, client in
            let setCookie = try #require(try await grant(client, ["youtube"], scope: "permanent").cookie)
            let value = String(try #require(setCookie.split(separator: ";").first).dropFirst("galleryd_consent=".count))
            let (id, signature) = (value.split(separator: ".")[0], value.split(separator: ".")[1])
            let otherKey = Array(repeating: UInt8(9), count: 32)
            let resigned = try #require(
                ConsentCookieProbe.sign(String(id), key: otherKey))
            let forged: [String] = [
                "AAAAAAAAAAAAAAAAAAAAAA." + String(signature), String(value.dropLast(3)), resigned,
                String(id) + ".", "x.y", String(id), value + "A", String(repeating: "A", count: 4096),
            ]
            for cookie in forged {
                let (document, _) = try await gallery(client, headers: [.cookie: "galleryd_consent=\(cookie)"])
                #expect(document.embeds.allSatisfy { $0.state == .withheld }, "\(cookie.prefix(40))")
            }
            #expect(
                try await gallery(client, headers: [.cookie: "galleryd_consent=\(value)"]).0.embeds.first?.state
                    == .granted)
        }
    }

    @Test("unknown services, wrong types and unknown fields are refused with 400")
    func badRequests() async throws {
        try await withConsent { harness, client in
            for body in [
                #"{"services": ["myspace"], "scope": "permanent", "policyVersion": "2026-11-01"}"#,
                #"{"services": "youtube", "scope": "permanent", "policyVersion": "2026-11-01"}"#,
                #"{"services": ["youtube"], "scope": "forever", "policyVersion": "2026-11-01"}"#,
                #"{"services": ["youtube"], "scope": "once", "policyVersion": "2026-11-01", "tracking": true}"#,
                #"{"scope": "once", "policyVersion": "2026-11-01"}"#, "nonsense",
            ] {
                try await client.execute(
                    uri: "/api/v1/consent", method: .post,
                    headers: [.contentType: "application/json", .origin: Self.siteOrigin],
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/api/v1/consent?service=myspace", method: .delete, headers: Self.ownOrigin) {
                #expect($0.status == .badRequest)
            }
            #expect(try await harness.env.catalog.consentEventCount() == 0)
        }
    }

    @Test("a flood of consent requests is rate-limited with 429; every accepted decision is logged")
    func rateLimit() async throws {
        try await withConsent { harness, client in
            let (accepted, limited) = try await flood(client, times: 200)
            #expect(limited > 0)
            #expect(accepted + limited == 200)
            #expect(try await harness.env.catalog.consentEventCount() == accepted)
            #expect(try await harness.env.catalog.verifyConsentChain().isIntact)
        }
    }

    @Test("behind a trusted proxy each visitor has a rate limit and address hash of their own")
    func trustedProxy() async throws {
        let forwardedFor = HTTPField.Name("X-Forwarded-For")!
        try await withConsent(trustedProxies: [AddressRange("127.0.0.1")!]) { harness, client in
            let (_, limited) = try await flood(client, times: 60) { _ in [forwardedFor: "203.0.113.7"] }
            #expect(limited > 0)
            // Another visitor behind the same proxy is not held up by the first one's flood.
            let other = try await grant(client, [], scope: "once", headers: [forwardedFor: "198.51.100.2, 127.0.0.1"])
            #expect(other.status == .created)
            let hashes = Set(try await harness.env.catalog.consentEvents().compactMap(\.ipHash))
            #expect(hashes.count == 2)
        }
    }

    @Test("X-Forwarded-For from a client that is no trusted proxy changes nothing")
    func forgedForwardedFor() async throws {
        let forwardedFor = HTTPField.Name("X-Forwarded-For")!
        try await withConsent { harness, client in
            let (_, limited) = try await flood(client, times: 60) { [forwardedFor: "203.0.113.\($0)"] }
            #expect(limited > 0)
            #expect(Set(try await harness.env.catalog.consentEvents().compactMap(\.ipHash)).count == 1)
        }
    }

    @Test("the log keeps a browser family and a keyed address hash, never the address or user agent")
    func logContents() async throws {
        try await withConsent { harness, client in
            let agent =
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
            _ = try await grant(client, ["youtube"], scope: "permanent", headers: [.userAgent: agent])
            let event = try #require(try await harness.env.catalog.consentEvents().last)
            #expect(event.browser == "chrome")
            #expect(event.ipHash?.count == 32)
            let exported = String(
                decoding: try ConsentEventExport.json(try await harness.env.catalog.consentEvents()), as: UTF8.self)
            #expect(!exported.contains("127.0.0.1"))
            #expect(!exported.contains("AppleWebKit"))
        }
    }

    @Test("the event chain verifies; an edited or deleted row makes `galleryd consent verify` fail")
    func chainVerification() async throws {
        try await withConsent { harness, client in
            _ = try await grant(client, ["youtube"], scope: "permanent")
            _ = try await grant(client, ["vimeo"], scope: "once")
            _ = try await grant(client, [], scope: "permanent")
            let data = harness.env.data.path
            let intact = try await GallerydProcess.run(["consent", "verify", "--data", data], in: harness.env.root)
            #expect(intact.status == 0, "\(intact.error)")
            #expect(intact.output.contains("3 events"))
            let csv = try await GallerydProcess.run(
                ["consent", "export", "--format", "csv", "--data", data], in: harness.env.root)
            #expect(csv.output.split(separator: "\r\n").count == 4)

            let queue = try DatabaseQueue(path: harness.env.data.appendingPathComponent("catalog.sqlite").path)
            try await queue.write { db in
                try db.execute(sql: "UPDATE consentEvent SET decisions = '{\"youtube\":false}' WHERE seq = 1")
            }
            let edited = try await GallerydProcess.run(["consent", "verify", "--data", data], in: harness.env.root)
            #expect(edited.status != 0)
            #expect(edited.error.contains("event 1 was altered"))
            try await queue.write { db in
                try db.execute(
                    sql:
                        "UPDATE consentEvent SET decisions = '{\"probe\":false,\"vimeo\":false,\"x\":false,\"youtube\":true}' WHERE seq = 1"
                )
            }
            #expect(
                try await GallerydProcess.run(["consent", "verify", "--data", data], in: harness.env.root).status == 0)
            try await queue.write { db in try db.execute(sql: "DELETE FROM consentEvent WHERE seq = 2") }
            let deleted = try await GallerydProcess.run(["consent", "verify", "--data", data], in: harness.env.root)
            #expect(deleted.status != 0)
        }
    }

    @Test("pruning old events keeps the chain verifiable")
    func pruning() async throws {
        try await withConsent { harness, client in
            for _ in 0..<3 { _ = try await grant(client, ["youtube"], scope: "once") }
            harness.clock.advance(days: 400)
            _ = try await grant(client, ["vimeo"], scope: "once")
            let pruned = try await harness.env.catalog.pruneConsentEvents(
                before: harness.clock.now.addingTimeInterval(-86_400))
            #expect(pruned == 3)
            #expect(try await harness.env.catalog.consentEventCount() == 1)
            #expect(try await harness.env.catalog.verifyConsentChain().isIntact)
        }
    }

    @Test("the admin exports the consent log as JSON and CSV")
    func adminExport() async throws {
        try await withConsent { harness, client in
            _ = try await grant(client, ["youtube"], scope: "permanent")
            let auth: HTTPFields = [.authorization: "Bearer \(harness.admin)"]
            try await client.execute(uri: "/api/v1/admin/consent/events", method: .get, headers: auth) { response in
                let object = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect((object["events"] as? [[String: Any]])?.count == 1)
            }
            try await client.execute(uri: "/api/v1/admin/consent/events?format=csv", method: .get, headers: auth) {
                response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(String(buffer: response.body).hasPrefix("seq,eventId,consentId,kind"))
            }
            try await client.execute(uri: "/api/v1/admin/consent/events", method: .get) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test("embed previews are fetched once from the listed hosts only, re-encoded without metadata")
    func previews() async throws {
        try await withConsent { harness, client in
            let (document, _) = try await gallery(client)
            let preview = try #require(document.embeds.first { $0.service == "youtube" }?.preview)
            let bytes = try await client.execute(uri: preview.url, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                return response.body.data
            }
            let metadata = try ImageProbe(limits: IngestLimits()).probe(bytes).metadata
            #expect(!metadata.exif.hasGPS)
            #expect(metadata.exif.artist == nil)
            #expect(harness.provider.requests.filter { $0.contains(" /oembed") }.count == 1)
            // A visitor's request never reaches the provider.
            let before = harness.provider.requests.count
            _ = try await gallery(client)
            #expect(harness.provider.requests.count == before)
        }
    }

    @Test("with preview fetching off, no provider is contacted and the placeholder says why")
    func previewsOff() async throws {
        try await withConsent(fetchPreviews: false) { harness, client in
            let (document, _) = try await gallery(client)
            #expect(document.embeds.allSatisfy { $0.preview == nil })
            #expect(harness.provider.requests.isEmpty)
            let embeds = try await harness.env.catalog.embeds(galleryFolder: "Konferenz")
            #expect(embeds.allSatisfy { $0.previewError?.contains("fetchPreviews") == true })
        }
    }

    @Test(
        "bad embed URLs and misbehaving providers: a clear 400, or a placeholder with the reason; nothing off the list is contacted",
        arguments: [
            ("http://127.0.0.1/video", 400), ("https://169.254.169.254/latest/meta-data", 400),
            ("file:///etc/passwd", 400),
            ("https://evil.example/v/abc", 400), ("https://probe.example/v/../../etc", 400),
            ("https://probe.example/v/huge", 201), ("https://probe.example/v/notjson", 201),
            ("https://probe.example/v/slow", 201),
            ("https://probe.example/v/notimage", 201), ("https://probe.example/v/offlist", 201),
            ("https://probe.example/v/redirect", 201), ("https://probe.example/v/fine", 201),
        ])
    func embedInputs(url: String, expected: Int) async throws {
        try await withConsent { harness, client in
            let body = #"{"service": "probe", "url": "\#(url)", "kind": "video"}"#
            try await client.execute(
                uri: "/api/v1/admin/galleries/konferenz/embeds", method: .post,
                headers: [.authorization: "Bearer \(harness.admin)", .contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(Int(response.status.code) == expected, "\(url): \(String(buffer: response.body))")
                guard expected == 201 else {
                    let problem = try #require(
                        try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                    #expect(problem["field"] as? String == "url")
                    return
                }
                let embed = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                if url.hasSuffix("fine") {
                    #expect(embed["previewError"] is NSNull)
                    #expect((embed["preview"] as? [String: Any])?["url"] != nil)
                } else {
                    #expect(embed["preview"] is NSNull)
                    #expect((embed["previewError"] as? String)?.isEmpty == false)
                }
            }
            // localhost is not on the list: neither a thumbnail URL nor a redirect may reach it.
            #expect(!harness.provider.requests.contains { $0.hasPrefix("localhost") }, "\(harness.provider.requests)")
        }
    }
}

/// Signs a cookie value with a key of the test's choosing (a re-signed cookie).
enum ConsentCookieProbe {
    static func sign(_ id: String, key: [UInt8]) -> String? {
        let code = HMAC<SHA256>.authenticationCode(for: Data("v1:\(id)".utf8), using: SymmetricKey(data: key))
        let signature = Data(code).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
        return id + "." + signature
    }
}
