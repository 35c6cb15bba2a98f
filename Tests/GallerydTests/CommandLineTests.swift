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

    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}

@Suite("The galleryd command line")
struct CommandLineTests {
    @Test("ingest prints a summary with quarantine reasons and exits 0; a second run finds nothing to do")
    func ingestSummary() throws {
        let env = try TestEnvironment()
        try env.write("Galerie/gut.jpg", photo(caption: Array("Gut".utf8)))
        try env.write("Galerie/leer.jpg", [])
        let first = try GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("ingested: 1, unchanged: 0, quarantined: 1, removed: 0"))
        #expect(first.output.contains("Galerie/leer.jpg: the file is empty (0 bytes) [empty-file]"))
        let second = try GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", env.data.path], in: env.root)
        #expect(second.status == 0)
        #expect(second.output.contains("ingested: 0, unchanged: 1, quarantined: 1, removed: 0"))
    }

    @Test("a missing media folder is a clear error and a non-zero exit")
    func missingMedia() throws {
        let env = try TestEnvironment()
        let result = try GallerydProcess.run(
            ["ingest", "--media", env.root.appendingPathComponent("nirgends").path, "--data", env.data.path],
            in: env.root)
        #expect(result.status != 0)
        #expect(result.error.contains("does not exist"))
    }

    @Test("an unreadable config file is a clear error and a non-zero exit")
    func badConfig() throws {
        let env = try TestEnvironment()
        let config = env.root.appendingPathComponent("broken.yaml")
        try Data("http: [unclosed".utf8).write(to: config)
        let result = try GallerydProcess.run(
            ["ingest", "--config", config.path, "--media", env.media.path], in: env.root)
        #expect(result.status != 0)
        #expect(result.error.contains("broken.yaml"))
        let missing = try GallerydProcess.run(["ingest", "--config", "/nonexistent/galleryd.yaml"], in: env.root)
        #expect(missing.status != 0)
        #expect(missing.error.contains("cannot be read"))
    }

    @Test("environment variables override the config file, flags override both")
    func precedence() throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", photo())
        let config = env.root.appendingPathComponent("galleryd.yaml")
        try Data("media: /nonexistent\ndata: \(env.data.path)\n".utf8).write(to: config)
        let process = try GallerydProcess.run(
            ["ingest", "--config", config.path, "--media", env.media.path], in: env.root)
        #expect(process.status == 0, "\(process.error)")
        #expect(process.output.contains("ingested: 1"))
    }
}
