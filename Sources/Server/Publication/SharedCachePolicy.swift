public import HTTPTypes
import Hummingbird

/// What a shared cache in front of galleryd (Varnish, a CDN) is told: how long it may keep
/// public answers (`s-maxage`, only while galleryd purges it) and under which keys
/// (``CacheKey``) it files them, in `cache.tagHeader` (Varnish's xkey module reads `xkey`).
public struct SharedCachePolicy: Sendable {
    /// The response field the keys go in; nil: none is sent.
    public var tagHeader: HTTPField.Name?
    /// `s-maxage` in seconds added to public answers that do not depend on the visitor; nil:
    /// none (shared caches follow `max-age`).
    public var sharedMaxAge: Int?

    public init(tagHeader: String? = "xkey", sharedMaxAge: Int? = nil) {
        self.tagHeader = tagHeader.flatMap { $0.isEmpty ? nil : HTTPField.Name($0) }
        self.sharedMaxAge = sharedMaxAge
    }

    /// Whether `name` can name a response field (RFC 9110 §5.1 token).
    public static func isFieldName(_ name: String) -> Bool { HTTPField.Name(name) != nil }

    /// Where routes put the keys of what they answer with; renamed (or dropped) by
    /// ``SharedCacheMiddleware``.
    static let keysField = HTTPField.Name("Galleryd-Cache-Keys")!
}

/// Adds `s-maxage` to public, visitor-independent answers and moves the routes' cache keys
/// to `cache.tagHeader`.
struct SharedCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: SharedCachePolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        let keys = response.headers[SharedCachePolicy.keysField]
        response.headers[SharedCachePolicy.keysField] = nil
        if let keys, let field = policy.tagHeader { response.headers[field] = keys }
        if let age = policy.sharedMaxAge, let control = response.headers[.cacheControl],
            control.hasPrefix("public"), !control.contains("s-maxage"), !control.contains("immutable"),
            response.headers[.vary].map({ !$0.contains("*") }) ?? true
        {
            response.headers[.cacheControl] = control + ", s-maxage=\(age)"
        }
        return response
    }
}

extension Response {
    /// Files the answer under `keys` for a shared cache in front (``SharedCachePolicy``).
    mutating func setCacheKeys(_ keys: some Sequence<String>) {
        let text = keys.joined(separator: " ")
        if !text.isEmpty { headers[SharedCachePolicy.keysField] = text }
    }
}
