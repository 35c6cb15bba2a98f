import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import NIOCore
import SQLiteCatalog
import Server
import Testing

/// Who, what and where a photo shows (issue 25 §1): IPTC Keywords, Person Shown, Location
/// Shown and Event read from files that exiftool writes, reconciled as `exiftool -use MWG`
/// does, bound with the sidecar's precedence, and published in the gallery JSON.
@Suite("Keywords, persons, location and event")
struct WhoWhatWhereTests {
    static let exiftool = URL(fileURLWithPath: "/usr/bin/exiftool")

    /// One file exiftool writes, and what galleryd must make of it.
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var arguments: [String]
    }

    static let everyField: [String] = [
        "-XMP-dc:Subject=Digitalisierung", "-XMP-dc:Subject=Kommune", "-XMP-dc:Subject=Konferenz",
        "-XMP-dc:Subject=kommune",
        "-IPTC:Keywords=Digitalisierung", "-IPTC:Keywords=Kommune", "-IPTC:Keywords=Konferenz",
        "-XMP-iptcExt:PersonInImage=Andreas Pinkwart", "-XMP-iptcExt:PersonInImage=Nadja Boschin-Heinz",
        "-XMP-iptcExt:Event=Auftaktkonferenz Digitale Modellkommunen",
        "-XMP-iptcExt:LocationShownSublocation=Heinz Nixdorf MuseumsForum",
        "-XMP-iptcExt:LocationShownCity=Paderborn", "-XMP-iptcExt:LocationShownProvinceState=Nordrhein-Westfalen",
        "-XMP-iptcExt:LocationShownCountryName=Deutschland", "-XMP-iptcExt:LocationShownCountryCode=DE",
        "-XMP-iptcExt:LocationCreatedCity=Köln",
        "-XMP-photoshop:City=Düsseldorf", "-IPTC:City=Düsseldorf", "-IPTCDigest=new",
    ]

    static let cases: [Case] = [
        Case(description: "every field, XMP and IIM in step", arguments: everyField),
        Case(
            description: "IIM only",
            arguments: [
                "-IPTC:Keywords=Landtag", "-IPTC:Keywords=Plenum", "-IPTC:Sub-location=Plenarsaal",
                "-IPTC:City=Düsseldorf", "-IPTC:Province-State=NRW", "-IPTC:Country-PrimaryLocationName=Deutschland",
                "-IPTC:Country-PrimaryLocationCode=DEU",
            ]),
        Case(
            description: "XMP only, the IPTC Core location",
            arguments: [
                "-XMP-dc:Subject=Breitband", "-XMP-iptcCore:Location=Rathaus", "-XMP-photoshop:City=Soest",
                "-XMP-photoshop:State=Nordrhein-Westfalen", "-XMP-photoshop:Country=Deutschland",
                "-XMP-iptcCore:CountryCode=DE", "-XMP-iptcExt:PersonInImage=Ina Scharrenbach",
            ]),
        Case(
            description: "IIM changed after XMP (stale digest): IIM wins",
            arguments: [
                "-XMP-dc:Subject=Alt", "-XMP-photoshop:City=Bonn", "-XMP-iptcCore:CountryCode=DE",
                "-IPTC:Keywords=Neu", "-IPTC:Keywords=Aktuell", "-IPTC:City=Köln",
                "-IPTC:Country-PrimaryLocationCode=DEU", "-IPTCDigest=0123456789abcdef0123456789abcdef",
            ]),
    ]

    @Test("the readers agree with exiftool -use MWG", arguments: cases)
    func agreeWithExiftool(_ example: Case) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-www-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bild.jpg")
        try Data(FixtureJPEG(image: .gradient(width: 64, height: 48)).bytes).write(to: file)
        let written = try await ChildProcess.run(
            Self.exiftool,
            ["-q", "-overwrite_original", "-charset", "iptc=UTF8", "-IPTC:CodedCharacterSet=UTF8"] + example.arguments
                + [file.path])
        #expect(written.status == 0, "exiftool could not write: \(written.error)")

        let mwg = try await Self.exiftoolJSON(
            [
                "-use", "MWG", "-struct", "-Keywords", "-City", "-State", "-Country", "-Location", "-PersonInImage",
                "-Event", "-LocationShown",
            ], file)
        let grouped = try await Self.exiftoolJSON(
            [
                "-G1", "-XMP-iptcCore:CountryCode", "-IPTC:Country-PrimaryLocationCode", "-IPTCDigest",
                "-CurrentIPTCDigest",
            ], file)

        let probed = try ImageProbe(limits: IngestLimits()).probe(try Data(contentsOf: file))
        let bound = MetadataBinder(houseCredit: "© MWIDE NRW").bind(
            embedded: probed.metadata, sidecar: nil, admin: nil, galleryCredit: nil)

        #expect(bound.keywords == NameList.cleaned(Self.strings(mwg["Keywords"])), "keywords")
        #expect(bound.persons == Self.strings(mwg["PersonInImage"]), "persons")
        #expect(bound.event == mwg["Event"] as? String, "event")
        let expected: PhotoLocation?
        if let shown = (mwg["LocationShown"] as? [[String: Any]])?.first {
            expected =
                PhotoLocation(
                    sublocation: shown["Sublocation"] as? String, city: shown["City"] as? String,
                    region: shown["ProvinceState"] as? String, country: shown["CountryName"] as? String,
                    countryCode: shown["CountryCode"] as? String
                ).cleaned
        } else {
            // MWG has no composite for the code: the same digest rule, as galleryd applies it.
            let digestHolds =
                grouped["Photoshop:IPTCDigest"] == nil
                || grouped["Photoshop:IPTCDigest"] as? String == grouped["Composite:CurrentIPTCDigest"] as? String
            let xmpCode = grouped["XMP-iptcCore:CountryCode"] as? String
            let iimCode = grouped["IPTC:Country-PrimaryLocationCode"] as? String
            expected =
                PhotoLocation(
                    sublocation: mwg["Location"] as? String, city: mwg["City"] as? String,
                    region: mwg["State"] as? String,
                    country: mwg["Country"] as? String,
                    countryCode: digestHolds ? (xmpCode ?? iimCode) : (iimCode ?? xmpCode)
                ).cleaned
        }
        #expect(bound.location == expected, "location")
        #expect(bound.keywords != nil || bound.location != nil, "the case names something")
    }

    /// `exiftool -j` of one file, as a dictionary.
    static func exiftoolJSON(_ arguments: [String], _ file: URL) async throws -> [String: Any] {
        let read = try await ChildProcess.run(exiftool, ["-j"] + arguments + [file.path])
        #expect(read.status == 0, "exiftool could not read: \(read.error)")
        let list = try JSONSerialization.jsonObject(with: Data(read.output.utf8)) as? [[String: Any]]
        return list?.first ?? [:]
    }

    /// exiftool prints a list of one as its element.
    static func strings(_ value: Any?) -> [String]? {
        switch value {
        case let list as [Any]: list.map { "\($0)" }
        case let one?: ["\(one)"]
        case nil: nil
        }
    }

    @Test("the sidecar's keywords, persons, location and event win over the file's, and the JSON shows them")
    func publishedWithSidecarPrecedence() async throws {
        let env = try TestEnvironment()
        var iptc = IPTCBlock(utf8: true)
        iptc.add(25, "Konferenz")
        iptc.add(25, "Kommune")
        iptc.add(25, "konferenz")
        iptc.add(90, "Paderborn")
        iptc.add(101, "Deutschland")
        try env.write("Termin/a.jpg", FixtureJPEG(image: .gradient(width: 320, height: 240), iptc: iptc).data)
        try env.write("Termin/b.jpg", FixtureJPEG(image: .gradient(width: 320, height: 240), iptc: iptc).data)
        try env.write(
            "Termin/gallery.yaml",
            Data(
                """
                items:
                  b.jpg:
                    keywords: [Landtag]
                    persons: [Andreas Pinkwart, "  Andreas Pinkwart "]
                    location: {city: Düsseldorf, countryCode: DE}
                    event: Plenarsitzung
                """.utf8))
        _ = try await env.pass()
        let document = try #require(try await env.catalog.gallery(slug: "termin", at: Date())?.document)
        let byName = Dictionary(uniqueKeysWithValues: document.items.map { ($0.id, $0) })
        let a = try #require(byName[AssetID(relativePath: "Termin/a.jpg")])
        #expect(a.keywords == ["Konferenz", "Kommune"])
        #expect(a.location == PhotoLocation(city: "Paderborn", country: "Deutschland"))
        #expect(a.persons == nil && a.event == nil)
        let b = try #require(byName[AssetID(relativePath: "Termin/b.jpg")])
        #expect(b.keywords == ["Landtag"])
        #expect(b.persons == ["Andreas Pinkwart"])
        #expect(b.location == PhotoLocation(city: "Düsseldorf", countryCode: "DE"))
        #expect(b.event == "Plenarsitzung")

        // Over HTTP: the gallery JSON's items, and the page's JSON-LD.
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(dataDirectory: env.data.path), readiness: readiness)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let json = try await client.execute(uri: "/api/v1/galleries/termin", method: .get) { response in
                try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any]
            }
            let items = try #require(json?["items"] as? [[String: Any]])
            let served = try #require(items.first { $0["id"] as? String == b.id.value })
            #expect((served["location"] as? [String: String]) == ["city": "Düsseldorf", "countryCode": "DE"])
            #expect(served["keywords"] as? [String] == ["Landtag"])
            #expect(served["persons"] as? [String] == ["Andreas Pinkwart"])
            #expect(served["event"] as? String == "Plenarsitzung")

            let page = try await client.execute(uri: "/galleries/termin", method: .get) { String(buffer: $0.body) }
            let start = try #require(page.range(of: "<script type=\"application/ld+json\">"))
            let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
            let jsonLD = try #require(
                try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8))
                    as? [String: Any])
            let images = try #require(jsonLD["associatedMedia"] as? [[String: Any]])
            let withPersons = try #require(images.first { $0["about"] != nil })
            #expect(withPersons["keywords"] as? String == "Landtag")
            #expect((withPersons["about"] as? [[String: String]]) == [["@type": "Person", "name": "Andreas Pinkwart"]])
            let place = try #require(withPersons["contentLocation"] as? [String: Any])
            #expect(place["@type"] as? String == "Place" && place["name"] as? String == "Düsseldorf")
            #expect((place["address"] as? [String: String])?["addressCountry"] == "DE")
            let other = try #require(images.first { $0["about"] == nil })
            #expect(other["keywords"] as? String == "Konferenz, Kommune")
        }
    }

    @Test(
        "an editor corrects keywords, persons, location and event through the admin API, audited; bad values are a 400")
    func adminCorrections() async throws {
        let env = try TestEnvironment()
        var iptc = IPTCBlock(utf8: true)
        iptc.add(25, "Konferenz")
        iptc.add(90, "Paderborn")
        try env.write("Termin/a.jpg", FixtureJPEG(image: .gradient(width: 320, height: 240), iptc: iptc).data)
        _ = try await env.pass()
        let editor = try await env.catalog.createToken(name: "Redaktion", scope: .editor).text
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(dataDirectory: env.data.path), readiness: readiness,
            actions: env.adminActions)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let id = AssetID(relativePath: "Termin/a.jpg")
        let headers: HTTPFields = [.authorization: "Bearer \(editor)", .contentType: "application/json"]
        try await app.test(.live) { client in
            let uri = "/api/v1/admin/assets/\(id.value)"
            try await client.execute(
                uri: uri, method: .patch, headers: headers,
                body: ByteBuffer(
                    string: #"""
                        {"keywords": ["Landtag", "landtag", " Plenum "], "persons": ["Hendrik Wüst"],
                         "location": {"city": "Düsseldorf", "countryCode": "DE"}, "event": "Plenarsitzung"}
                        """#)
            ) { response in
                #expect(response.status == .ok)
                let asset = try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any]
                #expect(asset?["keywords"] as? [String] == ["Landtag", "Plenum"])
                let overrides = asset?["overrides"] as? [String: Any]
                #expect(overrides?["persons"] as? [String] == ["Hendrik Wüst"])
            }
            let item = try #require(try await env.catalog.gallery(slug: "termin", at: Date())?.document.items.first)
            #expect(item.keywords == ["Landtag", "Plenum"])
            #expect(item.persons == ["Hendrik Wüst"])
            #expect(item.location == PhotoLocation(city: "Düsseldorf", countryCode: "DE"))
            #expect(item.event == "Plenarsitzung")
            let audit = try await env.catalog.audit(since: nil, limit: 20)
            let fields = Dictionary(
                audit.filter { $0.action == "asset.update" }.compactMap { entry in entry.field.map { ($0, entry) } },
                uniquingKeysWith: { first, _ in first })
            #expect(fields["keywords"]?.oldValue == "Konferenz" && fields["keywords"]?.newValue == "Landtag; Plenum")
            #expect(fields["location"]?.oldValue == "Paderborn" && fields["location"]?.newValue == "Düsseldorf (DE)")
            #expect(fields["event"]?.newValue == "Plenarsitzung" && fields["persons"] != nil)

            // `null` removes the override: the file's keywords show again.
            try await client.execute(
                uri: uri, method: .patch, headers: headers, body: ByteBuffer(string: #"{"keywords": null}"#)
            ) { #expect($0.status == .ok) }
            #expect(
                try await env.catalog.gallery(slug: "termin", at: Date())?.document.items.first?.keywords == [
                    "Konferenz"
                ])

            for (body, field) in [
                (#"{"location": {"city": "Köln", "street": "Domplatte"}}"#, "location"),
                (#"{"location": {"countryCode": "Deutschland"}}"#, "location"),
                (#"{"keywords": "Landtag"}"#, "keywords"),
                (#"{"persons": [1, 2]}"#, "persons"),
                (#"{"keywords": ["a\u0000b"]}"#, "keywords"),
            ] {
                try await client.execute(uri: uri, method: .patch, headers: headers, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .badRequest, "\(body)")
                    let problem = try JSONSerialization.jsonObject(with: response.body.data) as? [String: Any]
                    #expect(problem?["field"] as? String == field, "\(body)")
                }
            }
        }
    }
}
