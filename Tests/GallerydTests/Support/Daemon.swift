import AsyncHTTPClient
import Foundation
import GalleryCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// A real `galleryd serve` process on a free loopback port, on a test's folders.
final class Daemon: @unchecked Sendable {
    let process = Process()
    let port: Int
    let log: URL
    let environment: TestEnvironment

    /// `data`: the node's own data folder (default: the environment's).
    init(
        _ environment: TestEnvironment, data: URL? = nil, extraEnvironment: [String: String] = [:],
        arguments: [String] = []
    ) throws {
        self.environment = environment
        port = try Self.freePort()
        log = environment.root.appendingPathComponent("serve-\(port).log")
        try Data().write(to: log)
        process.executableURL = GallerydProcess.binary
        process.arguments =
            [
                "serve", "--media", environment.media.path, "--data", (data ?? environment.data).path, "--port",
                String(port),
            ]
            + arguments
        var variables = ProcessInfo.processInfo.environment
        variables["GALLERYD_WATCH_SETTLE_SECONDS"] = "0.5"
        variables["GALLERYD_RENDITIONS_CAROUSEL_WIDTHS"] = "320,640"
        variables["GALLERYD_RENDITIONS_THUMBNAIL_WIDTH"] = "160"
        variables["GALLERYD_LOG_LEVEL"] = "debug"
        variables["GALLERYD_SITE_PUBLIC_URL"] = "http://127.0.0.1:\(port)"
        for (key, value) in extraEnvironment { variables[key] = value }
        process.environment = variables
        process.currentDirectoryURL = environment.root
        let handle = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try ChildProcess.spawn(process)
        try handle.close()
    }

    /// Kills the process without waiting for it (see `ChildProcess`); Foundation reaps it.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until `/readyz` answers 200.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        try await eventually(timeout: timeout, "galleryd did not become ready:\n\(logText)") {
            (try? await self.get("/readyz").status) == .ok
        }
    }

    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: response.status, headers: response.headers, body: body)
    }

    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let received = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: response.status, headers: response.headers, body: received)
    }

    /// The published gallery, or `nil` while there is none.
    func gallery(_ slug: String) async throws -> GalleryDocument? {
        let answer = try await get("/api/v1/galleries/\(slug)")
        guard answer.status == .ok else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(GalleryDocument.self, from: answer.body)
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; its exit status, or `nil` on timeout.
    func waitForExit(timeout: Duration) async -> Int32? {
        await ChildProcess.hasEnded(process, within: timeout) ? process.terminationStatus : nil
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` until it holds; fails with `message` after `timeout`.
func eventually(
    timeout: Duration = .seconds(30), _ message: @autoclosure () -> String = "condition never held",
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TimeoutError(description: message())
}
