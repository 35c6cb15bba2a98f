import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import NIOCore
import Testing

@testable import galleryd

/// Runs the real `galleryd` binary, as an operator would.
struct GallerydProcess {
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["GALLERYD_BINARY"] { return URL(fileURLWithPath: path) }
        // The test bundle and the executable are built into the same folder.
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleFolder, bundleFolder.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("galleryd")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/galleryd")
    }

    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String]? = nil
    ) async throws -> ChildProcessResult {
        try await ChildProcess.run(binary, arguments, environment: environment, in: directory)
    }
}

@Suite("The galleryd command line", .timeLimit(.minutes(5)))
struct CommandLineTests {
    @Test("ingest prints a summary with quarantine reasons and exits 0; a second run finds nothing to do")
    func ingestSummary() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/gut.jpg", photo(caption: Array("Gut".utf8)))
        try env.write("Galerie/leer.jpg", [])
        let first = try await GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("ingested: 1, unchanged: 0, quarantined: 1, removed: 0"))
        #expect(first.output.contains("Galerie/leer.jpg: the file is empty (0 bytes) [empty-file]"))
        let second = try await GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
        #expect(second.status == 0)
        #expect(second.output.contains("ingested: 0, unchanged: 1, quarantined: 1, removed: 0"))
    }

    @Test(
        "a restart does not parse a sidecar again that is as it was synced (size, mtime and the gallery's revision, kept in the catalog); an edited one is read"
    )
    func unchangedSidecarsAreNotParsedAgain() async throws {
        let env = try TestEnvironment()
        try env.write("Termine/bild.jpg", photo(caption: Array("Bild".utf8)))
        let sidecar = try env.write("Termine/gallery.yaml", Array("title: Erster Titel\n".utf8))
        func ingest() async throws {
            let result = try await GallerydProcess.run(
                ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
            #expect(result.status == 0, "\(result.error)")
        }
        func title() async throws -> String? { try await env.catalog.gallery(slug: "termine")?.document.title }
        try await ingest()
        #expect(try await title() == "Erster Titel")
        // The photo's arrival moved the gallery's revision after the sync: synced once more,
        // then kept as it is.
        try await ingest()

        // Other words of the same length, the mtime put back: to a restart the file is as it
        // was synced, so it is not parsed again (what shows that the stamp is kept).
        var info = stat()
        #expect(stat(sidecar.path, &info) == 0)
        try Data("title: Zweiter Titl\n".utf8).write(to: sidecar)
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, sidecar.path, &times, 0) == 0)
        try await ingest()
        #expect(try await title() == "Erster Titel")

        // Edited as anyone edits it: a new mtime, read at the next start.
        try Data("title: Zweiter Titel\n".utf8).write(to: sidecar)
        try await ingest()
        #expect(try await title() == "Zweiter Titel")
    }

    @Test("on a terminal ingest shows one progress line (done/total, rate, time left); piped, plain lines")
    func progressLine() async throws {
        let env = try TestEnvironment()
        for index in 0..<4 { try env.write("Galerie/bild-\(index).jpg", photo(caption: Array("\(index)".utf8))) }
        // A pseudo-terminal for standard output and error, as an operator's shell gives
        // (Python's pty module; its output is what the terminal showed).
        let harness = """
            import os, pty, subprocess, sys
            master, slave = pty.openpty()
            child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
            os.close(slave)
            shown = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                shown += chunk
            sys.stdout.buffer.write(shown)
            sys.exit(child.wait())
            """
        let terminal = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c", harness, GallerydProcess.binary.path, "ingest", "--media", env.media.path, "--data",
                env.data.path,
            ], in: env.root)
        #expect(terminal.status == 0, "\(terminal.output)")
        #expect(terminal.output.contains("scanning the media folder"), "\(terminal.output)")
        #expect(terminal.output.contains("4/4 files"), "\(terminal.output)")
        #expect(!terminal.output.contains("ingested Galerie/"), "no per-file lines on a terminal")
        #expect(terminal.output.contains("ingested: 4, unchanged: 0"))
        try env.write("Galerie/bild-9.jpg", photo(caption: Array("9".utf8)))
        let piped = try await GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
        #expect(piped.output.contains("ingested Galerie/bild-9.jpg"))
        #expect(!piped.error.contains("files ·") && !piped.error.contains("scanning"), "\(piped.error)")
        // The line itself, for 120 of 400 files after 12 s.
        #expect(
            ProgressLine.line(done: 120, total: 400, elapsed: .seconds(12), unit: "files")
                == "█████████░░░░░░░░░░░░░░░░░░░░░ 120/400 files · 10/s · 0:28 left")
    }

    @Test("a missing media folder is a clear error and a non-zero exit")
    func missingMedia() async throws {
        let env = try TestEnvironment()
        let result = try await GallerydProcess.run(
            ["ingest", "--media", env.root.appendingPathComponent("nirgends").path, "--data", env.data.path],
            in: env.root)
        #expect(result.status != 0)
        #expect(result.error.contains("does not exist"))
    }

    @Test("an unreadable config file is a clear error and a non-zero exit")
    func badConfig() async throws {
        let env = try TestEnvironment()
        let config = env.root.appendingPathComponent("broken.yaml")
        try Data("http: [unclosed".utf8).write(to: config)
        let result = try await GallerydProcess.run(
            ["ingest", "--config", config.path, "--media", env.media.path], in: env.root)
        #expect(result.status != 0)
        #expect(result.error.contains("broken.yaml"))
        let missing = try await GallerydProcess.run(["ingest", "--config", "/nonexistent/galleryd.yaml"], in: env.root)
        #expect(missing.status != 0)
        #expect(missing.error.contains("cannot be read"))
    }

    @Test("trusted proxies: a list with spaces or none at all is fine; a bad entry stops start-up with a clear error")
    func badTrustedProxy() async throws {
        let env = try TestEnvironment()
        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_HTTP_TRUSTED_PROXIES"] = "127.0.0.1,10.0.0.0/99"
        let result = try await GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root, environment: environment)
        #expect(result.status != 0)
        #expect(result.error.contains("http.trustedProxies: 10.0.0.0/99 is not an address or network"))
        for accepted in ["", "127.0.0.1, ::1, 10.0.0.0/8"] {
            environment["GALLERYD_HTTP_TRUSTED_PROXIES"] = accepted
            let valid = try await GallerydProcess.run(
                ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root, environment: environment)
            #expect(valid.status == 0, "\(accepted): \(valid.error)")
        }
    }

    @Test("a purge URL that is no http(s) address, or a tag header that is no field name, stops start-up")
    func badCacheSettings() async throws {
        let env = try TestEnvironment()
        for (yaml, message) in [
            ("cache:\n  purgeURLs: [\"ftp://varnish/\"]\n", "cache.purgeURLs: ftp://varnish/ is not an http(s) URL"),
            ("cache:\n  tagHeader: \"x key\"\n", "cache.tagHeader: x key is not a header field name"),
        ] {
            let config = env.root.appendingPathComponent("cache.yaml")
            try Data(yaml.utf8).write(to: config)
            let result = try await GallerydProcess.run(
                ["ingest", "--config", config.path, "--media", env.media.path, "--data", env.data.path], in: env.root)
            #expect(result.status != 0)
            #expect(result.error.contains(message), "\(result.error)")
        }
    }

    @Test("environment variables override the config file, flags override both")
    func precedence() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", photo())
        let config = env.root.appendingPathComponent("galleryd.yaml")
        try Data("media: /nonexistent/config-media\ndata: /nonexistent/config-data\n".utf8).write(to: config)
        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_DATA"] = env.data.path
        environment["GALLERYD_MEDIA"] = "/nonexistent/environment-media"
        let result = try await GallerydProcess.run(
            ["ingest", "--config", config.path, "--media", env.media.path], in: env.root, environment: environment)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("ingested: 1"))
        // The data folder came from the environment, the media folder from the flag.
        #expect(FileManager.default.fileExists(atPath: env.data.appendingPathComponent("catalog.sqlite").path))
    }

    @Test(
        "a number the configuration cannot use (NaN, infinity, too large, out of range) stops start-up naming the key"
    )
    func unusableNumbers() async throws {
        let env = try TestEnvironment()
        let cases: [(String, String)] = [
            ("GALLERYD_WATCH_SETTLE_SECONDS", "nan"), ("GALLERYD_WATCH_SETTLE_SECONDS", "inf"),
            ("GALLERYD_WATCH_SETTLE_SECONDS", "1e300"), ("GALLERYD_COLLECT_GRACE_HOURS", "1e16"),
            ("GALLERYD_CONSENT_RETENTION_DAYS", "9223372036854775807"),
            ("GALLERYD_RENDITIONS_JPEG_QUALITY", "4294967296"),
            ("GALLERYD_INGEST_WORKERS", "100000000"), ("GALLERYD_WATCH_RESCAN_SECONDS", "9223372036854775807"),
            ("GALLERYD_WATCH_POLL_SECONDS", "9223372036854775807"), ("GALLERYD_HTTP_IDLE_TIMEOUT_SECONDS", "0"),
            ("GALLERYD_HTTP_MAX_CONNECTIONS", "-1"), ("GALLERYD_RENDITIONS_CAROUSEL_WIDTHS", "640,0"),
        ]
        let key: (String) -> String = { variable in
            // GALLERYD_WATCH_SETTLE_SECONDS → the key's last part, as the message names it.
            variable.split(separator: "_").dropFirst(2).enumerated()
                .map { $0.offset == 0 ? $0.element.lowercased() : $0.element.capitalized }.joined()
        }
        for (variable, value) in cases {
            var environment = ProcessInfo.processInfo.environment
            environment[variable] = value
            let result = try await GallerydProcess.run(
                ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root, environment: environment)
            #expect(result.status == 1, "\(variable)=\(value): \(result.error)")
            #expect(result.error.contains(key(variable)), "\(variable)=\(value): \(result.error)")
            #expect(!result.error.contains("Fatal error"), "\(variable)=\(value) trapped")
        }
    }

    @Test(
        "relative paths in a config file are taken from its folder; a configured services file that cannot be read stops start-up"
    )
    func configRelativePaths() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", photo())
        let folder = env.root.appendingPathComponent("etc/galleryd")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("galleryd.yaml")
        // JSON is YAML: the fixture services, under a policy version of their own.
        let services = try JSONEncoder().encode(ConsentFixtures.settings(policyVersion: "7"))
        try services.write(to: folder.appendingPathComponent("consent.yaml"))
        try Data("media: ../../media\ndata: ../../data\nconsent:\n  servicesFile: consent.yaml\n".utf8).write(
            to: config)
        // Started from another folder: the paths still resolve beside the config file.
        let elsewhere = env.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let daemon = try Daemon(env, arguments: ["--config", config.path])
        try await daemon.waitUntilReady()
        let offered = try await daemon.get("/api/v1/consent/services")
        #expect(String(buffer: offered.body).contains("\"policyVersion\":\"7\""))
        let result = try await GallerydProcess.run(["ingest", "--config", config.path], in: elsewhere)
        #expect(result.status == 0, "\(result.error)")
        #expect(FileManager.default.fileExists(atPath: env.data.appendingPathComponent("catalog.sqlite").path))
        // A configured services file that is missing is an error naming it, not "no services".
        try Data("media: ../../media\ndata: ../../data\nconsent:\n  servicesFile: gone.yaml\n".utf8).write(to: config)
        let missing = try await GallerydProcess.run(["ingest", "--config", config.path], in: elsewhere)
        #expect(missing.status == 1)
        #expect(missing.error.contains(folder.appendingPathComponent("gone.yaml").path), "\(missing.error)")
    }

    @Test("running out of file descriptors fails a photo for a retry and never quarantines it")
    func descriptorsExhausted() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", photo())
        // From a limit too low to open the catalog up to one that suffices: whatever fails,
        // nothing is ever quarantined for it.
        var sawTransientFailure = false
        var outcomes: [String] = []
        for limit in 8...40 {
            let result = try await ChildProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                [
                    "-c", "ulimit -n \(limit) && exec \"$0\" ingest --media \"$1\" --data \"$2\"",
                    GallerydProcess.binary.path,
                    env.media.path, env.data.path,
                ], in: env.root)
            #expect(!result.output.contains("quarantined: 1"), "limit \(limit): \(result.output)")
            outcomes.append("\(limit): \(result.status) \(result.output.suffix(200)) \(result.error.suffix(200))")
            if result.output.contains("failed: 1") && result.output.contains("Too many open files") {
                sawTransientFailure = true
            }
            if result.output.contains("ingested: 1") { break }
        }
        #expect(sawTransientFailure, "no limit produced a transient failure: \(outcomes.joined(separator: "\n"))")
        let normal = try await GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
        #expect(normal.output.contains("ingested: 0, unchanged: 1") || normal.output.contains("ingested: 1"))
        #expect(normal.output.contains("quarantined: 0"), "\(normal.output)")
    }
}
