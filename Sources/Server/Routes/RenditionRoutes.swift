import Catalog
import Foundation
import GalleryCore
import Hummingbird

#if canImport(Glibc)
    import Glibc
#endif

/// `GET /renditions/<sha256>/<key>/<role>-<width>.<ext>`: rendition files, immutable.
///
/// Only paths of exactly the shape galleryd writes are looked up at all (hex hash, hex
/// key, known role and format), so `..`, encoded slashes and other names never reach the
/// file system; the resolved path must also lie inside the renditions folder, which rules
/// out symlinks. Originals are never served: they are not under the data folder.
struct RenditionRoutes {
    let renditionsRoot: String
    let files: ImmutableFileCache
    /// Whether the photo it was made from is public now (nil: the admin's route, unchecked).
    let access: FileAccessCache?
    static let cacheControl = "public, max-age=31536000, immutable"

    func register(on router: some RouterMethods<GalleryRequestContext>, path: RouterPath = "/renditions/**") {
        let resolvedRoot = Self.resolve(renditionsRoot) ?? renditionsRoot
        let cacheControl = access == nil ? "private, no-store" : Self.cacheControl
        router.get(path) { request, context -> Response in
            let urlPath = context.parameters.getCatchAll().joined(separator: "/")
            guard let relative = RenditionLayout.diskPath(forURLPath: urlPath),
                let ext = urlPath.split(separator: ".").last, let format = OutputFormat(fileExtension: String(ext))
            else {
                throw ProblemDetails(.notFound, detail: "no rendition at this address")
            }
            // Before anything else, a 304 included: a withdrawn photo's files are gone for everyone.
            var keys: [String] = []
            if let access {
                let hash = RenditionLayout.sourceHash(ofURLPath: urlPath)
                keys = try FileAccess.require(try await access.access(sourceHash: hash), "rendition")
            }
            // The URL names the bytes for good, so the URL path itself is a strong validator.
            let etag = "\"" + urlPath.replacing("/", with: "-") + "\""
            if EntityTag.matches(request.headers[.ifNoneMatch], etag) {
                var response = EntityTag.notModified(etag: etag, cacheControl: cacheControl)
                response.setCacheKeys(keys)
                return response
            }
            // The resolved path must stay inside the folder (no planted symlink), checked
            // whenever the file is read from disk.
            let bytes = await files.bytes(at: renditionsRoot + "/" + relative) { path in
                Self.resolve(path)?.hasPrefix(resolvedRoot + "/") == true
            }
            guard let bytes else { throw ProblemDetails(.notFound, detail: "no rendition at this address") }
            var response = try Self.response(
                bytes, request: request, etag: etag, contentType: format.mime, cacheControl: cacheControl)
            response.setCacheKeys(keys)
            return response
        }
    }

    /// 200 with the file, or 206 with the part a `Range` asks for (416 when it cannot be met).
    static func response(
        _ bytes: ByteBuffer, request: Request, etag: String, contentType: String, cacheControl: String
    ) throws -> Response {
        var headers: HTTPFields = [
            .contentType: contentType, .eTag: etag, .cacheControl: cacheControl, .acceptRanges: "bytes",
            .init("X-Content-Type-Options")!: "nosniff",
        ]
        let size = bytes.readableBytes
        guard let range = try ByteRange.requested(request, size: size, etag: etag),
            let part = bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)
        else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: part))
    }

    static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
