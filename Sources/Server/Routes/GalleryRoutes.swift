import Catalog
import GalleryCore
import Hummingbird

/// `GET /api/v1/galleries` and `GET /api/v1/galleries/{slug}`.
struct GalleryRoutes {
    let cache: GalleryDocumentCache
    /// Public JSON may be cached briefly by the portal and proxies; the ETag keeps it exact.
    static let cacheControl = "public, max-age=60, must-revalidate"

    func register(on router: Router<GalleryRequestContext>) {
        router.getAndHead("/api/v1/galleries") { request, _ in
            try await cache.listBody().response(to: request, cacheControl: Self.cacheControl)
        }
        router.getAndHead("/api/v1/galleries/:slug") { request, context in
            let slug = try context.parameters.require("slug")
            guard let document = try await cache.document(slug: slug) else {
                throw ProblemDetails(.notFound, detail: "there is no published gallery \"\(slug)\"")
            }
            return try JSONBody(document).response(to: request, cacheControl: Self.cacheControl)
        }
    }
}
