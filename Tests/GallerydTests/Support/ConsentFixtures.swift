import AsyncHTTPClient
import Foundation
import GalleryCore
import GalleryFixtures
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Services as configured in production, plus `probe`: a service whose oEmbed endpoint is
/// the loopback stand-in below (the only way a test may answer for a social network).
enum ConsentFixtures {
    static func service(
        _ id: String, host: String, pattern: String, embed: String, oembed: String? = nil, previewHosts: [String] = [],
        kinds: [EmbedKind] = [.video]
    ) -> ConsentService {
        ConsentService(
            id: id, name: id.capitalized, recipient: "\(id.capitalized) Ltd., Dublin",
            purpose: LocalizedText(de: "Anzeige von Inhalten von \(id)", en: "Showing content from \(id)"),
            storage: LocalizedText(de: "bis zu 2 Jahre", en: "up to 2 years"),
            privacyPolicy: "https://\(host)/privacy", hosts: [host], embed: embed, urlPatterns: [pattern],
            oembed: oembed, previewHosts: previewHosts, kinds: kinds)
    }

    static func settings(providerPort: Int? = nil, policyVersion: String = "2026-11-01", lifetimeDays: Int = 182)
        -> ConsentSettings
    {
        var services = [
            service(
                "youtube", host: "www.youtube-nocookie.com",
                pattern: #"^https://(www\.)?youtube\.com/watch\?v=(?<id>[A-Za-z0-9_-]{11})"#,
                embed: "https://www.youtube-nocookie.com/embed/{id}",
                oembed: providerPort.map { "http://127.0.0.1:\($0)/oembed?url={url}" },
                previewHosts: providerPort.map { ["http://127.0.0.1:\($0)"] } ?? []),
            service(
                "vimeo", host: "player.vimeo.com", pattern: #"^https://vimeo\.com/(?<id>[0-9]{1,12})$"#,
                embed: "https://player.vimeo.com/video/{id}?dnt=1"),
            service(
                "x", host: "platform.twitter.com", pattern: #"^https://x\.com/[A-Za-z0-9_]+/status/(?<id>[0-9]+)$"#,
                embed: "https://platform.twitter.com/embed/Tweet.html?id={id}", kinds: [.post]),
        ]
        if let providerPort {
            services.append(
                service(
                    "probe", host: "probe.example", pattern: #"^https://probe\.example/v/(?<id>[a-z0-9-]+)$"#,
                    embed: "https://probe.example/embed/{id}",
                    oembed: "http://127.0.0.1:\(providerPort)/oembed?url={url}",
                    previewHosts: ["http://127.0.0.1:\(providerPort)"]))
        }
        return ConsentSettings(policyVersion: policyVersion, lifetimeDays: lifetimeDays, services: services)
    }
}

/// A loopback stand-in for a provider's oEmbed endpoint and thumbnail host, with the
/// misbehaviours the fetcher must survive. It records every request it gets.
final class ProviderDouble: @unchecked Sendable {
    let port: Int
    private let lock = NSLock()
    private var seen: [String] = []
    private var task: Task<Void, any Error>?

    var requests: [String] { lock.withLock { seen } }

    init() async throws {
        port = try Daemon.freePort()
        let router = Router()
        let port = self.port
        router.get("/oembed") { [self] request, _ -> Response in
            record(request)
            let target = request.uri.queryParameters.get("url") ?? ""
            let thumbnail: String
            switch true {
            case target.contains("huge"):
                return Response(
                    status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "a"), count: 2_000_000)))
            case target.contains("slow"):
                try await Task.sleep(for: .seconds(20))
                return Response(status: .ok)
            case target.contains("notjson"):
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>nope</html>")))
            case target.contains("notimage"): thumbnail = "http://127.0.0.1:\(port)/thumb.txt"
            case target.contains("offlist"): thumbnail = "http://localhost:\(port)/thumb.jpg"
            case target.contains("redirect"): thumbnail = "http://127.0.0.1:\(port)/redirect"
            default: thumbnail = "http://127.0.0.1:\(port)/thumb.jpg"
            }
            let json = #"{"type":"video","title":"Probe","thumbnail_url":"\#(thumbnail)","thumbnail_width":480}"#
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("/thumb.jpg") { [self] request, _ -> Response in
            record(request)
            var exif = ExifBlock()
            exif.ascii(0x013B, "Provider Photographer")
            exif.gps(latitude: 40.7, longitude: -74.0)
            let jpeg = FixtureJPEG(image: .orientationCard(width: 640, height: 360), exif: exif).bytes
            return Response(
                status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
        router.get("/thumb.txt") { [self] request, _ -> Response in
            record(request)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "not an image")))
        }
        router.get("/redirect") { [self] request, _ -> Response in
            record(request)
            return Response(status: .found, headers: [.location: "http://localhost:\(port)/thumb.jpg"])
        }
        let (running, started) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in started.yield() })
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await _ in running { break }
    }

    func stop() {
        task?.cancel()
    }

    /// Records `host path` (the Host header tells which name the client used).
    private func record(_ request: Request) {
        let host = request.head.authority ?? "?"
        lock.withLock { seen.append("\(host) \(request.uri.description)") }
    }
}

enum HTTPClientProbe {
    static func status(_ url: String) async throws -> UInt {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
        return response.status.code
    }
}

extension HTTPFields {
    /// Both sets of fields; on a clash, the right-hand side's.
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var merged = lhs
        for field in rhs { merged[field.name] = field.value }
        return merged
    }
}
