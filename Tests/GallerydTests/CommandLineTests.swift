import Foundation
import GalleryFixtures
import Testing

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
}
