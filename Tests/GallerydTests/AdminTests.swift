import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Hummingbird
import HummingbirdTesting
import Imaging
import Ingest
import NIOCore
import SQLiteCatalog
import Server
import Testing

@Suite("The admin API", .timeLimit(.minutes(5)))
struct AdminTests {
    struct Harness {
        let env: TestEnvironment
        let admin: String
        let editor: String
        let server: GalleryServer
    }

    /// A published gallery, an admin and an editor token, and the server wired to a real
    /// ingest stages, behind real HTTP on 127.0.0.1.
    func withAdmin(_ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void) async throws {
        let env = try TestEnvironment()
        try env.write("Konferenz/eins.jpg", photo(caption: Array("Aus der Datei".utf8), takenAt: "2019:03:12 10:01:00"))
        try env.write("Konferenz/zwei.jpg", photo(caption: Array("Zweites Bild".utf8), takenAt: "2019:03:12 10:02:00"))
        try env.write("Konferenz/kaputt.jpg", Array("kein Bild".utf8))
        _ = try await env.pass()
        let admin = try await env.catalog.createToken(name: "Redaktion Admin", scope: .admin).text
        let editor = try await env.catalog.createToken(name: "Bildredaktion", scope: .editor).text
        let actions = env.adminActions
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        var settings = ServerSettings(dataDirectory: env.data.path)
        // These tests send dozens of refused tokens on purpose; the throttle has its own test.
        settings.adminAuthenticationBurst = 10_000
        let server = GalleryServer(catalog: env.catalog, settings: settings, readiness: readiness, actions: actions)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(Harness(env: env, admin: admin, editor: editor, server: server), client)
        }
    }

    func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: buffer.data) as? [String: Any])
    }

    func firstItem(_ harness: Harness, _ client: any TestClientProtocol) async throws -> GalleryItem {
        try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) { response in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try #require(try decoder.decode(GalleryDocument.self, from: response.body.data).items.first)
        }
    }

    @Test("every admin route refuses an anonymous request, a malformed and a revoked token with 401")
    func anonymousRefused() async throws {
        try await withAdmin { harness, client in
            let routes = harness.server.router().routes.filter { $0.path.description.hasPrefix("/api/v1/admin") }
            #expect(routes.count >= 8)
            let revoked = try await harness.env.catalog.createToken(name: "alt", scope: .admin).text
            _ = try await harness.env.catalog.revokeToken("alt")
            for route in routes {
                let uri = route.path.description.replacing("{slug}", with: "konferenz").replacing(
                    "{id}", with: "0123456789abcdef0123"
                )
                .replacing(":slug", with: "konferenz").replacing(":id", with: "0123456789abcdef0123")
                .replacing(":sha256", with: String(repeating: "a", count: 64))
                .replacing("{sha256}", with: String(repeating: "a", count: 64)).replacing("**", with: "x/y.jpg")
                for headers: HTTPFields in [
                    [:], [.authorization: "Bearer gd_nonsense"], [.authorization: "Basic YWRtaW46YWRtaW4="],
                    [.authorization: "Bearer \(revoked)"],
                    [.authorization: "Bearer " + harness.admin.dropLast() + (harness.admin.last == "A" ? "B" : "A")],
                ] {
                    try await client.execute(
                        uri: uri, method: route.method, headers: headers, body: ByteBuffer(string: "{}")
                    ) {
                        response in
                        #expect(response.status == .unauthorized, "\(route.method) \(uri) with \(headers)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    }
                }
            }
        }
    }

    @Test("an editor corrects asset texts but may not change gallery settings or read the audit")
    func editorScope() async throws {
        try await withAdmin { harness, client in
            let item = try await firstItem(harness, client)
            try await client.execute(
                uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.editor),
                body: ByteBuffer(string: #"{"caption": "Korrigiert"}"#)
            ) { #expect($0.status == .ok) }
            for (uri, method, body) in [
                ("/api/v1/admin/galleries/konferenz", HTTPRequest.Method.put, #"{"title": "X"}"#),
                ("/api/v1/admin/audit", .get, ""), ("/api/v1/admin/quarantine", .get, ""),
            ] {
                try await client.execute(
                    uri: uri, method: method, headers: bearer(harness.editor), body: ByteBuffer(string: body)
                ) {
                    response in
                    #expect(response.status == .forbidden, "\(method) \(uri)")
                    #expect(String(buffer: response.body).contains("admin"))
                }
            }
        }
    }

    @Test("a caption override wins, is audited with old and new value, and null removes it")
    func captionOverride() async throws {
        try await withAdmin { harness, client in
            let item = try await firstItem(harness, client)
            let uri = "/api/v1/admin/assets/\(item.id.value)"
            try await client.execute(
                uri: uri, method: .patch, headers: bearer(harness.editor),
                body: ByteBuffer(string: #"{"caption": "Von links: Korrigiert <b>fett</b> \"zitiert\""}"#)
            ) { response in
                #expect(response.status == .ok)
                let asset = try json(response.body)
                #expect(asset["caption"] as? String == "Von links: Korrigiert <b>fett</b> \"zitiert\"")
                #expect(asset["captionSource"] as? String == "admin")
                #expect((asset["overrides"] as? [String: Any])?["caption"] as? String != nil)
            }
            #expect(try await firstItem(harness, client).caption == "Von links: Korrigiert <b>fett</b> \"zitiert\"")
            let audit = try await harness.env.catalog.audit()
            let entry = try #require(audit.first { $0.field == "caption" })
            #expect(entry.actor == "Bildredaktion")
            #expect(entry.oldValue == "Aus der Datei")
            #expect(entry.newValue == "Von links: Korrigiert <b>fett</b> \"zitiert\"")
            try await client.execute(
                uri: uri, method: .patch, headers: bearer(harness.editor),
                body: ByteBuffer(string: #"{"caption": null}"#)
            ) {
                #expect($0.status == .ok)
            }
            #expect(try await firstItem(harness, client).caption == "Aus der Datei")
        }
    }

    @Test("a credit override is written into new renditions under new URLs")
    func creditOverride() async throws {
        try await withAdmin { harness, client in
            let before = try await firstItem(harness, client)
            try await client.execute(
                uri: "/api/v1/admin/assets/\(before.id.value)", method: .patch, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"credit": "Foto: Staatskanzlei NRW"}"#)
            ) { #expect($0.status == .ok) }
            let after = try await firstItem(harness, client)
            #expect(after.credit == "Foto: Staatskanzlei NRW")
            #expect(after.creditSource == .admin)
            #expect(Set(after.renditions.map(\.url)).isDisjoint(with: before.renditions.map(\.url)))
            for rendition in after.renditions {
                let bytes = try await client.execute(uri: rendition.url, method: .get) { $0.body.data }
                let metadata = try ImageProbe(limits: IngestLimits()).probe(bytes).metadata
                #expect(metadata.exif.copyright == "Foto: Staatskanzlei NRW")
            }
        }
    }

    @Test("an editor may change each text field of an asset but not hide it; every field is checked against its scope")
    func editorScopePerField() async throws {
        try await withAdmin { harness, client in
            let item = try await firstItem(harness, client)
            for (field, value, expected) in [
                ("caption", #""Neu""#, HTTPResponse.Status.ok), ("alt", #""Alt""#, .ok), ("credit", #""Foto: X""#, .ok),
                ("creator", #""X""#, .ok), ("hidden", "true", .forbidden), ("hidden", "false", .forbidden),
            ] {
                try await client.execute(
                    uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.editor),
                    body: ByteBuffer(string: "{\"\(field)\": \(value)}")
                ) { response in
                    #expect(response.status == expected, "\(field)")
                    if expected == .forbidden { #expect((try? json(response.body))?["field"] as? String == field) }
                }
            }
            // A mixed body is refused whole: the caption is not changed either.
            try await client.execute(
                uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.editor),
                body: ByteBuffer(string: #"{"caption": "Gemischt", "hidden": true}"#)
            ) { #expect($0.status == .forbidden) }
            let after = try await firstItem(harness, client)
            #expect(after.id == item.id, "still published")
            #expect(after.caption == "Neu")
        }
    }

    @Test(
        "a number no field can hold, a duplicate key or a bad limit is a 400 naming the field, and the server lives on")
    func hostileAdminValues() async throws {
        try await withAdmin { harness, client in
            let settings = "/api/v1/admin/consent/settings"
            for lifetime in ["1e19", "-1e19", "1e308", "9223372036854775807", "9223372036854775808", "0.5", "0", "396"]
            {
                try await client.execute(
                    uri: settings, method: .put, headers: bearer(harness.admin),
                    body: ByteBuffer(string: #"{"policyVersion": "2", "lifetimeDays": \#(lifetime), "services": []}"#)
                ) { response in
                    #expect(response.status == .badRequest, "lifetimeDays \(lifetime)")
                    #expect((try? json(response.body))?["field"] as? String == "lifetimeDays")
                }
            }
            let item = try await firstItem(harness, client)
            for body in [#"{"credit": "a", "credit": 5}"#, #"{"credit": "a", "cr\u0065dit": "b"}"#] {
                try await client.execute(
                    uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.admin),
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect((try? json(response.body))?["field"] as? String == "credit")
                }
            }
            // Equal keys in different objects are no duplicates.
            try await client.execute(
                uri: settings, method: .put, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"policyVersion": "2", "lifetimeDays": 30, "services": []}"#)
            ) { #expect($0.status == .ok) }
            for limit in ["0", "-1", "abc", "99999999999999999999"] {
                try await client.execute(
                    uri: "/api/v1/admin/audit?limit=\(limit)", method: .get, headers: bearer(harness.admin)
                ) {
                    #expect($0.status == .badRequest, "limit \(limit)")
                }
            }
            for uri in [
                "/api/v1/admin/audit?since=2026-02-30T00:00:00Z", "/api/v1/admin/audit?since=gestern",
                "/api/v1/admin/consent/events?since=1e19", "/api/v1/admin/consent/events?format=xml",
                "/api/v1/consent/services?locale=fr",
            ] {
                try await client.execute(uri: uri, method: .get, headers: bearer(harness.admin)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect((try? json(response.body))?["field"] != nil, "\(uri): names the parameter")
                }
            }
            try await client.execute(uri: "/api/v1/galleries", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("an admin hiding an asset takes it out of the public gallery")
    func hide() async throws {
        try await withAdmin { harness, client in
            let item = try await firstItem(harness, client)
            try await client.execute(
                uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"hidden": true}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) { response in
                let document = try JSONDecoder.iso8601.decode(GalleryDocument.self, from: response.body.data)
                #expect(document.items.map(\.id) == [try #require(document.items.first).id])
                #expect(!document.items.map(\.id).contains(item.id))
                #expect(document.items.first?.count == 1)
            }
        }
    }

    @Test("gallery settings: title, order, default credit and publishing, over the sidecar")
    func gallerySettings() async throws {
        try await withAdmin { harness, client in
            try await client.execute(
                uri: "/api/v1/admin/galleries/konferenz", method: .put, headers: bearer(harness.admin),
                body: ByteBuffer(
                    string:
                        #"{"title": "Auftaktkonferenz", "order": ["zwei.jpg", "eins.jpg"], "defaultCredit": "Foto: Land NRW"}"#
                )
            ) { response in
                #expect(response.status == .ok)
                let gallery = try json(response.body)
                #expect(gallery["title"] as? String == "Auftaktkonferenz")
            }
            try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) { response in
                let document = try JSONDecoder.iso8601.decode(GalleryDocument.self, from: response.body.data)
                #expect(document.title == "Auftaktkonferenz")
                #expect(document.items.map(\.caption) == ["Zweites Bild", "Aus der Datei"])
                #expect(document.items.allSatisfy { $0.credit == "Foto: Land NRW" && $0.creditSource == .gallery })
            }
            try await client.execute(
                uri: "/api/v1/admin/galleries/konferenz", method: .put, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"published": false}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/galleries/konferenz", method: .get) {
                #expect($0.status == .notFound)
            }
            let fields = try await harness.env.catalog.audit().compactMap(\.field)
            #expect(Set(fields).isSuperset(of: ["title", "order", "defaultCredit", "published"]))
        }
    }

    @Test(
        "malformed PATCH bodies get a 400 problem naming the field",
        arguments: [
            (#"{"colour": "red"}"#, "colour"), (#"{"caption": 42}"#, "caption"), (#"{"hidden": "yes"}"#, "hidden"),
            (#"{"credit": ["a"]}"#, "credit"), (#"{"alt": "\#(String(repeating: "x", count: 8001))"}"#, "alt"),
            (#"{"caption": "a\u0000b"}"#, "caption"),
        ])
    func badBodies(body: String, field: String) async throws {
        try await withAdmin { harness, client in
            let item = try await firstItem(harness, client)
            try await client.execute(
                uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.admin),
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try json(response.body)
                #expect(problem["field"] as? String == field)
            }
            for invalid in ["not json", "[1,2]", "", "{\"caption\": \"unterminated"] {
                try await client.execute(
                    uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.admin),
                    body: ByteBuffer(string: invalid)
                ) { #expect($0.status == .badRequest) }
            }
        }
    }

    @Test("the quarantine lists files with reasons, and a retry tries one again")
    func quarantine() async throws {
        try await withAdmin { harness, client in
            try await client.execute(uri: "/api/v1/admin/quarantine", method: .get, headers: bearer(harness.admin)) {
                response in
                let entries = try #require(try json(response.body)["quarantine"] as? [[String: Any]])
                #expect(entries.map { $0["path"] as? String } == ["Konferenz/kaputt.jpg"])
                #expect(entries.first?["code"] as? String == "unsupported-format")
            }
            try harness.env.write("Konferenz/kaputt.jpg", photo(caption: Array("Repariert".utf8)))
            try await client.execute(
                uri: "/api/v1/admin/quarantine/retry", method: .post, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"path": "Konferenz/kaputt.jpg"}"#)
            ) { #expect($0.status == .accepted) }
            #expect(try await harness.env.catalog.quarantined().isEmpty)
            #expect(try await harness.env.catalog.asset(atPath: "Konferenz/kaputt.jpg")?.text.caption == "Repariert")
            try await client.execute(
                uri: "/api/v1/admin/quarantine/retry", method: .post, headers: bearer(harness.admin),
                body: ByteBuffer(string: #"{"path": "Konferenz/gibt-es-nicht.jpg"}"#)
            ) { #expect($0.status == .notFound) }
        }
    }

    @Test("the audit trail names who changed what, newest first")
    func auditTrail() async throws {
        try await withAdmin { harness, client in
            let item = try await firstItem(harness, client)
            try await client.execute(
                uri: "/api/v1/admin/assets/\(item.id.value)", method: .patch, headers: bearer(harness.editor),
                body: ByteBuffer(string: #"{"alt": "Zwei Personen am Rednerpult", "creator": "E. Lichtenscheidt"}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/admin/audit", method: .get, headers: bearer(harness.admin)) {
                response in
                let entries = try #require(try json(response.body)["entries"] as? [[String: Any]])
                let edits = entries.filter { $0["action"] as? String == "asset.update" }
                #expect(Set(edits.compactMap { $0["field"] as? String }) == ["alt", "creator"])
                #expect(edits.allSatisfy { $0["actor"] as? String == "Bildredaktion" })
                #expect(edits.first?["newValue"] != nil && edits.first?["at"] != nil)
            }
        }
    }

    @Test("tokens are stored only as hashes")
    func tokensHashed() async throws {
        let env = try TestEnvironment()
        let token = try await env.catalog.createToken(name: "x", scope: .admin)
        let database =
            try Data(contentsOf: env.data.appendingPathComponent("catalog.sqlite"))
            + ((try? Data(contentsOf: env.data.appendingPathComponent("catalog.sqlite-wal"))) ?? Data())
        #expect(database.range(of: Data(token.secret.utf8)) == nil)
        #expect(try await env.catalog.authenticate(token.text)?.name == "x")
        #expect(try await env.catalog.authenticate(token.text + "x") == nil)
    }

    @Test("the OpenAPI document is served and names every route the server registers")
    func openAPICoversRoutes() async throws {
        try await withAdmin { harness, client in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                return try json(response.body)
            }
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for route in harness.server.router().routes {
                let path = openAPIPath(route.path.description)
                let operations = paths[path]
                #expect(operations != nil, "\(path) is not in openapi.yaml")
                let method = route.method.rawValue.lowercased()
                // HEAD is answered wherever GET is.
                #expect(
                    operations?[method] != nil || (method == "head" && operations?["get"] != nil),
                    "\(route.method) \(path)")
            }
        }
    }

    @Test("galleryd admin token create prints the token alone on the last line")
    func tokenCommand() async throws {
        let env = try TestEnvironment()
        let result = try await GallerydProcess.run(
            [
                "admin", "token", "create", "--name", "Redaktion", "--scope", "admin", "--data", env.data.path,
                "--media", env.media.path,
            ],
            in: env.root)
        #expect(result.status == 0, "\(result.error)")
        let last = try #require(result.output.split(separator: "\n").last.map(String.init))
        #expect(AdminToken(text: last) != nil)
        let list = try await GallerydProcess.run(["admin", "token", "list", "--data", env.data.path], in: env.root)
        #expect(list.output.contains("Redaktion") && !list.output.contains(last))
    }
}

/// A Hummingbird route path as OpenAPI writes it: `:slug` → `{slug}`, `**` → `{path}` or
/// `{file}`.
func openAPIPath(_ routerPath: String) -> String {
    routerPath.split(separator: "/", omittingEmptySubsequences: false).map { component -> String in
        if component.hasPrefix(":") { return "{\(component.dropFirst())}" }
        if component.hasPrefix("{") { return String(component) }
        if component == "**" { return routerPath.hasPrefix("/previews") ? "{file}" : "{path}" }
        return String(component)
    }.joined(separator: "/")
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
