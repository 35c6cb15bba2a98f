import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresCatalog
import SQLiteCatalog
import Server
import Testing

/// `GET /api/v1/search` (issue 25 §2) as a German reader uses it, on a SQLite catalog and
/// on a PostgreSQL one filled alike: the same answers, the same ranked ids.
@Suite("Search on SQLite and PostgreSQL", .serialized, .timeLimit(.minutes(5)))
struct PhotoSearchTests {
    enum Store: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// One photo of the test catalog.
    struct Photo {
        var gallery: String
        var name: String
        var caption: String
        var headline: String? = nil
        var persons: [String]? = nil
        var keywords: [String]? = nil
        var city: String? = nil
        var takenAt: String

        var path: String { "\(gallery)/\(name).jpg" }
        var id: String { AssetID(relativePath: path).value }
    }

    static let photos: [Photo] = [
        Photo(
            gallery: "Auftakt", name: "a", caption: "Der Minister begrüßt die Gäste.",
            headline: "Andreas Pinkwart in Paderborn", persons: ["Andreas Pinkwart"], keywords: ["Konferenz"],
            city: "Paderborn", takenAt: "2019-03-01T10:00:00Z"),
        Photo(
            gallery: "Auftakt", name: "b", caption: "Die Konferenzen der Kommune, mit Frau Müller.",
            persons: ["Ina Boschin-Heinz"], takenAt: "2019-03-01T11:00:00Z"),
        Photo(
            gallery: "Auftakt", name: "c", caption: "Auf der Straße vor dem Forum; Pinkwart im Gespräch.",
            keywords: ["Digitalisierung"], city: "Düsseldorf", takenAt: "2020-05-05T09:00:00Z"),
        Photo(
            gallery: "Auftakt", name: "embargoed", caption: "Pinkwart Konferenz vorab", takenAt: "2019-03-01T12:00:00Z"),
        Photo(
            gallery: "Auftakt", name: "withdrawn", caption: "Pinkwart Konferenz zurückgezogen",
            takenAt: "2019-03-01T13:00:00Z"),
        Photo(
            gallery: "Auftakt", name: "expired", caption: "Pinkwart Konferenz abgelaufen",
            takenAt: "2019-03-01T14:00:00Z"),
        Photo(
            gallery: "Auftakt", name: "erased", caption: "Pinkwart Konferenz gelöscht", takenAt: "2019-03-01T15:00:00Z"),
        Photo(
            gallery: "Landtag", name: "d", caption: "Pinkwart spricht im Plenum zur Konferenz.",
            persons: ["Hendrik Wüst"], keywords: ["Landtag", "Konferenz"], city: "Düsseldorf",
            takenAt: "2021-06-01T08:00:00Z"),
        Photo(
            gallery: "Landtag", name: "e", caption: "Digitale Modellkommunen: die Bilanz.",
            headline: "Bilanz der Modellkommunen", takenAt: "2021-06-02T08:00:00Z"),
    ]

    /// Photos that must never be found.
    static let hidden: Set<String> = Set(
        photos.filter { ["embargoed", "withdrawn", "expired", "erased"].contains($0.name) }.map(\.id))

    static func id(_ name: String) -> String { photos.first { $0.name == name }!.id }

    /// The catalog of `photos` on `store`, and the server on it; `body` asks it.
    static func withServer(
        _ store: Store, _ body: @Sendable (any TestClientProtocol, any AdminStore) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-search-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let stores: ServerStores
        let ingest: any IngestCatalog
        var database: PostgresDatabase?
        switch store {
        case .sqlite:
            let catalog = try SQLiteStore(path: folder.path + "/catalog.sqlite", logger: logger)
            stores = ServerStores(catalog: catalog)
            ingest = catalog
        case .postgres:
            let url = try await PostgresCluster.shared.newDatabase()
            guard case .postgres(let location) = try CatalogLocation(url: url) else { throw CancellationError() }
            let opened = try await PostgresDatabase(location: location, password: nil, logger: logger)
            database = opened
            let galleries = PostgresGalleryStore(database: opened)
            let tokens = PostgresAdminTokenStore(database: opened)
            stores = ServerStores(
                galleries: galleries, admin: PostgresAdminStore(database: opened), tokens: tokens, audit: tokens,
                consent: PostgresConsentLog(database: opened, dataDirectory: folder.path),
                onceGrants: PostgresOnceGrantStore(database: opened))
            ingest = galleries
        }
        defer { database?.close() }
        try await fill(ingest, admin: stores.admin)
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        let server = GalleryServer(
            stores: stores, settings: ServerSettings(dataDirectory: folder.path), readiness: readiness)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(client, stores.admin) }
    }

    static func fill(_ catalog: any IngestCatalog, admin: any AdminStore) async throws {
        let iso = ISO8601DateFormatter()
        var galleries: [String: Int64] = [:]
        for folder in ["Auftakt", "Landtag"] {
            let sidecar = GallerySidecar(
                title: folder == "Auftakt" ? "Auftaktkonferenz Digitale Modellkommunen" : "Landtag",
                summary: folder == "Auftakt" ? "Zu Beginn der Förderphase" : nil)
            galleries[folder] = try await catalog.syncGallery(
                folder: folder, sidecar: sidecar, sidecarError: nil, siteDownloads: true, now: start
            ).id
        }
        for (index, photo) in photos.enumerated() {
            var text = BoundText(
                caption: photo.caption, captionSource: .iptc, headline: photo.headline,
                credit: "© MWIDE NRW/E. Lichtenscheidt", creditSource: .house)
            text.persons = photo.persons
            text.keywords = photo.keywords
            text.location = photo.city.map { PhotoLocation(city: $0) }
            let hash = String(format: "%064x", index + 1)
            let asset = AssetRecord(
                id: AssetID(relativePath: photo.path), galleryId: galleries[photo.gallery]!, path: photo.path,
                fileName: photo.name + ".jpg", fileSize: 1000, modifiedAt: 1_700_000_000, sourceHash: hash,
                format: .jpeg, width: 1200, height: 800, orientation: 1, takenAt: iso.date(from: photo.takenAt),
                metadata: EmbeddedMetadata(), text: text, variantKey: "0123456789ab", placeholder: nil, warnings: [],
                ingestedAt: start, updatedAt: start)
            let rendition = RenditionRecord(
                assetId: asset.id, role: .carousel, width: 640, height: 427, format: .jpeg, bytes: 5000,
                path: "\(hash)/0123456789ab/c640.jpg")
            try await catalog.commit(asset: asset, renditions: [rendition], now: start)
        }
        let now = Date()
        var embargo = AssetPatch(publishAt: .some(now.addingTimeInterval(86_400)))
        embargo.reason = "Sperrfrist"
        _ = try await admin.patchAsset(id: AssetID(relativePath: "Auftakt/embargoed.jpg"), embargo, actor: "test")
        _ = try await admin.patchAsset(
            id: AssetID(relativePath: "Auftakt/withdrawn.jpg"), AssetPatch(hidden: true), actor: "test")
        _ = try await admin.patchAsset(
            id: AssetID(relativePath: "Auftakt/expired.jpg"),
            AssetPatch(unpublishAt: .some(now.addingTimeInterval(-60))),
            actor: "test")
        _ = try await admin.erase(
            id: AssetID(relativePath: "Auftakt/erased.jpg"), reason: "Rechte", actor: "test", now: now)
    }

    /// The answer of `GET /api/v1/search?…`.
    static func search(_ client: any TestClientProtocol, _ query: String) async throws -> (
        status: HTTPResponse.Status, json: [String: Any]
    ) {
        try await client.execute(uri: "/api/v1/search?" + query, method: .get) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: response.body.data) as? [String: Any]) ?? [:])
        }
    }

    static func ids(_ json: [String: Any]) -> [String] {
        (json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func q(_ text: String) -> String {
        "q=" + text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test(
        "German words: case, diacritics, ß, inflections, prefixes, phrases and hyphenated names",
        arguments: Store.allCases)
    func germanReader(_ store: Store) async throws {
        try await Self.withServer(store) { client, admin in
            for text in ["muller", "MÜLLER", "Müller"] {
                #expect(Self.ids(try await Self.search(client, Self.q(text)).json) == [Self.id("b")], "\(text)")
            }
            #expect(Self.ids(try await Self.search(client, Self.q("Strasse ")).json) == [Self.id("c")])
            #expect(Self.ids(try await Self.search(client, Self.q("Kommunen ")).json) == [Self.id("b")])
            // Konferenz as a keyword (tier 2) ranks above Konferenzen in a caption (tier 1).
            let conference = Self.ids(try await Self.search(client, Self.q("Konferenzen ")).json)
            #expect(Set(conference) == Set([Self.id("a"), Self.id("b"), Self.id("d")]))
            #expect(conference.last == Self.id("b"), "\(conference)")
            // Typed so far: a prefix of the last word.
            let typed = Self.ids(try await Self.search(client, Self.q("Pinkw")).json)
            #expect(Set(typed) == Set([Self.id("a"), Self.id("c"), Self.id("d")]))
            #expect(typed.first == Self.id("a"), "headline and person shown weigh most: \(typed)")
            #expect(Self.ids(try await Self.search(client, Self.q("Pinkw ")).json) == [], "a finished word is whole")
            // Every word required; phrases in order.
            #expect(Self.ids(try await Self.search(client, Self.q("Pinkwart Paderborn")).json) == [Self.id("a")])
            #expect(Self.ids(try await Self.search(client, Self.q("\"Andreas Pinkwart\"")).json) == [Self.id("a")])
            #expect(Self.ids(try await Self.search(client, Self.q("\"Pinkwart Andreas\"")).json) == [])
            #expect(
                Self.ids(try await Self.search(client, Self.q("„Digitale Modellkommunen“ Bilanz")).json) == [
                    Self.id("e")
                ])
            for text in ["Boschin-Heinz", "Boschin", "heinz", "boschin heinz"] {
                #expect(Self.ids(try await Self.search(client, Self.q(text)).json) == [Self.id("b")], "\(text)")
            }
            // The gallery's title and summary count for its photos.
            #expect(Self.ids(try await Self.search(client, Self.q("Förderphase ")).json).count == 3)
            #expect(Self.ids(try await Self.search(client, Self.q("Lichtenscheidt ")).json).count == 5)
        }
    }

    @Test(
        "embargoed, expired, withdrawn and erased photos are in no result and no facet count; facets, filters, pages",
        arguments: Store.allCases)
    func publicationFacetsAndPages(_ store: Store) async throws {
        try await Self.withServer(store) { client, admin in
            let (status, json) = try await Self.search(client, Self.q("Pinkwart Konferenz "))
            #expect(status == .ok)
            let found = Self.ids(json)
            #expect(Set(found) == Set([Self.id("a"), Self.id("d")]), "\(found)")
            #expect(Self.hidden.isDisjoint(with: found))
            #expect(json["total"] as? Int == 2)
            let facets = try #require(json["facets"] as? [String: Any])
            let galleries = try #require(facets["galleries"] as? [[String: Any]])
            #expect(galleries.map { $0["count"] as? Int } == [1, 1], "only what is published counts: \(galleries)")
            let persons = try #require(facets["persons"] as? [[String: Any]])
            #expect(Set(persons.compactMap { $0["value"] as? String }) == ["Andreas Pinkwart", "Hendrik Wüst"])
            let years = try #require(facets["years"] as? [[String: Any]])
            #expect(years.compactMap { $0["year"] as? Int } == [2021, 2019])
            // The item has the gallery JSON's shape, with its gallery.
            let first = try #require((json["items"] as? [[String: Any]])?.first)
            #expect(first["caption"] != nil && first["renditions"] != nil && first["credit"] != nil)
            let gallery = try #require(first["gallery"] as? [String: String])
            #expect(gallery["slug"] == "auftakt" || gallery["slug"] == "landtag")

            let every = Self.ids(try await Self.search(client, Self.q("Konferenz ")).json)
            #expect(Self.hidden.isDisjoint(with: every) && every.count == 3)
            // Filters: gallery, person, keyword (any case), capture days.
            #expect(
                Self.ids(try await Self.search(client, Self.q("Konferenz ") + "&gallery=landtag").json) == [
                    Self.id("d")
                ])
            #expect(
                Self.ids(try await Self.search(client, Self.q("Konferenz ") + "&person=andreas%20pinkwart").json) == [
                    Self.id("a")
                ])
            #expect(Self.ids(try await Self.search(client, "keyword=landtag").json) == [Self.id("d")])
            #expect(
                Set(Self.ids(try await Self.search(client, "from=2019-01-01&to=2019-12-31").json))
                    == Set([
                        Self.id("a"), Self.id("b"),
                    ]))
            // Pages: a cursor walks the whole ranked result once.
            var walked: [String] = []
            var cursor: String?
            repeat {
                let page = try await Self.search(
                    client, Self.q("Lichtenscheidt ") + "&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == .ok)
                walked += Self.ids(page.json)
                cursor = page.json["next"] as? String
            } while cursor != nil && walked.count < 20
            #expect(walked == Self.ids(try await Self.search(client, Self.q("Lichtenscheidt ")).json))
            #expect(walked.count == 5 && Set(walked).count == 5)

            // A takedown is gone from the next search, and from its facets.
            _ = try await admin.patchAsset(
                id: AssetID(relativePath: "Landtag/d.jpg"), AssetPatch(hidden: true), actor: "test")
            let after = try await Self.search(client, Self.q("Pinkwart Konferenz "))
            #expect(Self.ids(after.json) == [Self.id("a")])
            let left = (after.json["facets"] as? [String: Any])?["persons"] as? [[String: Any]]
            #expect(left?.compactMap { $0["value"] as? String } == ["Andreas Pinkwart"])
        }
    }

    @Test("malformed and hostile queries: a sane search for the words, or 400 naming q — never a 500")
    func hostileQueries() async throws {
        try await Self.withServer(.sqlite) { client, _ in
            for text in [
                "\"Pinkwart", "Pinkwart NEAR(Paderborn)", "Pinkwart*", "^Pinkwart", "Pinkwart OR 1=1", "Pinkwart AND",
                "Pinkwart\u{0}\u{7}\u{1B}", "(Pinkwart", "-Pinkwart", "col:Pinkwart", "Pinkwart'; DROP TABLE asset; --",
            ] {
                let (status, json) = try await Self.search(client, Self.q(text))
                #expect(status == .ok, "\(text)")
                #expect(Self.ids(json).allSatisfy { !Self.hidden.contains($0) })
            }
            #expect(Self.ids(try await Self.search(client, Self.q("Pinkwart NEAR(Paderborn)")).json) == [])
            #expect(Self.ids(try await Self.search(client, Self.q("Pinkwart*")).json).count == 3)
            // As an HTML form sends it: `+` is a space, `%2B` a plus.
            #expect(Self.ids(try await Self.search(client, "q=Pinkwart+Paderborn").json) == [Self.id("a")])
            #expect(Self.ids(try await Self.search(client, "q=Pinkwart%2BPaderborn").json) == [])
            // Nothing asked: nothing found.
            for query in ["q=", "", "limit=5", Self.q("*** ^ ()")] {
                let (status, json) = try await Self.search(client, query)
                #expect(status == .ok && json["total"] as? Int == 0 && Self.ids(json).isEmpty, "\(query)")
            }
            let tooLong = try await Self.search(client, Self.q(String(repeating: "Pinkwart ", count: 1200)))
            #expect(tooLong.status == .badRequest && tooLong.json["field"] as? String == "q")
            // A pasted paragraph: its first 16 words are searched.
            let many = try await Self.search(
                client, Self.q("Pinkwart " + (1...20).map { "w\($0)" }.joined(separator: " ")))
            #expect(many.status == .ok && Self.ids(many.json).isEmpty)
            for (query, field) in [
                ("q=a&limit=0", "limit"), ("q=a&limit=1000", "limit"), ("q=a&cursor=%%%", "cursor"),
                ("q=a&from=2019-13-01", "from"), ("q=a&to=gestern", "to"),
            ] {
                let (status, json) = try await Self.search(client, query)
                #expect(status == .badRequest && json["field"] as? String == field, "\(query)")
            }
        }
    }

    /// The queries the contract compares, of every kind.
    static let contract = [
        "Pinkwart", "Pinkw", "Konferenz", "Konferenzen ", "\"Andreas Pinkwart\"", "Pinkwart Düsseldorf", "muller",
        "Modellkommunen ", "Lichtenscheidt ", "Boschin-Heinz", "Forum Straße", "Di", "q=a", "Bilanz",
    ]

    @Test("the contract: the same queries give the same ranked ids on SQLite and PostgreSQL")
    func sameOnBothStores() async throws {
        var answers: [Store: [[String]]] = [:]
        for store in Store.allCases {
            let collected = try await Self.collect(store)
            answers[store] = collected
        }
        #expect(answers[.sqlite] == answers[.postgres])
        #expect(answers[.sqlite]?.contains { !$0.isEmpty } == true)
    }

    static func collect(_ store: Store) async throws -> [[String]] {
        let results = ResultBox()
        try await withServer(store) { client, _ in
            for text in contract {
                let (status, json) = try await search(client, q(text) + "&limit=100")
                #expect(status == .ok, "\(store) \(text)")
                results.append(ids(json))
            }
        }
        return results.all
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [[String]] = []
        func append(_ value: [String]) { lock.withLock { values.append(value) } }
        var all: [[String]] { lock.withLock { values } }
    }
}
