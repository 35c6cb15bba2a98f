import AsyncHTTPClient
import Crypto
public import Foundation
public import GalleryCore
import Imaging
import NIOCore
import NIOHTTP1
public import NIOPosix

/// Fetches an embed's preview image once, at publish time — never when a visitor
/// arrives: the service's oEmbed answer, then its thumbnail, re-encoded without metadata
/// and stored (``RenditionStorage/writePreview(_:named:)``).
///
/// Only hosts on the service's `previewHosts` list are ever contacted (redirects
/// included, checked hop by hop), with short timeouts and size limits, and without any
/// visitor's headers or cookies.
public final class PreviewFetcher: Sendable {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// One client for the process (it lives as long as the process, so it needs no
    /// shutdown): redirects are followed by hand, each target checked against the list.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(5))
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    var client: HTTPClient { Self.client }
    let storage: any RenditionStorage
    static let maximumOEmbedBytes = 256 * 1024
    static let maximumImageBytes = 8 * 1024 * 1024
    static let maximumRedirects = 3

    public init(storage: any RenditionStorage) {
        self.storage = storage
    }

    /// The stored preview (file name, width, height) for an embed URL of `service`.
    /// The preview is decoded and re-encoded on `pool` (libvips blocks).
    public func fetch(embedURL: String, service: ConsentService, on pool: NIOThreadPool) async -> Result<
        (String, Int, Int), Failure
    > {
        do {
            guard let template = service.oembed else {
                throw Failure(description: "\(service.name) offers no preview without an account; upload one")
            }
            let encoded = embedURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let oembedURL = template.replacing("{url}", with: encoded)
            let answer = try await get(oembedURL, allowed: service.previewHosts, limit: Self.maximumOEmbedBytes)
            guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
                throw Failure(description: "the oEmbed answer is not JSON")
            }
            guard let thumbnail = object["thumbnail_url"] as? String else {
                throw Failure(description: "the oEmbed answer names no thumbnail")
            }
            let image = try await get(thumbnail, allowed: service.previewHosts, limit: Self.maximumImageBytes)
            return .success(try await pool.runIfActive { try self.store(image) })
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "preview could not be fetched: \(error)"))
        }
    }

    /// Stores an admin's uploaded preview the same way.
    public func store(uploaded bytes: Data, on pool: NIOThreadPool) async -> Result<(String, Int, Int), Failure> {
        do {
            return .success(try await pool.runIfActive { try self.store(bytes) })
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }

    private func store(_ bytes: Data) throws -> (String, Int, Int) {
        let preview: PreviewRenderer.Preview
        do {
            preview = try PreviewRenderer().render(bytes)
        } catch let reason as QuarantineReason {
            throw Failure(description: "the preview is not a usable image: \(reason.message)")
        }
        let name = SHA256.hash(data: preview.jpeg).hexString + ".jpg"
        try storage.writePreview(preview.jpeg, named: name)
        return (name, preview.width, preview.height)
    }

    /// GET with the allowlist applied to the URL and to every redirect target.
    private func get(_ address: String, allowed: [String], limit: Int) async throws -> Data {
        var current = address
        for _ in 0...Self.maximumRedirects {
            guard let url = URL(string: current), Self.isAllowed(url, hosts: allowed) else {
                throw Failure(description: "\(Self.describe(current)) is not on the service's list of preview hosts")
            }
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers = ["User-Agent": "galleryd-preview/1", "Accept": "application/json, image/*"]
            let response = try await client.execute(request, timeout: .seconds(10))
            switch response.status.code {
            case 200:
                do {
                    return Data(buffer: try await response.body.collect(upTo: limit))
                } catch {
                    throw Failure(description: "\(Self.describe(current)) answered with more than \(limit) bytes")
                }
            case 301, 302, 303, 307, 308:
                guard let location = response.headers.first(name: "location"),
                    let next = URL(string: location, relativeTo: url)?.absoluteURL
                else { throw Failure(description: "a redirect without a target") }
                current = next.absoluteString
            default:
                throw Failure(description: "\(Self.describe(current)) answered \(response.status.code)")
            }
        }
        throw Failure(description: "too many redirects")
    }

    /// `host` entries allow https on that host; `scheme://host:port` entries allow exactly
    /// that origin (used for loopback test doubles).
    static func isAllowed(_ url: URL, hosts: [String]) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), url.user == nil else {
            return false
        }
        let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        return hosts.contains { entry in
            let entry = entry.lowercased()
            if entry.contains("://") { return entry == origin }
            return scheme == "https" && url.port == nil && entry == host
        }
    }

    static func describe(_ address: String) -> String {
        guard let url = URL(string: address), let host = url.host else { return "the address" }
        return "host \(host)"
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}
