import Archive
import Catalog
import Foundation
import GalleryCore
import Hummingbird
import Logging
import NIOCore
import _NIOFileSystem

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
            let parts = layout.pieces(in: range) { plan.members[$0].byteCount }
            let body = ResponseBody(contentLength: range.count) { [layouts] writer in
                for (piece, part) in parts {
                    switch piece {
                    case .header(let bytes):
                        try await writer.write(ByteBuffer(bytes: bytes[part]))
                    case .contents(let index):
                        switch plan.members[index].source {
                        case .text(let bytes): try await writer.write(ByteBuffer(bytes: bytes[part]))
                        case .file(let relative):
                            try await Self.send(try layouts.path(relative), part, relative: relative, to: &writer)
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

    /// `part` of a file, read in chunks as the client takes them (the writer waits while
    /// the connection is not writable, so a slow client holds one chunk, not the file).
    static func send(
        _ path: String, _ part: Range<Int>, relative: String, to writer: inout any ResponseBodyWriter
    ) async throws {
        let handle = try await FileSystem.shared.openFile(forReadingAt: FilePath(path))
        do {
            var sent = 0
            for try await chunk in handle.readChunks(
                in: Int64(part.lowerBound)..<Int64(part.upperBound), chunkLength: GalleryZipLayouts.chunkLength)
            {
                sent += chunk.readableBytes
                try await writer.write(chunk)
            }
            // The length was promised: a file cut short since ends the connection, not the archive.
            guard sent == part.count else { throw GalleryZipLayouts.FileChanged(path: relative) }
        } catch {
            try? await handle.close()
            throw error
        }
        try await handle.close()
    }
}
