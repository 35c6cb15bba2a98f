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

/// No photo from outside the media folder (issue 22): a gallery folder or a sub-folder
/// swapped for a symbolic link to a folder elsewhere, and a link to a file elsewhere,
/// publish nothing — on every path that reaches a file.
@Suite("Symbolic links out of the media folder", .timeLimit(.minutes(3)))
struct SymlinkContainmentTests {
    /// A folder outside the media folder with two photos (someone's private folder).
    static func privateFolder(_ env: TestEnvironment) throws -> URL {
        let outside = env.root.appendingPathComponent("privat")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(photo(caption: Array("privat 1".utf8))).write(to: outside.appendingPathComponent("a.jpg"))
        try Data(photo(caption: Array("privat 2".utf8))).write(to: outside.appendingPathComponent("b.jpg"))
        return outside
    }

    static func link(_ env: TestEnvironment, _ relativePath: String, to target: URL) throws {
        let at = env.media.appendingPathComponent(relativePath)
        try? FileManager.default.removeItem(at: at)
        try FileManager.default.createSymbolicLink(atPath: at.path, withDestinationPath: target.path)
    }

    /// Every published caption, across every gallery.
    static func publishedCaptions(_ env: TestEnvironment) async throws -> [String] {
        var captions: [String] = []
        for summary in try await env.catalog.galleryList().galleries {
            let items = try await env.catalog.gallery(slug: summary.slug)?.document.items ?? []
            captions += items.compactMap(\.caption)
        }
        return captions
    }

    @Test("a pass, a folder rescan and an admin's retry refuse linked folders and files that lead outside")
    func pass() async throws {
        let env = try TestEnvironment()
        let outside = try Self.privateFolder(env)
        try env.write("e-swap/eins.jpg", photo(caption: Array("eins".utf8)))
        try env.write("g/sub/zwei.jpg", photo(caption: Array("zwei".utf8)))
        try env.write("g/drei.jpg", photo(caption: Array("drei".utf8)))
        _ = try await env.pass()
        #expect(Set(try await Self.publishedCaptions(env)) == ["eins", "zwei", "drei"])

        // The gallery folder and a sub-folder swapped for links; a link to a file outside.
        try FileManager.default.removeItem(at: env.media.appendingPathComponent("e-swap"))
        try Self.link(env, "e-swap", to: outside)
        try FileManager.default.removeItem(at: env.media.appendingPathComponent("g/sub"))
        try Self.link(env, "g/sub", to: outside)
        try Self.link(env, "g/link.jpg", to: outside.appendingPathComponent("a.jpg"))
        try Self.link(env, "vorher", to: outside)
        let summary = try await env.pass()
        #expect(try await Self.publishedCaptions(env) == ["drei"], "\(summary)")
        let reasons = Dictionary(uniqueKeysWithValues: summary.quarantined.map { ($0.path, $0.reason.code) })
        #expect(reasons["g/link.jpg"] == "symlink-outside-media")

        // A folder job (what inotify's folder events and SIGHUP lead to) for each.
        for folder in ["e-swap", "g", "g/sub", "vorher"] {
            try await env.reconciler.plan(folder: folder).toIngest.forEach { path in
                #expect(
                    !path.hasPrefix("e-swap/") && !path.hasPrefix("g/sub/") && !path.hasPrefix("vorher/"), "\(path)")
            }
        }
        // What an admin's retry or a stale job does: ingest one path directly.
        for path in ["e-swap/a.jpg", "g/sub/a.jpg", "vorher/b.jpg", "g/link.jpg"] {
            let outcome = await env.ingest(path)
            guard case IngestOutcome.quarantined(let reason) = outcome else {
                Issue.record("\(path): \(outcome)")
                continue
            }
            #expect(["symlinked-folder", "symlink-outside-media"].contains(reason.code), "\(path): \(reason)")
        }
        #expect(try await Self.publishedCaptions(env) == ["drei"])
    }

    @Test("with watch.followSymlinks, a linked folder inside the media folder is followed, one outside is not")
    func followInside() async throws {
        let env = try TestEnvironment(followSymlinks: true)
        let outside = try Self.privateFolder(env)
        try env.write("archiv/2019/vier.jpg", photo(caption: Array("vier".utf8)))
        try Self.link(env, "neu", to: env.media.appendingPathComponent("archiv/2019"))
        try Self.link(env, "raus", to: outside)
        _ = try await env.pass()
        #expect(Set(try await Self.publishedCaptions(env)) == ["vier"])
        let slugs = try await env.catalog.galleryList().galleries.map(\.slug)
        #expect(slugs.sorted() == ["archiv", "neu"], "the link inside is a gallery; the one outside is not")
    }

    @Test("the daemon: folders swapped while it runs, found by inotify and rescans, and after SIGHUP")
    func daemon() async throws {
        let env = try TestEnvironment()
        let outside = try Self.privateFolder(env)
        try env.write("e-swap/eins.jpg", photo(caption: Array("eins".utf8)))
        try env.write("g/sub/zwei.jpg", photo(caption: Array("zwei".utf8)))
        try env.write("g/drei.jpg", photo(caption: Array("drei".utf8)))
        // Present at start: the start-up scan.
        try Self.link(env, "vorher", to: outside)
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually { try await daemon.gallery("g")?.items.count == 2 }
        #expect(try await daemon.gallery("vorher") == nil)

        try FileManager.default.removeItem(at: env.media.appendingPathComponent("e-swap"))
        try Self.link(env, "e-swap", to: outside)
        try FileManager.default.removeItem(at: env.media.appendingPathComponent("g/sub"))
        try Self.link(env, "g/sub", to: outside)
        try Self.link(env, "g/link.jpg", to: outside.appendingPathComponent("b.jpg"))
        try await eventually { try await daemon.gallery("e-swap") == nil }
        try await eventually { try await daemon.gallery("g")?.items.count == 1 }
        // Long enough for a folder rescan to have run (settle time 0.5 s).
        try await Task.sleep(for: .seconds(3))
        daemon.signal(SIGHUP)
        try await Task.sleep(for: .seconds(3))
        #expect(try await daemon.gallery("e-swap") == nil)
        #expect(try await daemon.gallery("vorher") == nil)
        #expect(try await daemon.gallery("g")?.items.map(\.caption) == ["drei"])
    }
}
