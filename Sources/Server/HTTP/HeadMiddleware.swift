import Hummingbird

/// Sends `HEAD` answers without their body (RFC 9110 §9.3.2), keeping the length and the
/// other headers a `GET` would carry. Routes opt in with ``Router/getAndHead(_:use:)``.
struct HeadMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .head else { return response }
        if let length = response.body.contentLength, response.headers[.contentLength] == nil {
            response.headers[.contentLength] = String(length)
        }
        response.body = .init()
        return response
    }
}

extension Router {
    /// Registers a handler for `GET` and the same for `HEAD`.
    @discardableResult
    func getAndHead(
        _ path: RouterPath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        get(path, use: handler)
        head(path, use: handler)
        return self
    }
}
