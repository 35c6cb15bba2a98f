import Hummingbird
import Synchronization

/// Which methods each registered path answers, so that a known path asked with another
/// method gets 405 with `Allow` (RFC 9110 §15.5.6) — or, for `OPTIONS`, 204 with `Allow`
/// and no CORS headers — instead of 404. Filled once the router is complete.
final class RouteMethods: Sendable {
    private struct Route {
        var components: [Substring]
        var methods: Set<HTTPRequest.Method>
    }
    private let routes = Mutex<[Route]>([])

    func record(_ descriptions: [Router<GalleryRequestContext>.RouteDescription]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in descriptions { byPath[route.path.description, default: []].insert(route.method) }
        routes.withLock { table in
            table = byPath.map { Route(components: $0.key.split(separator: "/"), methods: $0.value) }
        }
    }

    /// The methods allowed on `path`, empty when no route has this path.
    func allowed(on path: String) -> Set<HTTPRequest.Method> {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.withLock { table in
            table.filter { Self.matches($0.components, parts) }.reduce(into: []) { $0.formUnion($1.methods) }
        }
    }

    private static func matches(_ pattern: [Substring], _ parts: [Substring]) -> Bool {
        for (index, component) in pattern.enumerated() {
            if component == "**" { return parts.count > index }
            guard index < parts.count else { return false }
            if component.hasPrefix(":") || component.hasPrefix("{") || component == "*" { continue }
            if component != parts[index] { return false }
        }
        return pattern.count == parts.count
    }
}
