import Catalog
import GalleryCore
import Synchronization

/// A gallery as built from the catalog, before anything that depends on the request.
struct CachedGallery: Sendable {
    /// With its share links; consent state and embeds are the request's.
    var document: GalleryDocument
    var folder: String
    var embeds: [EmbedRecord]
    var revision: Int
    /// The encoded document minus the request's part (`nil`: encode whole documents).
    var template: GalleryJSONTemplate?
}

/// Gallery JSON built once per gallery change and served from memory.
///
/// Every entry remembers the ``CatalogStamp`` it was checked at. While the catalog's stamp
/// is unchanged (no commit here, no `data_version` change from another process), a
/// request takes the entry under a lock and touches no database. After a commit anywhere,
/// the next request asks the gallery's revision once (an indexed lookup) and rebuilds only
/// if the revision moved; unrelated commits (a consent event, a job) cost that one lookup.
final class GalleryDocumentCache: Sendable {
    private struct Entry {
        var stamp: CatalogStamp
        var gallery: CachedGallery?
    }

    private struct ListEntry {
        var stamp: CatalogStamp
        var revision: String
        var list: GalleryList
        var body: JSONBody
    }

    /// The answer without consent (the common case), encoded once.
    private struct AnonymousEntry {
        var revision: Int
        var settingsKey: String
        var body: JSONBody
    }

    private let catalog: Catalog
    /// Share links for a gallery (slug, title): part of every answer, built once.
    private let shareLinks: @Sendable (String, String) -> [ShareLink]
    private let galleries = Mutex<[String: Entry]>([:])
    private let list = Mutex<ListEntry?>(nil)
    private let anonymous = Mutex<[String: AnonymousEntry]>([:])
    /// Unknown slugs are remembered too, but only so many (a crawler's random paths).
    static let maximumEntries = 10_000

    init(catalog: Catalog, shareLinks: @escaping @Sendable (String, String) -> [ShareLink]) {
        self.catalog = catalog
        self.shareLinks = shareLinks
    }

    /// The published gallery, or `nil` when there is none with this slug.
    func gallery(slug: String) async throws -> CachedGallery? {
        let stamp = catalog.stamp()
        let cached = galleries.withLock { $0[slug] }
        if let cached, cached.stamp == stamp { return cached.gallery }
        // Taken before the reads: a commit during them changes the stamp, so it is checked again.
        let revision = try await catalog.publishedRevision(slug: slug)
        let gallery: CachedGallery?
        if let revision, let known = cached?.gallery, known.revision == revision {
            gallery = known
        } else if revision != nil, let built = try await catalog.gallery(slug: slug) {
            var document = built.document
            document.share = shareLinks(slug, document.title)
            gallery = CachedGallery(
                document: document, folder: built.folder,
                embeds: try await catalog.embeds(galleryFolder: built.folder), revision: built.revision,
                template: GalleryJSONTemplate(document: document))
        } else {
            gallery = nil
        }
        galleries.withLock { entries in
            if entries.count >= Self.maximumEntries, entries[slug] == nil {
                entries = entries.filter { $0.value.gallery != nil }
                if entries.count >= Self.maximumEntries { return }
            }
            entries[slug] = Entry(stamp: stamp, gallery: gallery)
        }
        return gallery
    }

    /// The answer for a visitor without consent, built by `build` once per gallery revision
    /// and consent settings (`settingsKey`).
    func anonymousBody(
        for gallery: CachedGallery, slug: String, settingsKey: String, build: () async throws -> JSONBody
    ) async rethrows -> JSONBody {
        if let cached = anonymous.withLock({ $0[slug] }), cached.revision == gallery.revision,
            cached.settingsKey == settingsKey
        {
            return cached.body
        }
        let body = try await build()
        anonymous.withLock { entries in
            if entries.count >= Self.maximumEntries { entries.removeAll() }
            entries[slug] = AnonymousEntry(revision: gallery.revision, settingsKey: settingsKey, body: body)
        }
        return body
    }

    /// The published galleries, for the JSON and the portal's list page.
    func galleryList() async throws -> (list: GalleryList, body: JSONBody) {
        let stamp = catalog.stamp()
        let cached = list.withLock { $0 }
        if let cached, cached.stamp == stamp { return (cached.list, cached.body) }
        let revision = try await catalog.listRevision()
        if let cached, cached.revision == revision {
            list.withLock { $0?.stamp = stamp }
            return (cached.list, cached.body)
        }
        let built = try await catalog.galleryList()
        let body = try JSONBody(built)
        list.withLock { $0 = ListEntry(stamp: stamp, revision: revision, list: built, body: body) }
        return (built, body)
    }
}
