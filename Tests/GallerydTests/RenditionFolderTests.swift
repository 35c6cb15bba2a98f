import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Ingest
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The renditions folder when several machines write to it (one shared mount).
@Suite("Renditions on a shared folder")
struct RenditionFolderTests {
    @Test(
        "start-up removes the temp files of this machine's dead writers, not those of another machine's writes in progress"
    )
    func abandonedWrites() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-folder-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        let folder = try RenditionFolder(dataDirectory: data.path)
        let tmp = data.appendingPathComponent("tmp")
        let host = ProcessInfo.processInfo.hostName
        let boot = try Self.bootID()
        let dead = try deadPID()
        let live = getppid()
        let names = [
            "dead here": "\(host)+\(boot)+\(dead)+\(UUID()).partial",
            "live here": "\(host)+\(boot)+\(live)+\(UUID()).partial",
            // Its PID runs again, but since the machine restarted: another process's now.
            "before the restart": "\(host)+00c0ffee+\(live)+\(UUID()).partial",
            "busy elsewhere": "web-2.example+\(boot)+\(dead)+\(UUID()).partial",
            "stale elsewhere": "web-2.example+\(boot)+\(live)+\(UUID()).partial",
            // An earlier galleryd's name has no host: maybe another machine's write.
            "old format, fresh": "\(dead)-\(UUID()).partial",
            "old format, stale": "\(dead + 1)-\(UUID()).partial",
            "this process's, in flight": "\(host)+\(boot)+\(getpid())+\(UUID()).partial",
            "not ours": "notes.txt",
        ]
        for name in names.values {
            #expect(
                FileManager.default.createFile(atPath: tmp.appendingPathComponent(name).path, contents: Data("x".utf8)))
        }
        let twoDaysAgo = Date().addingTimeInterval(-2 * 24 * 3600)
        for stale in ["stale elsewhere", "old format, stale"] {
            try FileManager.default.setAttributes(
                [.modificationDate: twoDaysAgo], ofItemAtPath: tmp.appendingPathComponent(names[stale]!).path)
        }

        #expect(folder.removeAbandonedWrites() == 4)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path))
        let kept = ["live here", "busy elsewhere", "old format, fresh", "this process's, in flight", "not ours"]
        #expect(left == Set(kept.map { names[$0]! }))
    }

    @Test("renditions and previews are written whole under their content addresses, no temp file left")
    func writesWhole() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-folder-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        let folder = try RenditionFolder(dataDirectory: data.path)
        let variant = try #require(
            RenditionVariant(sourceHash: String(repeating: "ab", count: 32), key: "0123456789ab"))
        let spec = RenditionSpec(role: .download, width: 100, height: 80, format: .jpeg)
        #expect(!folder.hasAll([spec], of: variant))
        try folder.write(
            RenderedRendition(spec: spec, width: 100, height: 80, data: Data(repeating: 7, count: 4096)), as: variant)
        #expect(folder.hasAll([spec], of: variant))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path(of: variant, spec: spec))).count == 4096)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("tmp").path).isEmpty)
        folder.remove(variant)
        #expect(!folder.hasAll([spec], of: variant))

        let preview = Data(repeating: 9, count: 512)
        try folder.writePreview(preview, named: "0123.jpg")
        #expect(try Data(contentsOf: data.appendingPathComponent("previews/0123.jpg")) == preview)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("tmp").path).isEmpty)
    }

    /// This boot's ID as temp names and leases carry it: its first 8 hex digits.
    static func bootID() throws -> String {
        let text = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        return String(text.filter(\.isHexDigit).prefix(8))
    }

    /// A PID no process has: a child's, once it has ended and been reaped.
    private func deadPID() throws -> pid_t {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        return child.processIdentifier
    }
}
