import Catalog
import Hummingbird

/// Admin routes require `Authorization: Bearer gd_…`: without a valid token every admin
/// route answers 401, before the route itself is looked at.
struct AdminAuthenticationMiddleware: RouterMiddleware {
    typealias Context = GalleryRequestContext
    let catalog: any AdminTokenStore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            let token = try await catalog.authenticate(
                String(header.dropFirst("bearer ".count)).trimmingWhitespace().description)
        else {
            throw ProblemDetails(
                .unauthorized, detail: "a valid admin token is required (Authorization: Bearer …)",
                headers: [.wwwAuthenticate: "Bearer realm=\"galleryd\""])
        }
        var context = context
        context.admin = AdminIdentity(name: token.name, scope: token.scope)
        return try await next(request, context)
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
