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
    let fileIO = FileIO()
    static let cacheControl = "public, max-age=31536000, immutable"

    func register(on router: Router<GalleryRequestContext>) {
        let resolvedRoot = Self.resolve(renditionsRoot) ?? renditionsRoot
        router.get("/renditions/**") { request, context -> Response in
            let urlPath = context.parameters.getCatchAll().joined(separator: "/")
            guard let relative = RenditionLayout.diskPath(forURLPath: urlPath),
                let ext = urlPath.split(separator: ".").last, let format = OutputFormat(fileExtension: String(ext))
            else {
                throw ProblemDetails(.notFound, detail: "no rendition at this address")
            }
            guard let path = Self.resolve(renditionsRoot + "/" + relative), path.hasPrefix(resolvedRoot + "/") else {
                throw ProblemDetails(.notFound, detail: "no rendition at this address")
            }
            // The URL names the bytes for good, so the URL path itself is a strong validator.
            let etag = "\"" + urlPath.replacing("/", with: "-") + "\""
            if EntityTag.matches(request.headers[.ifNoneMatch], etag) {
                return EntityTag.notModified(etag: etag, cacheControl: Self.cacheControl)
            }
            let body = try await fileIO.loadFile(path: path, context: context)
            return Response(
                status: .ok,
                headers: [
                    .contentType: format.mime, .eTag: etag, .cacheControl: Self.cacheControl,
                    .init("X-Content-Type-Options")!: "nosniff",
                ],
                body: body)
        }
    }

    static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
