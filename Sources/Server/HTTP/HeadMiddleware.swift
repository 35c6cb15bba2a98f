import Hummingbird

/// Answers `HEAD` exactly as `GET` with the body left out (RFC 9110 §9.3.2): the same
/// status and headers, `Content-Length` included. The router generates a `HEAD` endpoint
/// for every `GET` (`.autoGenerateHeadEndpoints`); this middleware, outside the problem
/// middleware, also strips the bodies of errors (an unknown path, a refused token).
struct HeadMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .head else { return response }
        let length = response.headers[.contentLength] ?? response.body.contentLength.map { String($0) }
        // Replacing the body resets Content-Length; the GET's length is put back after.
        response.body = .init()
        response.headers[.contentLength] = length
        return response
    }
}
