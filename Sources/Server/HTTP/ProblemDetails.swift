import Foundation
public import Hummingbird
import Logging

/// An RFC 9457 problem detail: every error galleryd answers is one of these, as
/// `application/problem+json` with a `detail` a person can act on.
///
/// ```swift
/// throw ProblemDetails(.notFound, detail: "no gallery \"abc\"")
/// ```
public struct ProblemDetails: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var detail: String
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    public var type: String
    /// Extra members, such as the offending `field` of a request body.
    public var extensions: [String: String]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, detail: String, type: String = "about:blank",
        extensions: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.detail = detail
        self.type = type
        self.extensions = extensions
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = extensions
        body["type"] = type
        body["title"] = status.reasonPhrase
        body["detail"] = detail
        body["instance"] = request.uri.path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var json = try encoder.encode(body)
        // `status` is a number, the only non-string member.
        json.removeLast()
        json.append(contentsOf: Array(",\"status\":\(status.code)}".utf8))
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = headers[.cacheControl] ?? "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

/// Turns every error a route throws into a problem detail: Hummingbird's own (404 for an
/// unknown route, 400 for a malformed body) and unexpected ones (500, logged, no internals
/// in the answer).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            let detail = error.body ?? Self.defaultDetail(for: error.status, path: request.uri.path)
            return try ProblemDetails(error.status, detail: detail, headers: error.headers)
                .response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return try ProblemDetails(
                error.status, detail: Self.defaultDetail(for: error.status, path: request.uri.path)
            )
            .response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try ProblemDetails(.internalServerError, detail: "galleryd could not answer this request")
                .response(from: request, context: context)
        }
    }

    static func defaultDetail(for status: HTTPResponse.Status, path: String) -> String {
        switch status {
        case .notFound: "nothing is published at \(path)"
        case .methodNotAllowed: "this method is not allowed on \(path)"
        default: status.reasonPhrase
        }
    }
}
