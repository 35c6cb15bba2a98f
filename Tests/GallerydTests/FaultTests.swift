import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import SQLiteCatalog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Crashes and a full disk: nothing lost, nothing duplicated, nothing half-written visible.
@Suite("Faults", .serialized, .timeLimit(.minutes(15)))
struct FaultTests {
    /// CI runs a short version; `Tests/System/crash` runs 200 files and 20 kills.
    static let files = Int(ProcessInfo.processInfo.environment["GALLERYD_CRASH_FILES"] ?? "") ?? 60
    static let kills = Int(ProcessInfo.processInfo.environment["GALLERYD_CRASH_KILLS"] ?? "") ?? 5

    @Test("kill -9 at random moments during ingest, then a restart: every file once, every rendition complete")
    func crashes() async throws {
        let env = try TestEnvironment()
        for index in 0..<Self.files {
            let image = RGBImage.noisy(width: 900, height: 600, seed: UInt64(index))
            var exif = ExifBlock()
            exif.ascii(0x010E, "Bild \(index)")
            try env.write("Galerie/bild-\(index).jpg", FixtureJPEG(image: image, exif: exif).bytes)
        }
        var generator = SystemRandomNumberGenerator()
        for round in 0..<Self.kills {
            let daemon = try Daemon(env)
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500, using: &generator)))
            daemon.signal(SIGKILL)
            _ = await daemon.waitForExit(timeout: .seconds(10))
            // Files keep arriving and leaving between crashes too.
            if round % 2 == 1 { try env.write("Galerie/spaet-\(round).jpg", photo(caption: Array("\(round)".utf8))) }
        }
        let expected = Self.files + (0..<Self.kills).filter { $0 % 2 == 1 }.count

        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually(timeout: .seconds(600), daemon.logText) {
            let published = try await daemon.gallery("galerie")?.items.count ?? 0
            let queued = try await env.catalog.depth()
            return published == expected && queued == 0
        }
        let document = try #require(try await daemon.gallery("galerie"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(10)) == 0)

        #expect(document.items.count == expected)
        #expect(Set(document.items.map(\.id)).count == expected)
        #expect(try await env.catalog.integrityCheck() == "ok")
        #expect(try await env.catalog.quarantined().isEmpty)
        for path in try await env.catalog.referencedRenditionPaths() {
            let disk = try #require(RenditionLayout.diskPath(forURLPath: path))
            let data = try Data(contentsOf: env.data.appendingPathComponent("renditions/" + disk))
            #expect(isCompleteImage(data), "\(path) is incomplete")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: env.data.appendingPathComponent("tmp").path)
        #expect(leftovers.isEmpty, "temp files left: \(leftovers)")
    }

    @Test("a full disk fails the job cleanly: nothing half-written is visible, and it is retried later")
    func diskFull() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"), "unshare is not installed")
        let env = try TestEnvironment()
        // Eight: the disk fills before the pass has claimed every job, so claiming fails too
        // (the pass must end, listing the files it could not do, not spin on the queue).
        for index in 0..<8 {
            try env.write(
                "Galerie/gross-\(index).jpg",
                FixtureJPEG(image: .noisy(width: 1600, height: 1200, seed: UInt64(index))).bytes)
        }
        let data = env.root.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let galleryd = GallerydProcess.binary.path
        // A private mount namespace with a tiny tmpfs as the data folder: the catalog fits,
        // the renditions do not. Then the disk "grows" and the same command runs again.
        let script = """
            set -e
            mount -t tmpfs -o size=700k tmpfs "$DATA"
            "$GALLERYD" ingest --media "$MEDIA" --data "$DATA" > "$OUT/first.txt" 2>&1 || echo "exit $?" >> "$OUT/first.txt"
            ls -A "$DATA/tmp" > "$OUT/tmp-after-full.txt"
            mkdir -p "$OUT/visible"
            find "$DATA/renditions" -type f | while read -r file; do
                cp "$file" "$OUT/visible/$(echo "$file" | tr / _)"
            done
            mount -o remount,size=64m "$DATA"
            "$GALLERYD" ingest --media "$MEDIA" --data "$DATA" > "$OUT/second.txt" 2>&1
            """
        let setup = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/unshare"), ["-rm", "sh", "-c", script],
            environment: [
                "DATA": data.path, "MEDIA": env.media.path, "GALLERYD": galleryd, "OUT": env.root.path,
                "PATH": "/usr/bin:/bin",
            ], timeout: .seconds(300))
        try #require(setup.status == 0, "could not set up a small file system: \(setup.error)")

        let first = try String(contentsOf: env.root.appendingPathComponent("first.txt"), encoding: .utf8)
        #expect(first.contains("failed"), "\(first)")
        #expect(first.contains("quarantined: 0"), "\(first)")
        #expect(!first.contains("exit "), "\(first)")
        let tmp = try String(contentsOf: env.root.appendingPathComponent("tmp-after-full.txt"), encoding: .utf8)
        #expect(tmp.isEmpty, "temp files left behind: \(tmp)")
        let visible = env.root.appendingPathComponent("visible")
        for name in try FileManager.default.contentsOfDirectory(atPath: visible.path) {
            let bytes = try Data(contentsOf: visible.appendingPathComponent(name))
            #expect(isCompleteImage(bytes), "\(name) is visible but incomplete")
        }
        let second = try String(contentsOf: env.root.appendingPathComponent("second.txt"), encoding: .utf8)
        #expect(second.contains("ingested: 8"), "\(second)")
    }
}
