import Catalog
import Foundation
import GalleryCore
import Hummingbird

/// `GET /api/v1/galleries` and `GET /api/v1/galleries/{slug}`.
///
/// Embeds are withheld unless the request carries a valid consent for their service; a
/// withheld embed names no third-party host except in `externalLink`. An answer that
/// depends on consent is private; the no-consent answer stays publicly cacheable.
struct GalleryRoutes {
    let cache: GalleryDocumentCache
    let keeper: ConsentKeeper
    /// Public JSON may be cached briefly by the portal and proxies; the ETag keeps it exact.
    static let publicCacheControl = "public, max-age=60, must-revalidate"
    static let privateCacheControl = "private, no-cache"
    static let vary = "Cookie, Consent-Token"
    /// Galleries per page when a cursor comes without `limit`.
    static let defaultPageSize = 100

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/api/v1/galleries") { request, _ in
            let query = request.uri.queryParameters
            // Without `limit` or `cursor` every published gallery, as before pagination; a
            // cursor alone pages by `defaultPageSize`.
            if query.get("limit") == nil, query.get("cursor") == nil {
                var response = try await cache.galleryList().body.response(
                    to: request, cacheControl: Self.publicCacheControl)
                response.setCacheKeys([CacheKey.galleries])
                return response
            }
            let limitText = query.get("limit").map { String($0) } ?? String(Self.defaultPageSize)
            guard let limit = Int(limitText), (1...1000).contains(limit) else {
                throw ProblemDetails(
                    .badRequest, detail: "parameter \"limit\" must be a whole number from 1 to 1000",
                    extensions: ["field": "limit"])
            }
            var after: String?
            if let cursor = query.get("cursor") {
                guard let slug = GalleryListSlice.slug(fromCursor: cursor) else {
                    throw ProblemDetails(
                        .badRequest, detail: "parameter \"cursor\" is not a cursor (base64url, as `next` gives it)",
                        extensions: ["field": "cursor"])
                }
                after = slug
            }
            var response = try await cache.galleryPage(limit: limit, after: after)
                .response(to: request, cacheControl: Self.publicCacheControl)
            response.setCacheKeys([CacheKey.galleries])
            return response
        }
        router.get("/api/v1/galleries/:slug") { request, context in
            let slug = try context.parameters.require("slug")
            guard let gallery = try await cache.gallery(slug: slug) else {
                throw ProblemDetails(.notFound, detail: "there is no published gallery \"\(slug)\"")
            }
            // Most visitors carry no consent: their answer is encoded once per change.
            guard keeper.mayCarryConsent(request) else {
                let settings = try await keeper.settings()
                let body = try await cache.anonymousBody(
                    for: gallery, slug: slug, settingsKey: settings.answerKey
                ) {
                    try await self.body(gallery, consent: ResolvedConsent(settings: settings)).contiguous()
                }
                var response = body.response(to: request, cacheControl: Self.publicCacheControl, vary: Self.vary)
                response.setCacheKeys([CacheKey.gallery(slug)])
                return response
            }
            let consent = try await keeper.resolve(request, useOnceToken: true)
            let personal = consent.isPersonal || request.headers[.consentToken] != nil
            var response = try await body(gallery, consent: consent).response(
                to: request, cacheControl: personal ? Self.privateCacheControl : Self.publicCacheControl,
                vary: Self.vary)
            response.setCacheKeys([CacheKey.gallery(slug)])
            return response
        }
    }

    /// The gallery's JSON with its embeds as `consent` allows: only the consent state and
    /// the embeds are encoded per request (``GalleryJSONTemplate``).
    func body(_ gallery: CachedGallery, consent: ResolvedConsent) async throws -> JSONBody {
        let state = ConsentState(policyVersion: consent.settings.policyVersion, granted: consent.granted.keys.sorted())
        let embeds = try await embeds(gallery.embeds, consent: consent)
        if let template = gallery.template { return try template.body(consent: state, embeds: embeds) }
        var document = gallery.document
        document.embeds = embeds
        document.consent = state
        return try JSONBody(document)
    }

    func embeds(_ records: [EmbedRecord], consent: ResolvedConsent) async throws -> [EmbedDocument] {
        var documents: [EmbedDocument] = []
        for record in records {
            guard let service = consent.settings.service(record.service) else { continue }
            let notice = LocalizedText(
                de: "Wenn Sie diesen Inhalt aktivieren, werden Informationen an \(service.name) (\(service.recipient)) "
                    + "übertragen und dort gespeichert.",
                en: "If you activate this content, information is transferred to \(service.name) "
                    + "(\(service.recipient)) and stored there.")
            var document = EmbedDocument(
                id: record.id, service: service.id, kind: record.kind, state: .withheld,
                title: record.title ?? service.name,
                preview: record.previewPath.map {
                    PreviewImage(
                        url: "/previews/\($0)", width: record.previewWidth ?? 480, height: record.previewHeight ?? 270)
                },
                notice: notice, externalLink: record.url)
            if let grant = consent.granted[service.id] {
                var frame = "/embeds/\(record.id)/frame"
                if grant.scope == .once {
                    frame +=
                        "?grant="
                        + (try await keeper.once.issueFrame(
                            embedId: record.id, service: service.id, settings: consent.settings,
                            now: keeper.options.now()))
                }
                document.state = .granted
                document.consent = grant
                document.embed = EmbedFrame(
                    src: service.embedSource(id: record.externalId, url: record.url), width: service.width,
                    height: service.height, allow: service.allow, sandbox: service.sandbox, frame: frame)
            }
            documents.append(document)
        }
        return documents
    }

    /// Plain share links: nothing is requested from a network until the visitor clicks.
    static func shareLinks(publicURL: String, slug: String, title: String) -> [ShareLink] {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let page = "\(base)/galleries/\(slug)"
        let url = page.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? page
        let text = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return [
            ShareLink(service: "facebook", url: "https://www.facebook.com/sharer/sharer.php?u=\(url)"),
            ShareLink(service: "x", url: "https://x.com/intent/post?url=\(url)&text=\(text)"),
            ShareLink(
                service: "pinterest", url: "https://www.pinterest.com/pin/create/button/?url=\(url)&description=\(text)"
            ),
            ShareLink(service: "email", url: "mailto:?subject=\(text)&body=\(url)"),
        ]
    }
}

extension ConsentSettings {
    /// What of the consent settings the anonymous answers and pages depend on (the policy
    /// and the services offered): a cache key.
    var answerKey: String { policyVersion + "/" + catalogHash }
}
