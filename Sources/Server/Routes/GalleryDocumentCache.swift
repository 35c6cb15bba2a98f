import Catalog
import GalleryCore

/// Gallery JSON built once per gallery change and served from memory. The catalog's
/// gallery revision is the key, so a change made by another process (an `ingest` run
/// beside `serve`) is seen on the next request.
actor GalleryDocumentCache {
    private let catalog: Catalog
    private var documents: [String: (revision: Int, document: GalleryDocument)] = [:]
    private var list: (revision: String, body: JSONBody)?

    init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The published gallery, or `nil` when there is none with this slug.
    func document(slug: String) async throws -> GalleryDocument? {
        guard let revision = try await catalog.publishedRevision(slug: slug) else {
            documents[slug] = nil
            return nil
        }
        if let cached = documents[slug], cached.revision == revision { return cached.document }
        guard let built = try await catalog.gallery(slug: slug) else { return nil }
        documents[slug] = (built.revision, built.document)
        return built.document
    }

    func listBody() async throws -> JSONBody {
        let revision = try await catalog.listRevision()
        if let list, list.revision == revision { return list.body }
        let body = try JSONBody(try await catalog.galleryList())
        list = (revision, body)
        return body
    }
}
