import Catalog
import Foundation
import GalleryCore
import NIOCore
import Synchronization

/// A gallery as built from the catalog, before anything that depends on the request.
struct CachedGallery: Sendable {
    /// With its share links; consent state and embeds are the request's.
    var document: GalleryDocument
    var folder: String
    var embeds: [EmbedRecord]
    var revision: Int
    /// The publication clock's epoch it was built in (``PublicationClock``): with the
    /// revision, what the document depends on.
    var epoch: UInt64 = 0
    /// The encoded document minus the request's part (`nil`: encode whole documents).
    var template: GalleryJSONTemplate?
    /// What its ZIP holds (`nil`: no photo, or ZIPs not offered).
    var zip: GalleryZipPlan?

    /// What was made from this document is for this version only.
    var version: [UInt64] { [UInt64(revision), epoch] }
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
        /// The publication clock's epoch it was checked in: an unknown or embargoed slug is
        /// looked at again when a scheduled time passes, as a built gallery is.
        var epoch: UInt64
        var gallery: CachedGallery?
        /// The answer without consent (the common case), encoded once.
        var anonymous: AnonymousAnswer?
        /// Pages made from this revision that are the same for every visitor (the portal's
        /// gallery page per language), by key.
        var renderings: [String: ByteBuffer] = [:]
        /// When it was last asked for (a tick of ``Galleries/clock``), for eviction.
        var lastUsed: UInt64 = 0

        /// Bytes held, approximately: the encoded rest, the decoded document (about as many
        /// bytes again in strings and arrays; measured with `Benchmarks/scale`), the
        /// anonymous answer and the pages.
        var cost: Int {
            GalleryDocumentCache.entryOverhead + (gallery?.template?.byteCount ?? 0) * 2 + (gallery?.zip?.ownBytes ?? 0)
                + (anonymous?.body.ownBytes ?? 0) + renderings.values.reduce(0) { $0 + $1.readableBytes }
        }
    }

    /// Kept beside the gallery it was built from, so it is for that revision.
    private struct AnonymousAnswer {
        var settingsKey: String
        var body: JSONBody
    }

    private struct Galleries {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
        var totalCost = 0
    }

    private struct ListEntry {
        var stamp: CatalogStamp
        var epoch: UInt64
        var revision: String
        /// Sorted by slug (the catalog's order), which the page cursors rely on.
        var list: GalleryList
        var body: JSONBody
        /// Encoded pages of this list, by "limit cursor".
        var pages: [String: JSONBody] = [:]
        /// Other renderings of this list (the portal's pages), by key.
        var renderings: [String: ByteBuffer] = [:]
    }

    private let catalog: any GalleryReader & EmbedStore
    /// The wall clock the publication rule reads, and the epoch that moves when a scheduled
    /// time passes: an entry of another epoch is built again, whatever its revision.
    let clock: PublicationClock
    /// Share links for a gallery (slug, title): part of every answer, built once.
    private let shareLinks: @Sendable (String, String) -> [ShareLink]
    /// What the gallery's ZIP holds, planned with its document.
    private let zipPlan: @Sendable (GalleryDocument) -> GalleryZipPlan?
    private let galleries = Mutex(Galleries())
    private let list = Mutex<ListEntry?>(nil)
    private let listRefresh = Mutex<Task<(list: GalleryList, body: JSONBody), any Error>?>(nil)
    /// The look after a commit under way, per slug.
    private let refreshes = Mutex<[String: Task<CachedGallery?, any Error>]>([:])
    /// Bytes the cached galleries may hold; beyond it the least recently asked are dropped
    /// (and built again, in milliseconds, when asked for). On a press day a few galleries
    /// take nearly all requests; years of archive need not all sit in memory.
    let byteBudget: Int
    /// Unknown slugs are remembered too, but only so many (a crawler's random paths).
    static let maximumEntries = 10_000
    /// What an entry costs besides its bytes (dictionary slot, keys, small fields).
    static let entryOverhead = 512

    init(
        catalog: any GalleryReader & EmbedStore, clock: PublicationClock = PublicationClock(),
        byteBudget: Int = 128 << 20, shareLinks: @escaping @Sendable (String, String) -> [ShareLink],
        zipPlan: @escaping @Sendable (GalleryDocument) -> GalleryZipPlan? = { _ in nil }
    ) {
        self.catalog = catalog
        self.zipPlan = zipPlan
        self.clock = clock
        self.byteBudget = byteBudget
        self.shareLinks = shareLinks
    }

    /// The published gallery, or `nil` when there is none with this slug.
    ///
    /// After a commit, one request per gallery looks again (single flight): while it does,
    /// concurrent requests get the version before that commit — a whole, consistent
    /// document, at most one change old — instead of all querying and rebuilding at once
    /// (during an ingest, commits come every few milliseconds and a crowd would pile up).
    func gallery(slug: String) async throws -> CachedGallery? {
        let stamp = catalog.stamp()
        let cached = galleries.withLock { state -> Entry? in
            guard state.entries[slug] != nil else { return nil }
            state.clock += 1
            state.entries[slug]!.lastUsed = state.clock
            return state.entries[slug]
        }
        let epoch = clock.epoch
        if let cached, cached.stamp == stamp, cached.epoch == epoch {
            return cached.gallery
        }
        let (refresh, started) = refreshes.withLock { running -> (Task<CachedGallery?, any Error>, Bool) in
            if let task = running[slug] { return (task, false) }
            let task = Task { try await self.refresh(slug: slug, stamp: stamp, cached: cached) }
            running[slug] = task
            return (task, true)
        }
        if !started, let cached, cached.epoch == epoch { return cached.gallery }
        do {
            return try await refresh.value
        } catch  where cached != nil && TransientFault(error) != nil {
            // The catalog is away: what is in memory is served, stale by at most the outage.
            return cached?.gallery
        }
    }

    private func refresh(slug: String, stamp: CatalogStamp, cached: Entry?) async throws -> CachedGallery? {
        defer { _ = refreshes.withLock { $0.removeValue(forKey: slug) } }
        // Taken before the reads: a commit during them changes the stamp, so it is checked again.
        let epoch = clock.epoch
        let now = clock.now()
        let revision = try await catalog.publishedRevision(slug: slug, at: now)
        let gallery: CachedGallery?
        if let revision, let known = cached?.gallery, known.revision == revision, known.epoch == epoch {
            gallery = known
        } else if revision != nil, let built = try await catalog.gallery(slug: slug, at: now) {
            var document = built.document
            document.share = shareLinks(slug, document.title)
            let zip = zipPlan(document)
            document.zip = zip?.summary
            gallery = CachedGallery(
                document: document, folder: built.folder,
                embeds: try await catalog.embeds(galleryFolder: built.folder), revision: built.revision, epoch: epoch,
                template: GalleryJSONTemplate(document: document), zip: zip)
        } else {
            gallery = nil
        }
        store(slug) { entry in
            // The same version keeps what was made from it; another one starts empty.
            guard var entry, entry.gallery?.version == gallery?.version else {
                return Entry(stamp: stamp, epoch: epoch, gallery: gallery)
            }
            entry.stamp = stamp
            entry.epoch = epoch
            return entry
        }
        return gallery
    }

    /// Changes the entry of `slug` if it still holds `gallery`'s revision (not one evicted
    /// or replaced meanwhile).
    private func update(_ slug: String, beside gallery: CachedGallery, _ change: (inout Entry) -> Void) {
        store(slug) { entry in
            guard var entry, entry.gallery?.version == gallery.version else { return nil }
            change(&entry)
            return entry
        }
    }

    /// What the entry of `slug` holds for `gallery`'s revision.
    private func cached<T: Sendable>(_ slug: String, beside gallery: CachedGallery, _ part: (Entry) -> T?) -> T? {
        galleries.withLock { state in
            state.entries[slug].flatMap { $0.gallery?.version == gallery.version ? part($0) : nil }
        }
    }

    /// Replaces an entry under the lock, then drops the least recently used entries while
    /// over the budget or the entry count.
    private func store(_ slug: String, _ update: (Entry?) -> Entry?) {
        galleries.withLock { state in
            let old = state.entries[slug]
            guard var new = update(old) else { return }
            state.clock += 1
            new.lastUsed = state.clock
            state.totalCost += new.cost - (old?.cost ?? 0)
            state.entries[slug] = new
            guard state.totalCost > byteBudget || state.entries.count > Self.maximumEntries else { return }
            // Down to three quarters at once, so a full cache does not sort on every store.
            let costTarget = byteBudget / 4 * 3
            let countTarget = Self.maximumEntries / 4 * 3
            for (key, entry) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                guard state.totalCost > costTarget || state.entries.count > countTarget else { break }
                if key == slug { continue }
                state.entries.removeValue(forKey: key)
                state.totalCost -= entry.cost
            }
        }
    }

    /// The answer for a visitor without consent, built by `build` once per gallery revision
    /// and consent settings (`settingsKey`).
    func anonymousBody(
        for gallery: CachedGallery, slug: String, settingsKey: String, build: () async throws -> JSONBody
    ) async rethrows -> JSONBody {
        if let cached = cached(slug, beside: gallery, { $0.anonymous }), cached.settingsKey == settingsKey {
            return cached.body
        }
        let body = try await build()
        update(slug, beside: gallery) { $0.anonymous = AnonymousAnswer(settingsKey: settingsKey, body: body) }
        return body
    }

    /// A page made from `gallery` that is the same for every visitor, made by `render` once
    /// per gallery revision and `key` (which must name everything else it depends on).
    func rendering(
        for gallery: CachedGallery, slug: String, key: String, render: () async throws -> String
    ) async rethrows -> ByteBuffer {
        if let cached = cached(slug, beside: gallery, { $0.renderings[key] }) { return cached }
        let rendered = ByteBuffer(string: try await render())
        update(slug, beside: gallery) { entry in
            if entry.renderings.count >= 16 { entry.renderings.removeAll() }
            entry.renderings[key] = rendered
        }
        return rendered
    }

    /// One page of the list: at most `limit` galleries whose slug sorts after `after`, and
    /// the slug the next page starts after (`nil` on the last). A binary search finds the
    /// start, so every page costs the same however far in.
    func gallerySlice(limit: Int, after: String?) async throws -> (list: GalleryList, next: String?) {
        Self.slice(try await galleryList().list, limit: limit, after: after)
    }

    static func slice(_ list: GalleryList, limit: Int, after: String?) -> (list: GalleryList, next: String?) {
        let galleries = list.galleries
        var low = 0
        var high = galleries.count
        while let after, low < high {
            let middle = (low + high) / 2
            if galleries[middle].slug <= after { low = middle + 1 } else { high = middle }
        }
        let end = min(galleries.count, low + limit)
        return (
            GalleryList(galleries: Array(galleries[low..<end])), end < galleries.count ? galleries[end - 1].slug : nil
        )
    }

    /// `GET /api/v1/galleries?limit=…`: a page, encoded once per list revision.
    func galleryPage(limit: Int, after: String?) async throws -> JSONBody {
        try await derived(\.pages, key: "\(limit) \(after ?? "")") { list in
            let slice = Self.slice(list, limit: limit, after: after)
            return try JSONBody(GalleryListSlice(galleries: slice.list.galleries, next: slice.next))
        }
    }

    /// A rendering of the current list (a page of the portal's list), made by `render` once
    /// per list revision and `key`.
    func listRendering(key: String, render: (GalleryList) -> String) async throws -> ByteBuffer {
        try await derived(\.renderings, key: key) { ByteBuffer(string: render($0)) }
    }

    /// Something made from the current list, kept with it by `key` (at most 1,000 of a kind).
    private func derived<T: Sendable>(
        _ kind: WritableKeyPath<ListEntry, [String: T]>, key: String, make: (GalleryList) throws -> T
    ) async throws -> T {
        let (list, _) = try await galleryList()
        if let cached = self.list.withLock({ $0?[keyPath: kind][key] }) { return cached }
        let made = try make(list)
        self.list.withLock { entry in
            // Kept with the list it was made from (not a newer one built meanwhile).
            guard var current = entry, current.list == list else { return }
            if current[keyPath: kind].count >= 1000 { current[keyPath: kind].removeAll() }
            current[keyPath: kind][key] = made
            entry = current
        }
        return made
    }

    /// The published galleries, for the JSON and the portal's list page.
    func galleryList() async throws -> (list: GalleryList, body: JSONBody) {
        let stamp = catalog.stamp()
        let epoch = clock.epoch
        let cached = list.withLock { $0 }
        if let cached, cached.stamp == stamp, cached.epoch == epoch { return (cached.list, cached.body) }
        // Single flight, as for galleries: at 100,000 photos the list takes about half a
        // second to build, and during an ingest every commit would start a herd.
        let (refresh, started) = listRefresh.withLock {
            running -> (Task<(list: GalleryList, body: JSONBody), any Error>, Bool) in
            if let task = running { return (task, false) }
            let task = Task { try await self.refreshList(stamp: stamp, cached: cached) }
            running = task
            return (task, true)
        }
        if !started, let cached, cached.epoch == epoch { return (cached.list, cached.body) }
        do {
            return try await refresh.value
        } catch  where TransientFault(error) != nil {
            guard let cached else { throw error }
            return (cached.list, cached.body)
        }
    }

    private func refreshList(stamp: CatalogStamp, cached: ListEntry?) async throws -> (
        list: GalleryList, body: JSONBody
    ) {
        defer { listRefresh.withLock { $0 = nil } }
        let epoch = clock.epoch
        let now = clock.now()
        let revision = try await catalog.listRevision()
        if let cached, cached.revision == revision, cached.epoch == epoch {
            list.withLock { $0?.stamp = stamp }
            return (cached.list, cached.body)
        }
        let built = try await catalog.galleryList(at: now)
        let body = try JSONBody(built)
        list.withLock { $0 = ListEntry(stamp: stamp, epoch: epoch, revision: revision, list: built, body: body) }
        return (built, body)
    }
}

/// A page of `GET /api/v1/galleries?limit=…`: `next` is the cursor of the following page
/// (`null` on the last), the slug it starts after, base64url-encoded so clients treat it
/// as opaque.
struct GalleryListSlice: Encodable {
    var galleries: [GallerySummary]
    var next: String?

    enum CodingKeys: String, CodingKey {
        case galleries, next
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(galleries, forKey: .galleries)
        try container.encode(next.map(Self.cursor(after:)), forKey: .next)
    }

    static func cursor(after slug: String) -> String {
        Data(slug.utf8).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
    }

    /// The position a cursor stands for: the text it encodes (the slug the page starts
    /// after). Any well-formed cursor is a position in the slug order, even one no page
    /// handed out; `nil` only for text that is not base64url.
    static func slug(fromCursor cursor: String) -> String? {
        guard (1...400).contains(cursor.count), cursor.count % 4 != 1,
            cursor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = cursor.replacing("-", with: "+").replacing("_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
