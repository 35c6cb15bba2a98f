import Foundation
import HTTPTypes
import Hummingbird

/// Refuses state-changing requests that another web site could make the visitor's browser
/// send (cross-site request forgery): on the routes it guards, every method but `GET`,
/// `HEAD` and `OPTIONS` must come from the site's own origin.
///
/// A request passes only if
/// - its `Origin` header (RFC 6454 §7, sent by browsers on every such request) equals the
///   origin of `site.publicURL` — a missing or `null` `Origin` is refused;
/// - `Sec-Fetch-Site` (Fetch Metadata), where present, is not `cross-site`;
/// - a request with a body says `Content-Type: application/json`, so that a cross-site
///   `fetch` needs a CORS preflight (which galleryd never grants) and a plain HTML form
///   (`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`) cannot
///   reach the handler.
///
/// Everything else gets a 403 problem detail before the handler runs: nothing is recorded
/// and no cookie is set.
struct SameOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The one origin accepted, e.g. `https://www.example.nrw` (no trailing slash, no path).
    let siteOrigin: String

    init(publicURL: String) {
        self.siteOrigin = Self.origin(of: publicURL) ?? publicURL
    }

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
        guard let origin = request.headers[.origin], origin != "null" else {
            throw refusal("the request carries no Origin header; consent is accepted only from \(siteOrigin)")
        }
        guard Self.origin(of: origin) == siteOrigin else {
            throw refusal("the request came from \(origin.prefix(200)), not from this site (\(siteOrigin))")
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

    /// The serialised origin of a URL (RFC 6454 §6.2): lower-case scheme and host, the port
    /// only when it is not the scheme's default; `nil` for anything without both.
    static func origin(of text: String) -> String? {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port = components.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? ""
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(port)"
    }
}

extension HTTPField.Name {
    /// Fetch Metadata: `same-origin`, `same-site`, `cross-site` or `none`.
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
