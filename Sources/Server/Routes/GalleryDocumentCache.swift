import Catalog
import GalleryCore

/// A gallery as built from the catalog, before anything that depends on the request.
struct CachedGallery: Sendable {
    var document: GalleryDocument
    var folder: String
    var embeds: [EmbedRecord]
}

/// Gallery JSON built once per gallery change and served from memory. The catalog's
/// gallery revision is the key, so a change made by another process (an `ingest` run
/// beside `serve`) is seen on the next request.
actor GalleryDocumentCache {
    private let catalog: Catalog
    private var galleries: [String: (revision: Int, gallery: CachedGallery)] = [:]
    private var list: (revision: String, list: GalleryList, body: JSONBody)?

    init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The published gallery, or `nil` when there is none with this slug.
    func gallery(slug: String) async throws -> CachedGallery? {
        guard let revision = try await catalog.publishedRevision(slug: slug) else {
            galleries[slug] = nil
            return nil
        }
        if let cached = galleries[slug], cached.revision == revision { return cached.gallery }
        guard let built = try await catalog.gallery(slug: slug) else { return nil }
        let gallery = CachedGallery(
            document: built.document, folder: built.folder,
            embeds: try await catalog.embeds(galleryFolder: built.folder))
        galleries[slug] = (built.revision, gallery)
        return gallery
    }

    /// The published galleries, for the JSON and the portal's list page.
    func galleryList() async throws -> (list: GalleryList, body: JSONBody) {
        let revision = try await catalog.listRevision()
        if let list, list.revision == revision { return (list.list, list.body) }
        let built = try await catalog.galleryList()
        let body = try JSONBody(built)
        list = (revision, built, body)
        return (built, body)
    }
}
