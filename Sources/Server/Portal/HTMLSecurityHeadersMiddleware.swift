import Hummingbird

/// Puts the portal's security headers on every HTML answer: a Content-Security-Policy that
/// allows scripts, styles, frames and images from this origin only (no inline script or
/// style, no eval), may be framed only by this origin, and the referrer, sniffing and
/// opener policies that go with it.
///
/// Third-party frames are never allowed here: a granted embed is shown through
/// galleryd's own wrapper page (`/embeds/{id}/frame`), whose policy names that one
/// service's hosts.
struct HTMLSecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "font-src 'self'", "connect-src 'self'", "frame-src 'self'", "frame-ancestors 'self'",
            "base-uri 'none'", "form-action 'self'", "object-src 'none'",
        ].joined(separator: "; ")
    }

    static var headers: HTTPFields {
        [
            .contentSecurityPolicy: contentSecurityPolicy,
            PortalHeader.referrerPolicy: "no-referrer",
            .xContentTypeOptions: "nosniff",
            PortalHeader.crossOriginOpenerPolicy: "same-origin",
            PortalHeader.permissionsPolicy: "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ]
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard response.headers[.contentType]?.hasPrefix("text/html") == true else { return response }
        for field in Self.headers { response.headers[field.name] = field.value }
        return response
    }
}
