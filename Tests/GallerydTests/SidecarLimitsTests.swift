import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Ingest
import NIOHTTP1
import SQLiteCatalog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A photographer's sidecar cannot stall the daemon (issue 22): aliases, tags and deep
/// nesting are refused before any YAML library sees them, a size limit holds, and the
/// gallery keeps its last good sidecar while the error is shown to admins.
@Suite("Hostile sidecars", .timeLimit(.minutes(3)))
struct SidecarLimitsTests {
    static func hostile(_ name: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bytes = try Data(contentsOf: root.appendingPathComponent("Fuzz/corpus/\(name)"))
        return String(decoding: bytes.dropFirst(), as: UTF8.self)
    }

    @Test("a billion laughs, a tag, deep nesting or too many bytes: refused at once, the last good sidecar kept")
    func refused() async throws {
        let env = try TestEnvironment()
        try env.write("termin/bild.jpg", photo(caption: Array("Bild".utf8)))
        try env.write("termin/gallery.yaml", Array("title: Guter Titel\n".utf8))
        _ = try await env.pass()
        #expect(try await env.catalog.gallery(folder: "termin")?.title == "Guter Titel")
        let cases: [(String, String)] = [
            (try Self.hostile("sidecar-billion-laughs-keys"), "anchor"),
            (try Self.hostile("sidecar-tag-python"), "tag"),
            (try Self.hostile("sidecar-deep-flow"), "nests deeper"),
            (
                "title: x\nitems:\n" + String(repeating: "  a.jpg: {caption: x}\n", count: 20_000),
                "ingest.maxSidecarBytes"
            ),
        ]
        for (text, problem) in cases {
            try env.write("termin/gallery.yaml", Array(text.utf8))
            let started = ContinuousClock.now
            _ = try await env.stages.galleries.syncGallery(folder: "termin", settings: env.settings)
            #expect(ContinuousClock.now - started < .seconds(2), "\(problem)")
            let gallery = try #require(try await env.catalog.gallery(folder: "termin"))
            #expect(gallery.sidecarError?.contains(problem) == true, "\(gallery.sidecarError ?? "no error")")
            #expect(gallery.title == "Guter Titel", "the last good sidecar stays")
            #expect(gallery.sidecarError?.contains("\n") == false, "one line")
        }
    }

    @Test("the daemon answers /healthz and gallery JSON at once while hostile sidecars arrive, and stops on SIGTERM")
    func daemon() async throws {
        let env = try TestEnvironment()
        try env.write("a/bild.jpg", photo(caption: Array("A".utf8)))
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually { try await daemon.gallery("a")?.items.count == 1 }
        for folder in ["b", "c"] {
            try env.write("\(folder)/gallery.yaml", Array(try Self.hostile("sidecar-billion-laughs-keys").utf8))
            try env.write("\(folder)/bild.jpg", photo(caption: Array(folder.utf8)))
        }
        try await eventually { try await daemon.gallery("c")?.items.count == 1 }
        for _ in 0..<10 {
            let started = ContinuousClock.now
            #expect(try await daemon.get("/healthz").status == .ok)
            #expect(try await daemon.get("/api/v1/galleries/a").status == .ok)
            #expect(ContinuousClock.now - started < .seconds(1))
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test("file names and sidecar errors cannot write lines of their own into the log")
    func forgedLogLines() async throws {
        let env = try TestEnvironment()
        let forged = "evil\n2026-12-07T00:00:00+0000 critical galleryd: consent log tampered\u{1B}[2J\r.jpg"
        try env.write("g/" + forged, Array("kein Bild".utf8))
        try env.write(
            "h/gallery.yaml",
            Array("title: [unclosed\n2026-12-07T00:00:00+0000 critical galleryd: consent log tampered\n".utf8))
        try env.write("h/bild.jpg", photo(caption: Array("h".utf8)))
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually {
            daemon.logText.contains("sidecar unreadable") && daemon.logText.contains("quarantined")
        }
        for line in daemon.logText.split(separator: "\n") {
            #expect(line.first?.isNumber == true, "a line not written by the log handler: \(line)")
            #expect(!line.contains("\u{1B}"), "a raw escape sequence: \(line)")
        }
        #expect(daemon.logText.contains("evil\\n2026-12-07T00:00:00+0000 critical"), "escaped, still readable")
    }
}
