import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Hummingbird
import HummingbirdTesting
import Ingest
import NIOCore
import SQLiteCatalog
import Server
import Testing

@testable import Imaging

@Suite("Rights in every rendition, print downloads, AI labels and structured data", .timeLimit(.minutes(5)))
struct RightsDownloadTests {
    static let publicURL = "https://presse.example.nrw"
    static let siteRights = RightsTerms(
        license: "https://www.example.nrw/bildrechte", acquireLicensePage: "https://www.example.nrw/lizenz",
        usageTerms: LanguageAlternative([
            "de": "Nur zur redaktionellen Berichterstattung unter Angabe der Quelle",
            "en": "Editorial use only, with credit",
        ]), licensor: "MWIDE NRW")
    static let expectedXMP: Set<String> = [
        "dc:creator", "dc:rights", "photoshop:Credit", "xmpRights:WebStatement", "xmpRights:UsageTerms",
        "plus:Licensor", "Iptc4xmpExt:DigitalSourceType",
    ]

    struct Harness {
        let env: TestEnvironment
        let admin: String
    }

    /// A gallery of a 16 MP photo with GPS and an AI-generated image marked in its XMP,
    /// ingested by a pass (web sets, then downloads), served over real HTTP on 127.0.0.1.
    func withGallery(_ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void) async throws {
        let env = try TestEnvironment(siteRights: Self.siteRights)
        var gps = ExifBlock()
        gps.gps(latitude: 51.2277, longitude: 6.7735)
        gps.ascii(0x013B, "Erika Muster")
        gps.ascii(0x9003, "2026:11:30 10:00:00", in: .exif)
        try env.write(
            "Kabinett/foto.jpg", FixtureJPEG(image: .noisy(width: 5120, height: 3200, seed: 16), exif: gps).bytes)
        let ai = XMPPacket.wrap(
            """
            <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Ein KI-Bild</rdf:li></rdf:Alt></dc:description>\
            <xmpRights:WebStatement>javascript:alert(1)</xmpRights:WebStatement>\
            <Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia\
            </Iptc4xmpExt:DigitalSourceType>
            """, attributes: "xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"")
        var later = ExifBlock()
        later.ascii(0x9003, "2026:11:30 11:00:00", in: .exif)
        try env.write(
            "Kabinett/ki.jpg", FixtureJPEG(image: .gradient(width: 900, height: 600), exif: later, xmp: ai).bytes)
        _ = try await env.pass()
        let admin = try await env.catalog.createToken(name: "Redaktion", scope: .admin).text
        let actions = env.adminActions
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        let settings = ServerSettings(
            dataDirectory: env.data.path,
            consent: ConsentOptions(
                defaults: ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: []),
                cookieKey: Array(repeating: 7, count: 32), publicURL: Self.publicURL))
        let server = GalleryServer(catalog: env.catalog, settings: settings, readiness: readiness, actions: actions)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(Harness(env: env, admin: admin), client) }
    }

    func gallery(_ client: any TestClientProtocol) async throws -> GalleryDocument {
        try await client.execute(uri: "/api/v1/galleries/kabinett", method: .get) { response in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(GalleryDocument.self, from: response.body.data)
        }
    }

    @Test("every rendition and the 16 MP download carry exactly the rights XMP and EXIF; the download is byte-checked")
    func renditionsAndDownload() async throws {
        try await withGallery { harness, client in
            let document = try await gallery(client)
            let photo = try #require(document.items.first { $0.width == 5120 })
            #expect(photo.license == Self.siteRights.license)
            #expect(photo.acquireLicensePage == Self.siteRights.acquireLicensePage)
            #expect(photo.usageTerms == "Nur zur redaktionellen Berichterstattung unter Angabe der Quelle")
            #expect(photo.aiGenerated == false)
            let download = try #require(photo.download)
            #expect(download.width == 5120 && download.height == 3200)
            #expect(download.fileName == "kabinett-01-Erika-Muster.jpg")
            for file in photo.renditions.map(\.url) + [download.url] {
                let (bytes, headers) = try await client.execute(uri: file, method: .get) { response in
                    #expect(response.status == .ok, "\(file)")
                    return (response.body.data, response.headers)
                }
                let packets = XMPProperties.packets(in: [UInt8](bytes))
                #expect(packets.count == 1, "\(file)")
                let packet = try #require(packets.first)
                // No Digital Source Type is known for this photo: the property is left out.
                #expect(
                    try XMPProperties.parse(packet) == Self.expectedXMP.subtracting(["Iptc4xmpExt:DigitalSourceType"]))
                let xmp = try #require(XMPReader.read(packet))
                #expect(xmp.webStatement == photo.license)
                #expect(xmp.licensorURL == photo.acquireLicensePage)
                #expect(xmp.licensorName == "MWIDE NRW")
                #expect(xmp.usageTerms?.text(for: "en") == "Editorial use only, with credit")
                #expect(xmp.credit == photo.credit && xmp.rights == photo.credit)
                #expect(xmp.creator == "Erika Muster")
                let probed = try ImageProbe(limits: IngestLimits()).probe(bytes)
                #expect(!probed.metadata.exif.hasGPS, "\(file)")
                #expect(probed.metadata.exif.artist == "Erika Muster")
                #expect(probed.metadata.exif.copyright == photo.credit)
                if file == download.url {
                    #expect(bytes.count == download.bytes)
                    #expect(probed.format == .jpeg && probed.width == 5120 && probed.height == 3200)
                    let header = try #require(bytes.withUnsafeBytes { VipsImageHandle.header(of: $0) })
                    #expect(header.bands == 3 && header.isSRGB && header.blob("icc-profile-data") == nil)
                    #expect(headers[.contentType] == "image/jpeg")
                    #expect(headers[.cacheControl] == "public, max-age=31536000, immutable")
                    let disposition = try #require(headers[.contentDisposition])
                    #expect(
                        disposition
                            == "attachment; filename=\"kabinett-01-Erika-Muster.jpg\"; filename*=UTF-8''kabinett-01-Erika-Muster.jpg"
                    )
                }
            }
            // A range of the download, as a resumed transfer asks for it.
            try await client.execute(uri: download.url, method: .get, headers: [.range: "bytes=0-99"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.body.readableBytes == 100)
            }
            // An address galleryd did not write names no file.
            try await client.execute(uri: "/downloads/../../catalog.sqlite/1/x.jpg", method: .get) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test("an image marked trainedAlgorithmicMedia is aiGenerated in the JSON and labelled on the page")
    func aiLabel() async throws {
        try await withGallery { harness, client in
            let document = try await gallery(client)
            let ai = try #require(document.items.first { $0.caption == "Ein KI-Bild" })
            #expect(ai.aiGenerated)
            #expect(ai.digitalSourceType == DigitalSourceType.vocabulary + "trainedAlgorithmicMedia")
            // The file's javascript: web statement is ignored (with a warning); the site's stands.
            #expect(ai.license == Self.siteRights.license)
            let asset = try #require(try await harness.env.catalog.asset(atPath: "Kabinett/ki.jpg"))
            #expect(asset.warnings.contains("xmpRights:WebStatement ignored: not an http(s) address"))
            for (query, label) in [("", "KI-generiert"), ("?lang=en", "AI-generated")] {
                let page = try await client.execute(uri: "/galleries/kabinett" + query, method: .get) {
                    String(buffer: $0.body)
                }
                #expect(page.contains("<strong class=\"ai-label\">\(label)</strong>"))
                #expect(page.components(separatedBy: "class=\"ai-label\"").count == 2, "only the AI image is labelled")
                #expect(
                    page.contains(
                        query.isEmpty
                            ? "Herunterladen (Druckqualität, 5120 × 3200 px, "
                            : "Download (print quality, 5120 × 3200 px, "))
            }
        }
    }

    @Test("the page carries canonical, description, Open Graph, Twitter card and one ImageObject per photo")
    func structuredData() async throws {
        try await withGallery { _, client in
            let document = try await gallery(client)
            let page = try await client.execute(uri: "/galleries/kabinett", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("<link rel=\"canonical\" href=\"\(Self.publicURL)/galleries/kabinett\">"))
            #expect(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"))
            #expect(page.contains("<meta property=\"og:image\" content=\"\(Self.publicURL)/renditions/"))
            #expect(page.contains("<meta name=\"description\""))
            let start = try #require(page.range(of: "<script type=\"application/ld+json\">"))
            let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
            let jsonLD = try #require(
                try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8))
                    as? [String: Any])
            #expect(jsonLD["@type"] as? String == "ImageGallery")
            let images = try #require(jsonLD["associatedMedia"] as? [[String: Any]])
            #expect(images.count == document.items.count)
            for image in images {
                for field in [
                    "contentUrl", "caption", "creator", "creditText", "copyrightNotice", "license",
                    "acquireLicensePage",
                    "width", "height",
                ] {
                    #expect(image[field] != nil, "\(field)")
                }
                #expect((image["contentUrl"] as? String)?.hasPrefix(Self.publicURL + "/renditions/") == true)
            }
        }
    }

    @Test(
        "the admin API refuses bad rights values with 400; a changed right rewrites the renditions; downloads switch per gallery"
    )
    func adminRights() async throws {
        try await withGallery { harness, client in
            let before = try #require(try await gallery(client).items.first { $0.width == 5120 })
            let headers: HTTPFields = [.authorization: "Bearer \(harness.admin)", .contentType: "application/json"]
            let uri = "/api/v1/admin/assets/\(before.id.value)"
            for (body, field) in [
                (#"{"license": "javascript:alert(1)"}"#, "license"),
                (#"{"acquireLicensePage": "data:text/html,x"}"#, "acquireLicensePage"),
                (#"{"acquireLicensePage": "/relativ"}"#, "acquireLicensePage"),
                (#"{"digitalSourceType": "KI generiert"}"#, "digitalSourceType"),
                (#"{"usageTerms": {"de": 5}}"#, "usageTerms"),
                (#"{"usageTerms": "\#(String(repeating: "x", count: 8001))"}"#, "usageTerms"),
                (#"{"aiGenerated": "ja"}"#, "aiGenerated"),
            ] {
                try await client.execute(uri: uri, method: .patch, headers: headers, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .badRequest, "\(body.prefix(60))")
                    #expect(String(buffer: response.body).contains(field))
                }
            }
            try await client.execute(
                uri: uri, method: .patch, headers: headers,
                body: ByteBuffer(
                    string:
                        #"{"usageTerms": {"de": "Neu: nur <print> & \"online\"", "en": "New"}, "aiGenerated": true}"#)
            ) { #expect($0.status == .ok) }
            let after = try #require(try await gallery(client).items.first { $0.id == before.id })
            #expect(after.usageTerms == "Neu: nur <print> & \"online\"")
            #expect(after.aiGenerated)
            #expect(Set(after.renditions.map(\.url)).isDisjoint(with: before.renditions.map(\.url)))
            let jpeg = try #require(after.renditions.first { $0.format == .jpeg })
            let bytes = try await client.execute(uri: jpeg.url, method: .get) { $0.body.data }
            let packet = try #require(XMPProperties.packets(in: [UInt8](bytes)).first)
            #expect(XMPReader.read(packet)?.usageTerms?.text(for: "en") == "New")
            #expect(
                try await harness.env.catalog.audit().contains { $0.field == "usageTerms" && $0.actor == "Redaktion" })

            let gallery = "/api/v1/admin/galleries/kabinett"
            try await client.execute(
                uri: gallery, method: .put, headers: headers, body: ByteBuffer(string: #"{"license": "javascript:x"}"#)
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: gallery, method: .put, headers: headers, body: ByteBuffer(string: #"{"downloads": false}"#)
            ) { #expect($0.status == .ok) }
            #expect(try await self.gallery(client).items.allSatisfy { $0.download == nil })
            try await client.execute(
                uri: gallery, method: .put, headers: headers, body: ByteBuffer(string: #"{"downloads": null}"#)
            ) { #expect($0.status == .ok) }
            _ = try await harness.env.pass()
            #expect(try await self.gallery(client).items.allSatisfy { $0.download != nil })
        }
    }
}
