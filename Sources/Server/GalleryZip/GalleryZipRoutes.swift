import Archive
import Catalog
import Foundation
import GalleryCore
import Hummingbird
import Logging
import NIOCore

/// `GET /downloads/galleries/{slug}.zip`: the published photos of a gallery in one stored
/// ZIP (``GalleryZipPlan``), streamed from the files in constant memory.
///
/// The length is known before the first byte (`Content-Length`), the ETag is strong and
/// changes with any photo, caption or right, and `Range` with `If-Range` resumes an
/// interrupted download (RFC 9110 §14). Only what the gallery JSON lists is in it: an
/// embargoed, withdrawn or erased photo is not, from the moment the JSON drops it.
struct GalleryZipRoutes {
    let cache: GalleryDocumentCache
    let layouts: GalleryZipLayouts

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/downloads/galleries/:file") { request, context -> Response in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".zip"), let gallery = try await cache.gallery(slug: String(file.dropLast(4))),
                let plan = gallery.zip
            else {
                throw ProblemDetails(.notFound, detail: "there is no published gallery with photos at this address")
            }
            var headers: HTTPFields = [
                .contentType: "application/zip", .eTag: plan.etag, .cacheControl: GalleryRoutes.publicCacheControl,
                .acceptRanges: "bytes", .init("X-Content-Type-Options")!: "nosniff",
                .contentDisposition: DownloadRoutes.contentDisposition(fileName: plan.slug + ".zip"),
            ]
            if EntityTag.matches(request.headers[.ifNoneMatch], plan.etag) {
                var response = EntityTag.notModified(etag: plan.etag, cacheControl: GalleryRoutes.publicCacheControl)
                response.setCacheKeys([CacheKey.gallery(plan.slug)])
                return response
            }
            let layout: ZipLayout
            do {
                layout = try await layouts.layout(for: plan)
            } catch let error as GalleryZipLayouts.FileChanged {
                context.logger.warning(
                    "gallery ZIP not made", metadata: ["slug": "\(plan.slug)", "reason": "\(error)"])
                throw ProblemDetails(
                    .serviceUnavailable, detail: "a photo of this gallery is being made again; try again shortly",
                    headers: [.retryAfter: "5"])
            }
            var status = HTTPResponse.Status.ok
            var range = 0..<layout.byteCount
            if let requested = try ByteRange.requested(request, size: layout.byteCount, etag: plan.etag) {
                status = .partialContent
                range = requested.lowerBound..<requested.upperBound + 1
                headers[.contentRange] = "bytes \(requested.lowerBound)-\(requested.upperBound)/\(layout.byteCount)"
            }
            headers[.contentLength] = String(range.count)
            let parts = layout.pieces(in: range)
            let eventLoop = context.eventLoop
            let body = ResponseBody(contentLength: range.count) { [layouts] writer in
                for (piece, part) in parts {
                    switch piece {
                    case .header(let bytes):
                        try await writer.write(ByteBuffer(bytes: bytes[part]))
                    case .contents(let index):
                        switch plan.members[index].source {
                        case .text(let bytes): try await writer.write(ByteBuffer(bytes: bytes[part]))
                        case .file(let relative):
                            try await FileChunkReader.send(
                                try layouts.path(relative), part, eventLoop: eventLoop, to: &writer)
                        }
                    }
                }
                try await writer.finish(nil)
            }
            var response = Response(status: status, headers: headers, body: body)
            response.setCacheKeys([CacheKey.gallery(plan.slug)])
            return response
        }
    }
}
