import Catalog
import GalleryCore
import Hummingbird

/// The reference portal and the admin page: `GET /` (the gallery list, or the one
/// gallery when there is only one), `GET /galleries/{slug}`, `GET /admin` and the static
/// files under `GET /assets/…`. Every HTML answer carries the security headers of
/// ``HTMLSecurityHeadersMiddleware``. Pages are built from the gallery JSON's own cache and
/// embed builder, asked without any consent: the page lists the same withheld placeholders
/// (notice, preview, external link) as the JSON.
struct PortalRoutes: Sendable {
    let galleries: GalleryRoutes
    let search: SearchRoutes
    /// `site.publicURL`; `nil` (not set): each page takes its absolute links (canonical,
    /// Open Graph, JSON-LD) from the origin the request came to, when that is one of the
    /// site's (``SiteOrigins``), and leaves those tags out otherwise.
    let publicURL: String?
    let origins: SiteOrigins
    let assets = PortalAssets()

    /// Galleries per page of the portal's list.
    static let pageSize = 24

    /// Pages are the same for every visitor: a browser asks again each time (as `no-cache`
    /// would have it), a shared cache may keep them (`cache.sharedMaxAgeSeconds`) while
    /// galleryd purges it.
    static let htmlHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "public, max-age=0, must-revalidate",
    ]

    /// The base of absolute links for this request: `site.publicURL`, else the request's
    /// own origin if it is one of the site's.
    func base(_ request: Request, _ context: GalleryRequestContext) -> String? {
        publicURL ?? SameOriginMiddleware.requestOrigin(request, context: context, origins: origins)
    }

    func register(on router: Router<GalleryRequestContext>) {
        let pages = router.group().add(middleware: HTMLSecurityHeadersMiddleware())
        pages.get("/") { request, context in
            let publicURL = base(request, context)
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            let whole = try await galleries.cache.galleryList().list
            if whole.galleries.count == 1 {
                let location = "/galleries/" + whole.galleries[0].slug + strings.locale.query
                var response = Response(
                    status: .found, headers: [.location: location, .cacheControl: "public, max-age=0, must-revalidate"])
                response.setCacheKeys([CacheKey.galleries])
                return response
            }
            // Pages of `pageSize`, linked by the JSON's own cursors (`?after=`).
            let after = request.uri.queryParameters["after"].flatMap { GalleryListSlice.slug(fromCursor: String($0)) }
            // The same for every visitor: made once per list revision, language and page.
            let page = try await galleries.cache.listRendering(
                key: "\(strings.locale.rawValue) \(after ?? "") \(publicURL ?? "")"
            ) {
                list in
                let page = GalleryDocumentCache.slice(list, limit: Self.pageSize, after: after)
                return GalleryListPage(
                    list: page.list, next: page.next.map(GalleryListSlice.cursor(after:)), strings: strings,
                    publicURL: publicURL
                ).render()
            }
            var response = Self.html(page)
            response.setCacheKeys([CacheKey.galleries])
            return response
        }
        pages.get("/galleries/:slug") { request, context in
            let publicURL = base(request, context)
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            let slug = try context.parameters.require("slug")
            guard let gallery = try await galleries.cache.gallery(slug: slug) else {
                // Exactly as for a slug that never existed; not kept, so it can appear at its time.
                var response = Self.html(
                    NotFoundPage(strings: strings, path: request.uri.path).render(), status: .notFound)
                response.headers[.cacheControl] = "no-store"
                return response
            }
            let others = try await galleries.cache.galleryList().list.galleries.count > 1
            let settings = try await galleries.keeper.settings()
            // Embeds are shown withheld to everyone here (the panel asks in the browser), so the
            // page is the same for every visitor: made once per revision, settings and language.
            let key = "\(strings.locale.rawValue) \(others) \(settings.answerKey) \(publicURL ?? "")"
            let page = try await galleries.cache.rendering(for: gallery, slug: slug, key: key) {
                var document = gallery.document
                document.embeds = try await galleries.embeds(
                    gallery.embeds, consent: ResolvedConsent(settings: settings))
                let names = Dictionary(settings.enabledServices.map { ($0.id, $0.name) }, uniquingKeysWith: { $1 })
                return GalleryPage(
                    document: document, strings: strings, linksToList: others, serviceNames: names,
                    publicURL: publicURL
                ).render()
            }
            var response = Self.html(page)
            response.setCacheKeys([CacheKey.gallery(slug), CacheKey.galleries])
            return response
        }
        pages.get("/search") { request, _ in
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            // A form sends its empty fields too: here they mean nothing.
            let given = SearchRequest.parameters(request.uri.query).filter { !$0.value.isEmpty }
            let parameters = given.filter { (["q", "cursor"] + SearchPage.filterNames).contains($0.key) }
            var page = SearchPage(parameters: parameters, strings: strings)
            var status = HTTPResponse.Status.ok
            if parameters.keys.contains(where: { $0 != "cursor" }) {
                do {
                    let asked = try SearchRequest(given, stemmer: search.search.stemmer)
                    page.answer = try await search.results(asked)
                } catch let problem as ProblemDetails where problem.status == .badRequest {
                    page.problem = problem.detail
                    status = .badRequest
                }
            }
            var response = Self.html(page.render(), status: status)
            response.setCacheKeys([CacheKey.galleries])
            return response
        }
        pages.get("/admin") { request, _ in
            let strings = PortalStrings(
                locale: PortalLocale(query: request.uri.queryParameters["lang"].map(String.init)))
            var response = Self.html(AdminPage(strings: strings).render())
            response.headers[.cacheControl] = "no-store"
            return response
        }
        pages.get("/assets/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let response = assets.response(for: name, request: request) else {
                throw ProblemDetails(.notFound, detail: "there is no portal file \"\(name)\"")
            }
            return response
        }
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        html(ByteBuffer(string: page), status: status)
    }

    static func html(_ page: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: htmlHeaders, body: .init(byteBuffer: page))
    }
}
