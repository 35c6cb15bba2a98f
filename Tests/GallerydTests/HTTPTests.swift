import Catalog
import Foundation
import GRDB
import GalleryCore
import GalleryFixtures
import Hummingbird
import HummingbirdTesting
import Ingest
import SQLiteCatalog
import Server
import Testing

@Suite("The public HTTP API", .timeLimit(.minutes(5)))
struct HTTPTests {
    /// A published gallery behind a real HTTP server on 127.0.0.1.
    func withServer(
        _ body: @Sendable (TestEnvironment, any TestClientProtocol) async throws -> Void
    ) async throws {
        let env = try TestEnvironment()
        try env.write(
            "Auftakt Düsseldorf/eins.jpg",
            photo(caption: Array("Von links: Birgitta Rademacher".utf8), takenAt: "2019:03:12 10:01:00"))
        try env.write(
            "Auftakt Düsseldorf/zwei.jpg",
            photo(
                caption: latin1("Staatssekretär Christoph Dammermann"), takenAt: "2019:03:12 10:02:00", width: 600,
                height: 800))
        _ = try await env.pass()
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(host: "127.0.0.1", port: 0, dataDirectory: env.data.path),
            readiness: readiness)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(env, client) }
    }

    func json<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: buffer.data)
    }

    @Test("the gallery list and the gallery JSON have the shape of API.md")
    func galleryJSON() async throws {
        try await withServer { _, client in
            try await client.execute(uri: "/api/v1/galleries", method: .get) { response in
                #expect(response.status == .ok)
                let list = try json(GalleryList.self, response.body)
                #expect(list.galleries.map(\.slug) == ["auftakt-duesseldorf"])
                #expect(list.galleries[0].itemCount == 2)
                #expect(list.galleries[0].cover?.caption == "Von links: Birgitta Rademacher")
            }
            try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let object = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect(
                    Set(object.keys).isSuperset(of: [
                        "slug", "title", "updatedAt", "items", "embeds", "share", "consent",
                    ]))
                let document = try json(GalleryDocument.self, response.body)
                #expect(document.items.map(\.position) == [1, 2])
                #expect(document.items.map(\.count) == [2, 2])
                #expect(document.items[1].caption == "Staatssekretär Christoph Dammermann")
                #expect(document.items[1].width == 600 && document.items[1].height == 800)
                #expect(document.items[0].credit == "© MWIDE NRW/E. Lichtenscheidt")
                #expect(document.items[0].creditSource == .house)
                #expect(document.items[0].takenAt != nil)
            }
        }
    }

    @Test("every rendition URL serves an image of the stated size, immutable, with a strong ETag")
    func renditions() async throws {
        try await withServer { _, client in
            let document = try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) {
                response in
                try json(GalleryDocument.self, response.body)
            }
            for rendition in document.items.flatMap(\.renditions) {
                try await client.execute(uri: rendition.url, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == rendition.mime)
                    #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                    let etag = try #require(response.headers[.eTag])
                    #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
                    #expect(response.body.readableBytes == rendition.bytes)
                    let decoded = DecodedImage(response.body.data)
                    #expect(decoded.width == rendition.width && decoded.height == rendition.height)
                }
            }
            let first = document.items[0].renditions[0].url
            try await client.execute(uri: first, method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            }
        }
    }

    @Test("a repeated request with If-None-Match gets 304, for the JSON and for renditions")
    func conditionalRequests() async throws {
        try await withServer { _, client in
            let (etag, url) = try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) {
                response in
                (
                    try #require(response.headers[.eTag]),
                    try json(GalleryDocument.self, response.body).items[0].renditions[0].url
                )
            }
            try await client.execute(
                uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get, headers: [.ifNoneMatch: etag]
            ) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.eTag] == etag)
            }
            try await client.execute(
                uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get, headers: [.ifNoneMatch: "\"other\""]
            ) { response in
                #expect(response.status == .ok)
            }
            let renditionTag = try await client.execute(uri: url, method: .get) { try #require($0.headers[.eTag]) }
            try await client.execute(uri: url, method: .get, headers: [.ifNoneMatch: renditionTag]) { response in
                #expect(response.status == .notModified)
            }
        }
    }

    @Test("the gallery JSON changes its ETag when the gallery changes")
    func etagFollowsChanges() async throws {
        try await withServer { env, client in
            let before = try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) {
                $0.headers[.eTag]
            }
            try env.write("Auftakt Düsseldorf/drei.jpg", photo(takenAt: "2019:03:12 10:03:00"))
            _ = try await env.pass()
            try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) { response in
                #expect(response.headers[.eTag] != before)
                let document = try json(GalleryDocument.self, response.body)
                #expect(document.items.count == 3)
            }
        }
    }

    @Test(
        "a gallery cache smaller than one gallery still answers every gallery whole and current, JSON and portal pages"
    )
    func boundedCache() async throws {
        let env = try TestEnvironment()
        let names = ["Eins", "Zwei", "Drei"]
        for name in names {
            try env.write("\(name)/a.jpg", photo(caption: Array("\(name) a".utf8), takenAt: "2019:03:12 10:01:00"))
            try env.write("\(name)/b.jpg", photo(caption: Array("\(name) b".utf8), takenAt: "2019:03:12 10:02:00"))
        }
        _ = try await env.pass()
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(dataDirectory: env.data.path, galleryCacheBytes: 1),
            readiness: Readiness())
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            var etags: [String: String] = [:]
            for round in 0..<3 {
                for name in names {
                    let slug = name.lowercased()
                    try await client.execute(uri: "/api/v1/galleries/\(slug)", method: .get) { response in
                        #expect(response.status == .ok)
                        let document = try json(GalleryDocument.self, response.body)
                        #expect(document.items.map(\.caption) == ["\(name) a", "\(name) b"])
                        // Evicted and built again: the same bytes, so the same tag.
                        if round > 0 { #expect(response.headers[.eTag] == etags[slug]) }
                        etags[slug] = response.headers[.eTag]
                    }
                    try await client.execute(uri: "/galleries/\(slug)", method: .get) { response in
                        #expect(String(buffer: response.body).contains("\(name) b"))
                    }
                }
            }
            // A change is seen on the JSON, the portal's gallery page and its list page.
            let id = try #require(try await env.catalog.asset(atPath: "Zwei/b.jpg")?.id)
            _ = try await env.catalog.patchAsset(id: id, AssetPatch(texts: [.caption: "Neu"]), actor: "test")
            try env.write("Drei/c.jpg", photo(caption: Array("Drei c".utf8), takenAt: "2019:03:12 10:03:00"))
            _ = try await env.pass()
            _ = await env.ingest("Zwei/b.jpg")
            try await client.execute(uri: "/api/v1/galleries/zwei", method: .get) { response in
                let document = try json(GalleryDocument.self, response.body)
                #expect(document.items.map(\.caption) == ["Zwei a", "Neu"])
            }
            try await client.execute(uri: "/galleries/zwei", method: .get) { response in
                #expect(String(buffer: response.body).contains("Neu"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("3 Bilder"))
            }
        }
    }

    @Test("a change committed by another process is served promptly, without a query per request")
    func changeFromAnotherConnection() async throws {
        try await withServer { env, client in
            let uri = "/api/v1/galleries/auftakt-duesseldorf"
            let before = try await client.execute(uri: uri, method: .get) { try json(GalleryDocument.self, $0.body) }
            // Another connection (as `galleryd ingest` or an admin elsewhere would) renames it.
            let other = try DatabaseQueue(path: env.data.appendingPathComponent("catalog.sqlite").path)
            try await other.write { db in
                try db.execute(sql: "UPDATE gallery SET title = 'Umbenannt', revision = revision + 1")
            }
            let start = ContinuousClock.now
            var title = before.title
            // Seen within milliseconds (CatalogChanges.externalCheckInterval); bounded generously
            // here, since the machine may be busy: this checks that it is seen at all.
            while title != "Umbenannt", ContinuousClock.now - start < .seconds(5) {
                title = try await client.execute(uri: uri, method: .get) {
                    try json(GalleryDocument.self, $0.body).title
                }
            }
            #expect(title == "Umbenannt", "still \(title) after \(ContinuousClock.now - start)")
            // The list follows too.
            try await client.execute(uri: "/api/v1/galleries", method: .get) { response in
                #expect(String(buffer: response.body).contains("Umbenannt"))
            }
        }
    }

    @Test(
        "no path outside the renditions can be served: traversal, encoded slashes, originals, symlinks",
        arguments: [
            "/renditions/../catalog.sqlite", "/renditions/%2e%2e/catalog.sqlite", "/renditions/..%2fcatalog.sqlite",
            "/renditions/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/renditions//etc/passwd", "/renditions/catalog.sqlite",
            "/media/Auftakt%20D%C3%BCsseldorf/eins.jpg",
            "/renditions/0000000000000000000000000000000000000000000000000000000000000000/000000000000/carousel-320.jpg",
        ])
    func traversalRefused(path: String) async throws {
        try await withServer { _, client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect(problem["status"] as? Int == 404)
                #expect((problem["detail"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test(
        "renditions answer Range and If-Range: one range as 206, a stale validator or several ranges as 200, beyond the end 416"
    )
    func ranges() async throws {
        try await withServer { _, client in
            let document = try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) {
                try json(GalleryDocument.self, $0.body)
            }
            let url = document.items[0].renditions[0].url
            let (whole, etag) = try await client.execute(uri: url, method: .get) {
                (Array($0.body.readableBytesView), try #require($0.headers[.eTag]))
            }
            let size = whole.count
            for (range, expected) in [
                ("bytes=0-99", Array(whole[0...99])), ("bytes=-10", Array(whole[(size - 10)...])),
                ("bytes=\(size - 5)-", Array(whole[(size - 5)...])), ("bytes=10-\(size + 1000)", Array(whole[10...])),
            ] {
                try await client.execute(uri: url, method: .get, headers: [.range: range]) { response in
                    #expect(response.status == .partialContent, "\(range)")
                    #expect(Array(response.body.readableBytesView) == expected, "\(range)")
                    #expect(response.headers[.contentRange]?.hasSuffix("/\(size)") == true)
                }
            }
            for headers: HTTPFields in [
                [.range: "bytes=0-9", .ifRange: "\"stale\""], [.range: "bytes=0-9,20-29"], [.range: "pages=1-2"],
            ] {
                try await client.execute(uri: url, method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes == size)
                }
            }
            try await client.execute(uri: url, method: .get, headers: [.range: "bytes=0-9", .ifRange: etag]) {
                #expect($0.status == .partialContent)
            }
            try await client.execute(uri: url, method: .get, headers: [.range: "bytes=\(size)-"]) { response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */\(size)")
            }
            try await client.execute(uri: url, method: .head) { response in
                #expect(response.headers[.contentLength] == String(size))
                #expect(response.headers[.acceptRanges] == "bytes")
            }
        }
    }

    @Test("the gallery list pages with limit and an opaque cursor; without limit it is the whole list, as before")
    func pagination() async throws {
        let env = try TestEnvironment()
        for name in ["Eins", "Zwei", "Drei", "Vier", "Fünf"] { try env.write("\(name)/bild.jpg", photo()) }
        _ = try await env.pass()
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(dataDirectory: env.data.path), readiness: readiness)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let whole = try await client.execute(uri: "/api/v1/galleries", method: .get) { response in
                let object = try #require(try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                #expect(object["next"] == nil, "no next without limit")
                return try json(GalleryList.self, response.body).galleries.map(\.slug)
            }
            #expect(whole == ["drei", "eins", "fuenf", "vier", "zwei"])
            var seen: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/galleries?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                cursor = try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    let object = try #require(
                        try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any])
                    let page = try json(GalleryList.self, response.body).galleries.map(\.slug)
                    #expect(page.count <= 2)
                    seen += page
                    #expect(object.keys.contains("next"), "next is there, null on the last page")
                    return object["next"] as? String
                }
            } while cursor != nil && seen.count < 10
            #expect(seen == whole)
            // The portal's list page follows the same cursors (`?after=`).
            let afterDrei = try #require(Data("drei".utf8).base64EncodedString().split(separator: "=").first)
            try await client.execute(uri: "/?after=\(afterDrei)", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("/galleries/eins") && !page.contains("/galleries/drei"))
            }
            // A cursor alone pages by 100: here the rest after "drei", and no next page.
            try await client.execute(uri: "/api/v1/galleries?cursor=\(afterDrei)", method: .get) { response in
                #expect((try? json(GalleryList.self, response.body))?.galleries.map(\.slug) == Array(whole.dropFirst()))
                #expect(String(buffer: response.body).contains("\"next\":null"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(whole.allSatisfy { page.contains("/galleries/\($0)") })
                #expect(!page.contains("rel=\"next\""), "five galleries fit one page")
            }
            for uri in [
                "/api/v1/galleries?limit=0", "/api/v1/galleries?limit=1001", "/api/v1/galleries?limit=x",
                "/api/v1/galleries?limit=2&cursor=%2E%2E", "/api/v1/galleries?cursor=0",
            ] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .badRequest, "\(uri)") }
            }
        }
    }

    @Test("a symlink planted inside the renditions folder is not followed")
    func symlinkRefused() async throws {
        try await withServer { env, client in
            let document = try await client.execute(uri: "/api/v1/galleries/auftakt-duesseldorf", method: .get) {
                response in
                try json(GalleryDocument.self, response.body)
            }
            let url = document.items[0].renditions[0].url
            let relative = try #require(
                RenditionLayout.diskPath(forURLPath: String(url.dropFirst("/renditions/".count))))
            let file = env.data.appendingPathComponent("renditions/" + relative)
            let secret = env.root.appendingPathComponent("secret.txt")
            try Data("secret".utf8).write(to: secret)
            try FileManager.default.removeItem(at: file)
            try FileManager.default.createSymbolicLink(at: file, withDestinationURL: secret)
            try await client.execute(uri: url, method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("secret") == false)
            }
        }
    }

    @Test("an unknown gallery is a 404 problem detail naming it")
    func unknownGallery() async throws {
        try await withServer { _, client in
            try await client.execute(uri: "/api/v1/galleries/gibt-es-nicht", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("gibt-es-nicht"))
            }
        }
    }

    @Test("health answers at once; readiness waits for the first reconcile")
    func health() async throws {
        let env = try TestEnvironment()
        let readiness = Readiness()
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(host: "127.0.0.1", port: 0, dataDirectory: env.data.path),
            readiness: readiness)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            readiness.set("startup", unmetBecause: nil)
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        }
    }
}
