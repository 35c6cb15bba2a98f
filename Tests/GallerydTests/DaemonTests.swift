import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import NIOCore
import NIOHTTP1
import SQLiteCatalog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `galleryd serve` as a daemon: real inotify in temp folders, real HTTP, real signals.
@Suite("The daemon", .serialized, .timeLimit(.minutes(5)))
struct DaemonTests {
    func small(_ index: Int) -> [UInt8] {
        photo(caption: Array("Bild \(index)".utf8), width: 200, height: 150)
    }

    @Test("a file renamed into a gallery is listed, with its renditions, soon after")
    func renamedIn() async throws {
        let env = try TestEnvironment()
        try FileManager.default.createDirectory(
            at: env.media.appendingPathComponent("Galerie"), withIntermediateDirectories: true)
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        let staging = env.root.appendingPathComponent("upload.jpg")
        try Data(photo(caption: Array("Neu".utf8))).write(to: staging)
        try FileManager.default.moveItem(at: staging, to: env.media.appendingPathComponent("Galerie/neu.jpg"))
        try await eventually(timeout: .seconds(20), daemon.logText) {
            try await daemon.gallery("galerie")?.items.first?.caption == "Neu"
        }
        let item = try #require(try await daemon.gallery("galerie")?.items.first)
        for rendition in item.renditions {
            #expect(try await daemon.get(rendition.url).status == .ok)
        }
    }

    @Test("a file written slowly in chunks is published once complete and never quarantined")
    func slowCopy() async throws {
        let env = try TestEnvironment()
        try FileManager.default.createDirectory(
            at: env.media.appendingPathComponent("Galerie"), withIntermediateDirectories: true)
        // The default settle time: pauses between chunks stay well within it, even on a busy machine.
        let daemon = try Daemon(env, extraEnvironment: ["GALLERYD_WATCH_SETTLE_SECONDS": "2"])
        try await daemon.waitUntilReady()
        let bytes = photo(caption: Array("Langsam".utf8), width: 1200, height: 900)
        let target = env.media.appendingPathComponent("Galerie/langsam.jpg")
        let chunks = stride(from: 0, to: bytes.count, by: bytes.count / 4 + 1).map {
            Array(bytes[$0..<min($0 + bytes.count / 4 + 1, bytes.count)])
        }
        // Closed after every chunk (as some clients do), with pauses longer than the quiet time.
        try Data().write(to: target)
        for chunk in chunks {
            let handle = try FileHandle(forWritingTo: target)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(chunk))
            try handle.close()
            try await Task.sleep(for: .milliseconds(350))
        }
        // A second file kept open between chunks (a stalled transfer that resumes).
        let open = env.media.appendingPathComponent("Galerie/offen.jpg")
        try Data().write(to: open)
        let handle = try FileHandle(forWritingTo: open)
        for chunk in chunks {
            try handle.write(contentsOf: Data(chunk))
            try await Task.sleep(for: .milliseconds(300))
        }
        try handle.close()
        try await eventually(timeout: .seconds(30), daemon.logText) {
            try await daemon.gallery("galerie")?.items.compactMap(\.caption).sorted() == ["Langsam", "Langsam"]
        }
        #expect(!daemon.logText.contains("quarantined"))
        #expect(try await env.catalog.quarantined().isEmpty)
    }

    @Test("a file renamed twice in a second ends up once, under its last name")
    func renamedTwice() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/a.jpg", small(1))
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually { try await daemon.gallery("galerie")?.items.count == 1 }
        let folder = env.media.appendingPathComponent("Galerie")
        try FileManager.default.moveItem(
            at: folder.appendingPathComponent("a.jpg"), to: folder.appendingPathComponent("b.jpg"))
        try FileManager.default.moveItem(
            at: folder.appendingPathComponent("b.jpg"), to: folder.appendingPathComponent("c.jpg"))
        try await eventually(timeout: .seconds(20)) {
            let final = try await env.catalog.asset(atPath: "Galerie/c.jpg")
            let first = try await env.catalog.asset(atPath: "Galerie/a.jpg")
            let second = try await env.catalog.asset(atPath: "Galerie/b.jpg")
            return final != nil && first == nil && second == nil
        }
        try await eventually { try await env.catalog.depth() == 0 }
        #expect(try await daemon.gallery("galerie")?.items.count == 1)
    }

    @Test("a folder of 200 images moved in is published completely, each image once")
    func folderMovedIn() async throws {
        let env = try TestEnvironment()
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        let staging = env.root.appendingPathComponent("Eingang")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for index in 0..<200 {
            try Data(small(index)).write(to: staging.appendingPathComponent(String(format: "bild-%03d.jpg", index)))
        }
        try FileManager.default.moveItem(at: staging, to: env.media.appendingPathComponent("Eingang"))
        try await eventually(timeout: .seconds(180), daemon.logText) {
            try await daemon.gallery("eingang")?.items.count == 200
        }
        let items = try #require(try await daemon.gallery("eingang")?.items)
        #expect(Set(items.map(\.id)).count == 200)
        #expect(Set(items.compactMap(\.caption)).count == 200)
    }

    @Test("a folder deleted while its images are processed leaves nothing behind")
    func folderDeletedWhileProcessing() async throws {
        let env = try TestEnvironment()
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        for index in 0..<40 { try env.write("Weg/bild-\(index).jpg", small(index)) }
        try await eventually { try await daemon.gallery("weg")?.items.isEmpty == false }
        try env.remove("Weg")
        try await eventually(timeout: .seconds(60)) {
            let gone = try await daemon.gallery("weg") == nil
            let queued = try await env.catalog.depth()
            return gone && queued == 0
        }
        #expect(try await env.catalog.assetPaths(under: "Weg").isEmpty)
        #expect(try await env.catalog.galleries().isEmpty)
    }

    @Test("the same file dropped into two galleries is published in both")
    func sameFileTwice() async throws {
        let env = try TestEnvironment()
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        let bytes = photo(caption: Array("Zweimal".utf8))
        try env.write("Eins/bild.jpg", bytes)
        try env.write("Zwei/bild.jpg", bytes)
        try await eventually(timeout: .seconds(20)) {
            let one = try await daemon.gallery("eins")?.items.count
            let two = try await daemon.gallery("zwei")?.items.count
            return one == 1 && two == 1
        }
        let one = try #require(try await daemon.gallery("eins")?.items.first)
        let two = try #require(try await daemon.gallery("zwei")?.items.first)
        #expect(one.renditions.map(\.url) == two.renditions.map(\.url))
    }

    @Test("editing the sidecar updates captions and title without new renditions")
    func sidecarEdit() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", photo(caption: Array("Aus der Datei".utf8)))
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually { try await daemon.gallery("galerie")?.items.first?.caption == "Aus der Datei" }
        let before = try #require(try await daemon.gallery("galerie")?.items.first?.renditions.map(\.url))
        try env.write(
            "Galerie/gallery.yaml",
            Array("title: Neuer Titel\nitems:\n  bild.jpg:\n    caption: Aus dem Sidecar\n".utf8))
        try await eventually(timeout: .seconds(20)) {
            let document = try await daemon.gallery("galerie")
            return document?.title == "Neuer Titel" && document?.items.first?.caption == "Aus dem Sidecar"
        }
        #expect(try await daemon.gallery("galerie")?.items.first?.renditions.map(\.url) == before)
    }

    @Test("a missing media folder stops start-up with a clear error")
    func missingMediaRoot() async throws {
        let env = try TestEnvironment()
        try FileManager.default.removeItem(at: env.media)
        let daemon = try Daemon(env)
        let status = await daemon.waitForExit(timeout: .seconds(30))
        #expect(status != nil && status != 0)
        #expect(daemon.logText.contains("does not exist"))
    }

    @Test("when the media folder disappears, readiness drops; when it is back, the daemon recovers")
    func mediaRootDisappears() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", small(1))
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        let parked = env.root.appendingPathComponent("parked")
        try FileManager.default.moveItem(at: env.media, to: parked)
        try await eventually(timeout: .seconds(20)) { try await daemon.get("/readyz").status == .serviceUnavailable }
        #expect(try await daemon.get("/healthz").status == .ok)
        try FileManager.default.moveItem(at: parked, to: env.media)
        try await eventually(timeout: .seconds(20)) { try await daemon.get("/readyz").status == .ok }
        try env.write("Galerie/neu.jpg", small(2))
        try await eventually(timeout: .seconds(20)) { try await daemon.gallery("galerie")?.items.count == 2 }
    }

    @Test("SIGTERM stops the daemon cleanly within 10 s, exit status 0")
    func gracefulStop() async throws {
        let env = try TestEnvironment()
        for index in 0..<10 {
            try env.write(
                "Galerie/bild-\(index).jpg", photo(caption: Array("\(index)".utf8), width: 1600, height: 1200))
        }
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: .seconds(10))
        #expect(status == 0, "\(daemon.logText)")
        #expect(try await env.catalog.integrityCheck() == "ok")
    }

    @Test("/metrics reports ingest counters, queue depth and HTTP requests in Prometheus format")
    func metrics() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", small(1))
        try env.write("Galerie/kaputt.jpg", Array("kein Bild".utf8))
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        try await eventually { try await daemon.gallery("galerie")?.items.count == 1 }
        try await eventually {
            let text = String(buffer: try await daemon.get("/metrics").body)
            return text.contains("galleryd_files_ingested_total 1")
                && text.contains("galleryd_files_quarantined_total 1")
        }
        let answer = try await daemon.get("/metrics")
        #expect(answer.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
        let text = String(buffer: answer.body)
        for name in [
            "galleryd_queue_depth", "galleryd_job_duration_seconds_bucket", "galleryd_renditions_written_total",
            "galleryd_vips_tracked_bytes", "hb_requests{",
        ] {
            #expect(text.contains(name), "\(name) missing")
        }
    }

    @Test("systemd hears READY=1 once serving and STOPPING=1 on shutdown")
    func systemdNotify() async throws {
        let env = try TestEnvironment()
        let socketPath = env.root.appendingPathComponent("notify.sock").path
        let listener = try NotifyListener(path: socketPath)
        let daemon = try Daemon(env, extraEnvironment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "2000000"])
        try await eventually(timeout: .seconds(60), daemon.logText) { listener.messages.contains("READY=1") }
        #expect(try await daemon.get("/readyz").status == .ok)
        try await eventually(timeout: .seconds(5)) { listener.messages.contains("WATCHDOG=1") }
        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit(timeout: .seconds(10))
        #expect(listener.messages.contains("STOPPING=1"))
    }

    @Test(
        "the systemd units pass systemd-analyze verify: one machine's, the web and worker instances of several machines', and the daily backup's service and timer",
        arguments: [
            ("galleryd.service", "galleryd.service"), ("galleryd@.service", "galleryd@web.service"),
            ("galleryd@.service", "galleryd@worker.service"),
            ("galleryd-backup.service", "galleryd-backup.service"), ("galleryd-backup.timer", "galleryd-backup.timer"),
        ])
    func unitVerifies(_ file: String, _ instance: String) async throws {
        let analyze = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is not installed")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var unit = try String(contentsOf: root.appendingPathComponent("systemd/\(file)"), encoding: .utf8)
        #expect(
            (unit.contains("Type=notify") || file.hasSuffix(".timer") || file.contains("backup"))
                && (unit.contains("ProtectSystem=strict") || file.hasSuffix(".timer"))
        )
        // verify checks that ExecStart exists: point it at the binary under test.
        unit = unit.replacing("/usr/local/bin/galleryd", with: GallerydProcess.binary.path)
        let env = try TestEnvironment()
        let copy = env.root.appendingPathComponent(instance)
        try unit.write(to: copy, atomically: true, encoding: .utf8)
        if file.hasSuffix(".timer") {  // verify reads the service it starts, beside it
            let service = file.replacing(".timer", with: ".service")
            try String(contentsOf: root.appendingPathComponent("systemd/\(service)"), encoding: .utf8)
                .replacing("/usr/local/bin/galleryd", with: GallerydProcess.binary.path)
                .write(to: env.root.appendingPathComponent(service), atomically: true, encoding: .utf8)
        }
        let result = try await ChildProcess.run(URL(fileURLWithPath: analyze), ["verify", copy.path])
        #expect(result.status == 0, "\(result.output)\(result.error)")
    }
}

/// A Unix datagram socket standing in for systemd's notification socket.
final class NotifyListener: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var thread: Thread?

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [weak self] in self?.receive() }
        self.thread = thread
        thread.start()
    }

    deinit { close(descriptor) }

    var messages: [String] { lock.withLock { received } }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                lock.withLock { received.append(contentsOf: text.split(separator: "\n").map(String.init)) }
            } else if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                return
            }
        }
    }
}
