public import Catalog
import GalleryCore
public import Hummingbird

/// The reference portal and the admin page: `GET /` (the gallery list, or the one
/// gallery when there is only one), `GET /galleries/{slug}`, `GET /admin` and the static
/// files under `GET /assets/…`. Every HTML answer carries the security headers of
/// ``HTMLSecurityHeadersMiddleware``.
///
/// ```swift
/// PortalRoutes(catalog: catalog).register(on: router)
/// ```
public struct PortalRoutes: Sendable {
    let catalog: Catalog
    let assets: PortalAssets
    /// The gallery JSON's own embed builder, asked without any consent: the page lists the
    /// same withheld placeholders (notice, preview, external link) as the JSON.
    let embedSource: GalleryRoutes?

    public init(catalog: Catalog) {
        self.catalog = catalog
        self.assets = PortalAssets()
        self.embedSource = nil
    }

    init(catalog: Catalog, keeper: ConsentKeeper) {
        self.catalog = catalog
        self.assets = PortalAssets()
        self.embedSource = GalleryRoutes(cache: GalleryDocumentCache(catalog: catalog), keeper: keeper)
    }

    static let htmlHeaders: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"]

    public func register(on router: Router<GalleryRequestContext>) {
        let pages = router.group().add(middleware: HTMLSecurityHeadersMiddleware())
        pages.getAndHead("/") { request, _ in
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            let list = try await catalog.galleryList()
            if list.galleries.count == 1 {
                let location = "/galleries/" + list.galleries[0].slug + strings.locale.query
                return Response(status: .found, headers: [.location: location, .cacheControl: "no-cache"])
            }
            return Self.html(GalleryListPage(list: list, strings: strings).render())
        }
        pages.getAndHead("/galleries/:slug") { request, context in
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            let slug = try context.parameters.require("slug")
            guard let gallery = try await catalog.gallery(slug: slug) else {
                return Self.html(NotFoundPage(strings: strings, path: request.uri.path).render(), status: .notFound)
            }
            let others = try await catalog.galleryList().galleries.count > 1
            var document = gallery.document
            var names: [String: String] = [:]
            if let embedSource {
                let settings = try await embedSource.keeper.settings()
                let records = try await catalog.embeds(galleryFolder: gallery.folder)
                document.embeds = await embedSource.embeds(records, consent: ResolvedConsent(settings: settings))
                for service in settings.enabledServices { names[service.id] = service.name }
            }
            let page = GalleryPage(document: document, strings: strings, linksToList: others, serviceNames: names)
            return Self.html(page.render())
        }
        pages.getAndHead("/admin") { request, _ in
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            var response = Self.html(AdminPage(strings: strings).render())
            response.headers[.cacheControl] = "no-store"
            return response
        }
        pages.getAndHead("/assets/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let response = assets.response(for: name, request: request) else {
                throw ProblemDetails(.notFound, detail: "there is no portal file \"\(name)\"")
            }
            return response
        }
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: htmlHeaders, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

extension RouterGroup {
    /// Registers a handler for `GET` and the same for `HEAD` (the router's
    /// `HeadMiddleware` drops the body).
    @discardableResult
    func getAndHead(
        _ path: RouterPath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        get(path, use: handler)
        head(path, use: handler)
        return self
    }
}
