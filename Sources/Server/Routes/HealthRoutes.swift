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

/// `GET /healthz` (the process answers) and `GET /readyz` (it can serve its catalog).
struct HealthRoutes {
    let readiness: Readiness

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
                body: .init(byteBuffer: .init(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            let unmet = readiness.unmet
            guard unmet.isEmpty else {
                throw ProblemDetails(.serviceUnavailable, detail: "not ready: " + unmet.joined(separator: "; "))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
                body: .init(byteBuffer: .init(string: "ready\n")))
        }
    }
}
