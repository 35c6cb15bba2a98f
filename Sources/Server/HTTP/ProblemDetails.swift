import Catalog
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

    /// What `Retry-After` says while the catalog is away: about how long a PostgreSQL
    /// restart takes and the listener needs to notice it is back.
    static let retryAfterSeconds = 5

    /// A body over 64 KiB, or of unknown length (chunked).
    static func hasLargeBody(_ request: Request) -> Bool {
        guard let length = request.headers[.contentLength] else { return request.headers[.transferEncoding] != nil }
        return (Int(length) ?? Int.max) > 64 * 1024
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
        // A refused request with a large or unbounded body (a 401 before an upload, a 413):
        // close the connection after the answer instead of reading what was refused. Small
        // bodies are drained, which keeps the connection for the client's next request.
        if status.code >= 400, Self.hasLargeBody(request) { headers[.connection] = "close" }
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = headers[.cacheControl] ?? "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

/// Turns every error a route throws into a problem detail: Hummingbird's own (404 for an
/// unknown route, 400 for a malformed body) and unexpected ones (500, logged, no internals
/// in the answer).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The router's paths and their methods: a known path asked with another method is a 405.
    var routeMethods: RouteMethods?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError
            where error.status == .notFound && (context.endpointPath ?? "NotFound") == "NotFound"
        {
            // No route took the request: an unknown path, or a known one with another method.
            let allowed = routeMethods?.allowed(on: request.uri.path) ?? []
            guard !allowed.isEmpty else {
                let detail = error.body ?? Self.defaultDetail(for: .notFound, path: request.uri.path)
                return try ProblemDetails(.notFound, detail: detail).response(from: request, context: context)
            }
            let allow = allowed.union(allowed.contains(.get) ? [.head, .options] : [.options])
                .map(\.rawValue).sorted().joined(separator: ", ")
            if request.method == .options {
                return Response(status: .noContent, headers: [.allow: allow])
            }
            return try ProblemDetails(
                .methodNotAllowed, detail: Self.defaultDetail(for: .methodNotAllowed, path: request.uri.path),
                headers: [.allow: allow]
            ).response(from: request, context: context)
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
            if let fault = TransientFault(error) {
                // A fault that passes: name it, and say when to try again.
                context.logger.warning(
                    "request not answered now", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                return try Self.problem(for: fault).response(from: request, context: context)
            }
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try ProblemDetails(.internalServerError, detail: "galleryd could not answer this request")
                .response(from: request, context: context)
        }
    }

    /// 503 with `Retry-After` while the catalog is away; 507 Insufficient Storage (RFC 4918,
    /// section 11.5) when galleryd's disk is full. Either way nothing was changed.
    static func problem(for fault: TransientFault) -> ProblemDetails {
        switch fault {
        case .catalogUnavailable:
            ProblemDetails(
                .serviceUnavailable, detail: fault.description, type: "tag:galleryd,2026:catalog-unavailable",
                headers: [.retryAfter: "\(ProblemDetails.retryAfterSeconds)"])
        case .noSpace:
            ProblemDetails(
                .init(code: 507, reasonPhrase: "Insufficient Storage"), detail: fault.description,
                type: "tag:galleryd,2026:no-space", headers: [.retryAfter: "\(ProblemDetails.retryAfterSeconds * 6)"])
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
