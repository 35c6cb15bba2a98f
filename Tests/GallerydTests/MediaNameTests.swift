import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Ingest
import SQLiteCatalog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Names as older Windows tools and SMB shares leave them: Latin-1 bytes, not UTF-8.
@Suite("File and folder names that are not UTF-8", .timeLimit(.minutes(3)))
struct MediaNameTests {
    /// The media folder's path followed by raw name bytes, `/`-separated.
    func raw(_ env: TestEnvironment, _ components: [UInt8]...) -> [UInt8] {
        Array(env.media.path.utf8) + components.flatMap { [UInt8(ascii: "/")] + $0 }
    }

    func withCPath<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    func mkdirRaw(_ path: [UInt8]) {
        #expect(withCPath(path) { mkdir($0, 0o755) } == 0)
    }

    func writeRaw(_ path: [UInt8], _ bytes: [UInt8]) {
        let descriptor = withCPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        #expect(descriptor >= 0)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    let strasse: [UInt8] = Array("Stra".utf8) + [0xDF] + Array("e".utf8)
    let gruesse: [UInt8] = Array("Gr".utf8) + [0xFC, 0xDF] + Array("e.jpg".utf8)

    @Test("every file is published: Latin-1 folder and file names, a newline, NFD, a 255-byte name")
    func pass() async throws {
        let env = try TestEnvironment()
        try env.write("Gute Galerie/gut.jpg", photo())
        mkdirRaw(raw(env, strasse))
        writeRaw(raw(env, strasse, Array("bild.jpg".utf8)), photo())
        writeRaw(raw(env, Array("Gute Galerie".utf8), gruesse), photo(caption: Array("Grüße".utf8)))
        try env.write("Gute Galerie/zwei\nzeilen.jpg", photo())
        try env.write("Gute Galerie/Gru\u{0308}n.jpg", photo())
        try env.write("Gute Galerie/" + String(repeating: "l", count: 251) + ".jpg", photo())
        let summary = try await env.pass()
        #expect(summary.ingested.count == 6, "\(summary.ingested)")
        #expect(summary.quarantined.isEmpty && summary.failed.isEmpty)
        let list = try await env.catalog.galleryList()
        let folder = try #require(list.galleries.first { $0.slug == "strasse" })
        #expect(folder.title == "Straße")
        #expect(folder.itemCount == 1)
        #expect(list.galleries.first { $0.slug == "gute-galerie" }?.itemCount == 5)
        // Nothing is left unaccounted for, and a second pass finds everything unchanged.
        let again = try await env.pass()
        #expect(again.unchanged == 6 && again.ingested.isEmpty)
        // Removing the Latin-1 file by its bytes removes it from the gallery.
        #expect(withCPath(raw(env, Array("Gute Galerie".utf8), gruesse)) { unlink($0) } == 0)
        #expect(try await env.pass().removed.count == 1)
    }

    @Test("the watcher publishes a Latin-1 name moved in, and follows its rename")
    func watcher() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/erstes.jpg", photo())
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually("the first photo") { (try await daemon.gallery("galerie"))?.items.count == 1 }
        let staging = Array(env.root.path.utf8) + Array("/upload.jpg".utf8)
        writeRaw(staging, photo(caption: Array("Grüße".utf8)))
        let first = raw(env, Array("Galerie".utf8), gruesse)
        #expect(withCPath(staging) { from in withCPath(first) { rename(from, $0) } } == 0)
        try await eventually("the Latin-1 file is published") {
            (try await daemon.gallery("galerie"))?.items.map(\.caption).contains("Grüße") == true
        }
        let second = raw(env, Array("Galerie".utf8), Array("K".utf8) + [0xF6] + Array("ln.jpg".utf8))
        #expect(withCPath(first) { from in withCPath(second) { rename(from, $0) } } == 0)
        try await eventually("renamed: still one") {
            let items = try await daemon.gallery("galerie")?.items ?? []
            return items.count == 2 && items.filter { $0.caption == "Grüße" }.count == 1
        }
        let paths = try await env.catalog.quarantined().map(\.path)
        #expect(paths.isEmpty)
    }
}
