import Catalog
import Foundation
import GalleryCore
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Testing

/// `GET /downloads/galleries/{slug}.zip` as a journalist uses it: saved, resumed, opened
/// with the usual tools, and only ever holding what the gallery shows.
@Suite("A whole gallery as one ZIP", .timeLimit(.minutes(5)))
struct GalleryZipTests {
    struct Harness {
        let env: TestEnvironment
        let admin: String
        let editor: String
    }

    /// Two photos with downloads (one captioned over two lines), and a gallery with
    /// downloads off; served over real HTTP on 127.0.0.1.
    func withServer(
        forceZip64: Bool = false, _ body: @Sendable (Harness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let env = try TestEnvironment(
            siteRights: RightsTerms(
                license: "https://www.example.nrw/bildrechte",
                usageTerms: LanguageAlternative([
                    "de": "Nur zur redaktionellen Berichterstattung", "en": "Editorial use only",
                ])))
        try env.write(
            "Konferenz/eins.jpg",
            photo(caption: Array("Ministerin Müller eröffnet.\nZweite Zeile".utf8), takenAt: "2019:03:12 10:01:00"))
        try env.write(
            "Konferenz/zwei.jpg",
            photo(caption: Array("Podium".utf8), copyright: "Erika Muster", takenAt: "2019:03:12 10:02:00"))
        try env.write("Archiv/gallery.yaml", Array("downloads: false\n".utf8))
        try env.write("Archiv/alt.jpg", photo(caption: Array("Altes Bild".utf8)))
        _ = try await env.pass()
        let admin = try await env.catalog.createToken(name: "Redaktion Admin", scope: .admin).text
        let editor = try await env.catalog.createToken(name: "Bildredaktion", scope: .editor).text
        let readiness = Readiness()
        readiness.set("startup", unmetBecause: nil)
        var settings = ServerSettings(dataDirectory: env.data.path)
        settings.forceZip64 = forceZip64
        let server = GalleryServer(
            catalog: env.catalog, settings: settings, readiness: readiness, actions: env.adminActions)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(Harness(env: env, admin: admin, editor: editor), client)
        }
    }

    func document(_ client: any TestClientProtocol, _ slug: String) async throws -> GalleryDocument {
        try await client.execute(uri: "/api/v1/galleries/\(slug)", method: .get) { response in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(GalleryDocument.self, from: response.body.data)
        }
    }

    func get(_ client: any TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> (
        status: HTTPResponse.Status, headers: HTTPFields, body: Data
    ) {
        try await client.execute(uri: uri, method: .get, headers: headers) {
            ($0.status, $0.headers, $0.body.data)
        }
    }

    func patch(_ client: any TestClientProtocol, _ token: String, _ id: AssetID, _ body: String) async throws
        -> HTTPResponse.Status
    {
        try await client.execute(
            uri: "/api/v1/admin/assets/\(id.value)", method: .patch,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { $0.status }
    }

    /// What `unzip -t`, `7z t` and Python's `zipfile` say of an archive: Python's report
    /// lists each entry as `name method size crc`, then whether ZIP64 records are present.
    struct Verdicts {
        var unzip: ChildProcessResult
        var sevenZip: ChildProcessResult
        var python: ChildProcessResult
    }

    func check(_ archive: Data) async throws -> Verdicts {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-zip-\(UUID()).zip")
        try archive.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as archive:
                bad = archive.testzip()
                assert bad is None, bad
                for info in archive.infolist():
                    print(info.filename, info.compress_type, info.file_size, '%08x' % info.CRC)
            data = open(sys.argv[1], 'rb').read()
            print('zip64' if b'PK\\x06\\x06' in data[-200:] else 'zip32')
            """
        return Verdicts(
            unzip: try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/unzip"), ["-t", file.path]),
            sevenZip: try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/7z"), ["t", file.path]),
            python: try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, file.path]))
    }

    /// The entries of a ZIP by name, read with Python's `zipfile` (a reader we did not write).
    func entries(_ archive: Data) async throws -> [String: Data] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-unzip-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("archive.zip")
        try archive.write(to: file)
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [
                "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", file.path,
                folder.appendingPathComponent("out").path,
            ])
        #expect(result.status == 0, "\(result.error)")
        var found: [String: Data] = [:]
        let out = folder.appendingPathComponent("out")
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            found[name] = try Data(contentsOf: out.appendingPathComponent(name))
        }
        return found
    }

    @Test(
        "the ZIP holds every photo's download under its name and the rights texts, stored, its length known first; unzip, 7z and zipfile accept it, with ZIP64 forced too",
        arguments: [false, true])
    func wholeGallery(forceZip64: Bool) async throws {
        try await withServer(forceZip64: forceZip64) { harness, client in
            let gallery = try await document(client, "konferenz")
            let zip = try #require(gallery.zip)
            #expect(zip.url == "/downloads/galleries/konferenz.zip" && zip.count == 2)
            let answer = try await get(client, zip.url)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/zip")
            #expect(answer.headers[.contentLength] == String(zip.bytes) && answer.body.count == zip.bytes)
            #expect(answer.headers[.acceptRanges] == "bytes")
            #expect(answer.headers[.contentDisposition]?.contains("filename=\"konferenz.zip\"") == true)
            let etag = try #require(answer.headers[.eTag])
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))

            let verdicts = try await check(answer.body)
            #expect(verdicts.unzip.status == 0, "\(verdicts.unzip.output)\(verdicts.unzip.error)")
            #expect(verdicts.sevenZip.status == 0, "\(verdicts.sevenZip.output)\(verdicts.sevenZip.error)")
            #expect(verdicts.python.status == 0, "\(verdicts.python.error)")
            let report = verdicts.python.output.split(separator: "\n").map(String.init)
            #expect(report.last == (forceZip64 ? "zip64" : "zip32"))
            // Stored (method 0), never recompressed.
            #expect(report.dropLast().allSatisfy { $0.split(separator: " ")[1] == "0" }, "\(report)")

            let files = try await entries(answer.body)
            let downloads = gallery.items.compactMap(\.download)
            #expect(Set(files.keys) == Set(downloads.map(\.fileName) + ["LIESMICH.txt", "README.txt"]))
            for download in downloads {
                let original = try await get(client, download.url)
                #expect(files[download.fileName] == original.body, "\(download.fileName)")
            }
            let german = String(decoding: try #require(files["LIESMICH.txt"]), as: UTF8.self)
            let english = String(decoding: try #require(files["README.txt"]), as: UTF8.self)
            #expect(german.contains("Bildunterschrift: Ministerin Müller eröffnet.\r\n    Zweite Zeile\r\n"))
            #expect(german.contains("Nutzungsbedingungen: Nur zur redaktionellen Berichterstattung"))
            #expect(german.contains("Lizenz: https://www.example.nrw/bildrechte"))
            #expect(german.contains("Credit: ") && german.contains(downloads[0].fileName))
            #expect(english.contains("Caption: Podium") && english.contains("Usage terms: Editorial use only"))
            #expect(english.contains("Licence: https://www.example.nrw/bildrechte"))
            #expect(english.contains("Credit: Erika Muster"))

            // The portal's gallery page links it with its size.
            let page = String(decoding: try await get(client, "/galleries/konferenz").body, as: UTF8.self)
            #expect(page.contains("href=\"/downloads/galleries/konferenz.zip\""), "\(page)")
            #expect(page.contains("Alle 2 Fotos als ZIP"))
        }
    }

    @Test(
        "an interrupted download resumes with Range and If-Range; a stale If-Range gets the whole new ZIP; 304 and 416")
    func resume() async throws {
        try await withServer { _, client in
            let whole = try await get(client, "/downloads/galleries/konferenz.zip")
            let etag = try #require(whole.headers[.eTag])
            let size = whole.body.count
            let cut = size / 2 + 123
            let first = try await get(
                client, "/downloads/galleries/konferenz.zip", headers: [.range: "bytes=0-\(cut - 1)"])
            #expect(first.status == .partialContent && first.body.count == cut)
            #expect(first.headers[.contentRange] == "bytes 0-\(cut - 1)/\(size)")
            let rest = try await get(
                client, "/downloads/galleries/konferenz.zip", headers: [.range: "bytes=\(cut)-", .ifRange: etag])
            #expect(rest.status == .partialContent && rest.headers[.contentLength] == String(size - cut))
            #expect(first.body + rest.body == whole.body)
            // Every boundary: a range inside a header, across a header and a photo, the tail.
            for (start, end) in [(0, 10), (25, 400), (size - 30, size - 1), (size / 3, size / 3)] {
                let part = try await get(
                    client, "/downloads/galleries/konferenz.zip", headers: [.range: "bytes=\(start)-\(end)"])
                #expect(part.body == whole.body.subdata(in: start..<end + 1), "\(start)-\(end)")
            }
            let stale = try await get(
                client, "/downloads/galleries/konferenz.zip", headers: [.range: "bytes=\(cut)-", .ifRange: "\"old\""])
            #expect(stale.status == .ok && stale.body == whole.body)
            let unchanged = try await get(client, "/downloads/galleries/konferenz.zip", headers: [.ifNoneMatch: etag])
            #expect(unchanged.status == .notModified && unchanged.body.isEmpty)
            let beyond = try await get(
                client, "/downloads/galleries/konferenz.zip", headers: [.range: "bytes=\(size)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(try await get(client, "/downloads/galleries/keine.zip").status == .notFound)
            #expect(try await get(client, "/downloads/galleries/konferenz").status == .notFound)
        }
    }

    @Test(
        "a caption corrected changes the ETag and the texts; a withdrawn photo is not in the next ZIP; without downloads the largest JPEG rendition goes in"
    )
    func followsTheGallery() async throws {
        try await withServer { harness, client in
            let before = try await get(client, "/downloads/galleries/konferenz.zip")
            let gallery = try await document(client, "konferenz")
            let (first, second) = (gallery.items[0], gallery.items[1])
            #expect(try await patch(client, harness.editor, first.id, #"{"caption": "Neue Bildunterschrift"}"#) == .ok)
            let corrected = try await get(client, "/downloads/galleries/konferenz.zip")
            #expect(corrected.headers[.eTag] != before.headers[.eTag])
            let texts = try await entries(corrected.body)
            #expect(
                String(decoding: try #require(texts["LIESMICH.txt"]), as: UTF8.self)
                    .contains("Bildunterschrift: Neue Bildunterschrift"))

            #expect(try await patch(client, harness.admin, second.id, #"{"hidden": true, "reason": "Lizenz"}"#) == .ok)
            let withdrawn = try await get(client, "/downloads/galleries/konferenz.zip")
            let names = Set(try await entries(withdrawn.body).keys)
            #expect(!names.contains(try #require(second.download?.fileName)))
            #expect(names.contains(try #require(first.download?.fileName)))
            #expect(try await document(client, "konferenz").zip?.count == 1)
            #expect(withdrawn.headers[.contentLength] == String(withdrawn.body.count))

            let archive = try await document(client, "archiv")
            let item = try #require(archive.items.first)
            #expect(item.download == nil)
            let largest = try #require(item.renditions.filter { $0.format == .jpeg }.max { $0.width < $1.width })
            let files = try await entries(try await get(client, "/downloads/galleries/archiv.zip").body)
            let name = DownloadName.fileName(slug: "archiv", position: item.position, credit: item.credit)
            #expect(files[name] == (try await get(client, largest.url)).body)
        }
    }
}
