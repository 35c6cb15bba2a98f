import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Whether the daemon can answer for its catalog: ready once the catalog is open and the
/// first reconcile finished; not ready while the media folder is gone.
public final class Readiness: Sendable {
    private let state = Mutex<[String: String]>(["startup": "first reconcile has not finished"])

    public init() {}

    /// Marks a condition as met (`nil` reason) or unmet.
    public func set(_ condition: String, unmetBecause reason: String?) {
        state.withLock { $0[condition] = reason }
    }

    /// Reasons the daemon is not ready; empty when it is.
    public var unmet: [String] {
        state.withLock { Array($0.values).sorted() }
    }
}

/// `GET /healthz` (the process answers: liveness, for a supervisor) and `GET /readyz` (it
/// can serve its catalog: readiness, for a load balancer — 503 while the catalog's database
/// is away, so the node can be taken out, although it still answers what it holds in
/// memory).
struct HealthRoutes {
    let readiness: Readiness
    let catalog: any GalleryReader

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
                body: .init(byteBuffer: .init(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            var unmet = readiness.unmet
            if case .unavailable = catalog.availability() { unmet.append("the catalog is unavailable") }
            guard unmet.isEmpty else {
                throw ProblemDetails(.serviceUnavailable, detail: "not ready: " + unmet.joined(separator: "; "))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
                body: .init(byteBuffer: .init(string: "ready\n")))
        }
    }
}

/// Marks answers given while the catalog's database is away: they come from memory (or from
/// rendition files) and may be stale by as long as the outage, which
/// `Galleryd-Catalog-Stale` gives in seconds. Answers that need the catalog are 503 then.
struct CatalogStaleMiddleware<Context: RequestContext>: RouterMiddleware {
    let catalog: any GalleryReader

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if case .unavailable(let since, _) = catalog.availability(), response.status.code < 400 {
            response.headers[Self.header] = "\(max(0, Int(Date().timeIntervalSince(since).rounded(.up))))"
        }
        return response
    }

    static var header: HTTPField.Name { HTTPField.Name("Galleryd-Catalog-Stale")! }
}
