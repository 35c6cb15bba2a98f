import Crypto
import Foundation
import GalleryCore
import Hummingbird

/// The portal's static files (Public/portal/ in the Server bundle), read once at start-up
/// and served from memory with their type, a strong ETag and revalidation on each use.
struct PortalAssets: Sendable {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        let etag: String
    }

    /// The files change with the build, so browsers revalidate (cheap: 304 by ETag).
    static let cacheControl = "no-cache"

    let files: [String: Asset]

    init(
        directory: URL? = Bundle.module.url(forResource: "Public", withExtension: nil)?.appendingPathComponent("portal")
    ) {
        var files: [String: Asset] = [:]
        let names = directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0.path) } ?? []
        for name in names {
            guard let directory, let type = Self.contentType(of: name),
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            let etag = "\"" + String(SHA256.hash(data: data).hexString.prefix(32)) + "\""
            files[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: type, etag: etag)
        }
        self.files = files
    }

    /// Only the file types the portal ships; anything else is not served.
    static func contentType(of name: String) -> String? {
        switch name.split(separator: ".").last {
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "woff2": "font/woff2"
        default: nil
        }
    }

    func response(for name: String, request: Request) -> Response? {
        guard let asset = files[name] else { return nil }
        var headers: HTTPFields = [
            .contentType: asset.contentType, .eTag: asset.etag, .cacheControl: Self.cacheControl,
            .xContentTypeOptions: "nosniff", .crossOriginResourcePolicy: "same-origin",
        ]
        if EntityTag.matches(request.headers[.ifNoneMatch], asset.etag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}

/// Header names HTTPTypes does not predefine; kept here so that they cannot clash with
/// names other parts of the server may add.
enum PortalHeader {
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPFields.Element.Name("Cross-Origin-Opener-Policy")!
    static let permissionsPolicy = HTTPFields.Element.Name("Permissions-Policy")!
}
