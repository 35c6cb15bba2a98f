import Foundation
import Hummingbird
import Yams

/// `GET /openapi.yaml` and `GET /openapi.json`: the API's OpenAPI 3.1 document, kept in
/// the repository (Public/openapi.yaml) and checked against the router by a test.
struct OpenAPIRoutes {
    /// The document's YAML text, from the bundle.
    static let yaml: String = {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Public/openapi.yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "" }
        return text
    }()

    static let json: Data = {
        guard let object = try? Yams.load(yaml: yaml),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return Data("{}".utf8) }
        return data
    }()

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: Self.yaml)))
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: Self.json)))
        }
    }
}
