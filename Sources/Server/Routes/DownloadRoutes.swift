import Catalog
import Foundation
import GalleryCore
import Hummingbird

/// `GET /downloads/<sha256>/<key>/<width>/<file name>`: a print-quality download, saved
/// under the name the URL ends with (`Content-Disposition: attachment`, RFC 6266, with
/// `filename*` in UTF-8 per RFC 8187). Immutable like a rendition; several megabytes, so
/// streamed from disk rather than kept in memory.
struct DownloadRoutes {
    let renditionsRoot: String
    let access: FileAccessCache
    static let cacheControl = "public, max-age=31536000, immutable"

    func register(on router: Router<GalleryRequestContext>) {
        let resolvedRoot = RenditionRoutes.resolve(renditionsRoot) ?? renditionsRoot
        router.get("/downloads/**") { request, context -> Response in
            let urlPath = context.parameters.getCatchAll().joined(separator: "/")
            guard let (relative, fileName) = DownloadName.resolve(urlPath: urlPath),
                let resolved = RenditionRoutes.resolve(renditionsRoot + "/" + relative),
                resolved.hasPrefix(resolvedRoot + "/"),
                let size = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.size] as? Int
            else {
                throw ProblemDetails(.notFound, detail: "no download at this address")
            }
            let keys = try FileAccess.require(
                try await access.access(sourceHash: RenditionLayout.sourceHash(ofURLPath: urlPath)),
                "download")
            // The bytes are named by the first three parts; the name only changes the header.
            let etag = "\"" + urlPath.split(separator: "/").prefix(3).joined(separator: "-") + "\""
            if EntityTag.matches(request.headers[.ifNoneMatch], etag) {
                return EntityTag.notModified(etag: etag, cacheControl: Self.cacheControl)
            }
            var headers: HTTPFields = [
                SharedCachePolicy.keysField: keys.joined(separator: " "),
                .contentType: OutputFormat.jpeg.mime, .eTag: etag, .cacheControl: Self.cacheControl,
                .acceptRanges: "bytes", .init("X-Content-Type-Options")!: "nosniff",
                .contentDisposition: Self.contentDisposition(fileName: fileName),
            ]
            var status = HTTPResponse.Status.ok
            var part = 0..<size
            if let range = try ByteRange.requested(request, size: size, etag: etag) {
                status = .partialContent
                part = range.lowerBound..<range.upperBound + 1
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            }
            headers[.contentLength] = String(part.count)
            // Streamed with the connection's pace (``FileChunkReader``), not Hummingbird's
            // `FileIO`, whose chunks queue up per connection while the event loops are busy.
            let eventLoop = context.eventLoop
            let body = ResponseBody(contentLength: part.count) { [part] writer in
                try await FileChunkReader.send(resolved, part, eventLoop: eventLoop, to: &writer)
                try await writer.finish(nil)
            }
            return Response(status: status, headers: headers, body: body)
        }
    }

    /// `attachment; filename="ascii.jpg"; filename*=UTF-8''percent-encoded.jpg`. The name
    /// is already sanitised (letters, digits, `-`, `_`, `.`), so no quote or control
    /// character can reach the header.
    static func contentDisposition(fileName: String) -> String {
        // RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
        let attrChar = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: attrChar) ?? "download.jpg"
        return "attachment; filename=\"\(DownloadName.asciiFallback(fileName))\"; filename*=UTF-8''\(encoded)"
    }
}
