import Catalog
import Foundation
import Hummingbird
import Logging
import Metrics

/// Admin routes require `Authorization: Bearer gd_…`: without a valid token every admin
/// route answers 401, before the route itself is looked at. A client that keeps presenting
/// wrong tokens is slowed down (``AdminAuthenticationThrottle``): 429 with `Retry-After`,
/// without its token being looked at, while other clients' valid tokens pass as before.
struct AdminAuthenticationMiddleware: RouterMiddleware {
    typealias Context = GalleryRequestContext
    let catalog: any AdminTokenStore
    let throttle: AdminAuthenticationThrottle

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let unauthorized = ProblemDetails(
            .unauthorized, detail: "a valid admin token is required (Authorization: Bearer …)",
            headers: [.wwwAuthenticate: "Bearer realm=\"galleryd\""])
        // A request without a token is no attempt: it gets the challenge, uncounted.
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw unauthorized
        }
        // Keyed by the resolved client address (a connection without one, as in-process
        // tests make, is not throttled).
        let client = context.clientAddress
        if let client, let wait = await throttle.refusal(for: client) {
            throw ProblemDetails(
                .tooManyRequests, detail: "too many failed admin authentications from this address; try again later",
                headers: [.retryAfter: "\(wait)"])
        }
        guard
            let token = try await catalog.authenticate(
                String(header.dropFirst("bearer ".count)).trimmingWhitespace().description)
        else {
            if let client { await throttle.recordFailure(of: client, logger: context.logger) }
            throw unauthorized
        }
        var context = context
        context.admin = AdminIdentity(name: token.name, scope: token.scope)
        return try await next(request, context)
    }
}

/// Failed admin authentications per client address: a burst (10 by default), then one more
/// every 5 s. Each failure is counted in `galleryd_admin_auth_failures_total` and each refusal in
/// `galleryd_admin_auth_throttled_total`; a client's failures are logged once a minute.
final class AdminAuthenticationThrottle: Sendable {
    private let limiter: RateLimiter
    private let failures = Counter(label: "galleryd_admin_auth_failures_total")
    private let throttled = Counter(label: "galleryd_admin_auth_throttled_total")

    init(burst: Int = 10) {
        limiter = RateLimiter(burst: Double(max(1, burst)), perSecond: 0.2)
    }

    /// Seconds to wait when `client` is throttled; nil when it may try.
    func refusal(for client: String) async -> Int? {
        guard await !limiter.hasCapacity(client, now: Date()) else { return nil }
        throttled.increment()
        return 5
    }

    func recordFailure(of client: String, logger: Logger) async {
        failures.increment()
        _ = await limiter.allow(client, now: Date())
        if await limiter.shouldWarn(client, now: Date()) {
            logger.warning("admin authentication failed", metadata: ["client": "\(client)"])
        }
    }
}

extension GalleryRequestContext {
    /// The caller's name for the audit, if its scope allows `required`; else 403.
    func requireScope(_ required: AdminScope) throws -> String {
        guard let admin else { throw ProblemDetails(.unauthorized, detail: "a valid admin token is required") }
        guard admin.scope.allows(required) else {
            throw ProblemDetails(
                .forbidden,
                detail:
                    "this needs a token with scope \(required.rawValue); \"\(admin.name)\" has \(admin.scope.rawValue)")
        }
        return admin.name
    }
}
