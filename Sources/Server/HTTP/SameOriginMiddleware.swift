import Foundation
import HTTPTypes
import Hummingbird

/// Refuses state-changing requests that another web site could make the visitor's browser
/// send (cross-site request forgery): on the routes it guards, every method but `GET`,
/// `HEAD` and `OPTIONS` must come from the site's own origin.
///
/// A request passes only if
/// - its `Origin` header (RFC 6454 §7, sent by browsers on every such request) is one of the
///   site's own origins (``SiteOrigins``: `site.publicURL`'s, or the one the visitor's page
///   was loaded from under one of the site's names) — a missing or `null` `Origin` is
///   refused;
/// - `Sec-Fetch-Site` (Fetch Metadata), where present, is not `cross-site`;
/// - a request with a body says `Content-Type: application/json`, so that a cross-site
///   `fetch` needs a CORS preflight (which galleryd never grants) and a plain HTML form
///   (`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`) cannot
///   reach the handler.
///
/// Everything else gets a 403 problem detail before the handler runs: nothing is recorded
/// and no cookie is set.
struct SameOriginMiddleware: RouterMiddleware {
    typealias Context = GalleryRequestContext

    let origins: SiteOrigins

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch request.method {
        case .get, .head, .options: return try await next(request, context)
        default: break
        }
        if let site = request.headers[.secFetchSite], site.lowercased() == "cross-site" {
            throw refusal("the request came from another site (Sec-Fetch-Site: cross-site)")
        }
        let own = Self.requestOrigin(request, context: context, origins: origins)
        var expected: String {
            [origins.configured, own].compactMap { $0 }.reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }.joined(separator: " or ")
        }
        guard let origin = request.headers[.origin], origin != "null" else {
            throw refusal("the request carries no Origin header; consent is accepted only from \(expected)")
        }
        guard origins.accepts(origin: origin, requestOrigin: own) else {
            throw refusal(
                "the request came from \(origin.prefix(200)), not from this site (\(expected.isEmpty ? "none of its names" : expected))"
            )
        }
        if request.method != .delete || request.headers[.contentLength].map({ $0 != "0" }) ?? false
            || request.headers[.transferEncoding] != nil
        {
            let type = request.headers[.contentType]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                throw refusal("the request body must be sent as Content-Type: application/json")
            }
        }
        return try await next(request, context)
    }

    private func refusal(_ detail: String) -> ProblemDetails {
        ProblemDetails(.forbidden, detail: detail, headers: [.vary: "Origin"])
    }

    /// The origin of the page that sent `request` (``SiteOrigins/requestOrigin``).
    static func requestOrigin(_ request: Request, context: Context, origins: SiteOrigins) -> String? {
        origins.requestOrigin(
            scheme: request.head.scheme, host: request.head.authority,
            forwardedProto: request.headers[.xForwardedProto], forwardedHost: request.headers[.xForwardedHost],
            viaTrustedProxy: context.viaTrustedProxy)
    }
}

extension HTTPField.Name {
    /// Fetch Metadata: `same-origin`, `same-site`, `cross-site` or `none`.
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
