public import Foundation
public import GalleryCore

/// Whether a file made from the catalog's photos (a rendition, a download, an embed's
/// preview) may be served now, and the cache keys of what it shows.
public struct FileAccess: Sendable, Equatable {
    public var access: PublicAccess
    /// ``CacheKey``s: the assets (or the gallery, for a preview) the file belongs to.
    public var keys: [String]

    public init(access: PublicAccess, keys: [String]) {
        self.access = access
        self.keys = keys
    }
}

/// The keys a shared cache in front files public answers under (`cache.tagHeader`), and
/// purges by: a gallery, a photo, the list.
public enum CacheKey {
    public static let galleries = "galleries"
    public static func gallery(_ slug: String) -> String { "gallery:" + slug }
    public static func asset(_ id: String) -> String { "asset:" + id }
}

/// One gallery as the purger compares it: its revision, whether it is public, the photos
/// it shows and all its photos (shown or not), by asset id.
public struct GalleryContents: Sendable, Equatable {
    public var revision: Int
    public var isPublic: Bool
    /// Public now (empty while the gallery is not).
    public var shown: Set<String>
    public var all: Set<String>

    public init(revision: Int, isPublic: Bool, shown: Set<String>, all: Set<String>) {
        self.revision = revision
        self.isPublic = isPublic
        self.shown = shown
        self.all = all
    }

    /// Every gallery's contents at `now`, from its record and its photos (the rows both
    /// stores read).
    package static func of(
        galleries: [GalleryRecord], photos: [(photo: GalleryItemPlan.Visible, galleryId: Int64)], at now: Date
    ) -> [String: GalleryContents] {
        var contents: [Int64: GalleryContents] = [:]
        var byId: [Int64: GalleryRecord] = [:]
        var schedules: [Int64: SidecarSchedule] = [:]
        for gallery in galleries {
            guard let id = gallery.id else { continue }
            byId[id] = gallery
            schedules[id] = gallery.sidecar?.schedule
            contents[id] = GalleryContents(
                revision: gallery.revision, isPublic: gallery.access(at: now) == .open, shown: [], all: [])
        }
        for (photo, galleryId) in photos {
            guard let gallery = byId[galleryId] else { continue }
            contents[galleryId]?.all.insert(photo.id)
            if contents[galleryId]?.isPublic == true,
                gallery.photoAccess(of: photo, schedule: schedules[galleryId] ?? nil, at: now) == .open
            {
                contents[galleryId]?.shown.insert(photo.id)
            }
        }
        return Dictionary(
            contents.compactMap { id, value in byId[id].map { ($0.slug, value) } }, uniquingKeysWith: { a, _ in a })
    }
}

/// What the publication rule needs besides the gallery documents, named for what the
/// public routes, the node's timer and the purger do with it. Both stores answer through
/// ``PublicAccess``, the one rule.
public protocol PublicationReader: Sendable {
    /// A rendition's or download's bytes by the SHA-256 of their original: public if a
    /// photo with those bytes is (or, for a replaced photo's older version, the photo that
    /// replaced it); gone for a withdrawn, deleted or erased one; nil when unknown.
    func fileAccess(sourceHash: String, at now: Date) async throws -> FileAccess?
    /// An embed preview (its path under `previews/`): public while its gallery is; nil when
    /// no embed has it.
    func previewAccess(path: String, at now: Date) async throws -> FileAccess?
    /// The next instant after `now` at which any gallery or photo becomes public or stops
    /// being so (nil: none scheduled).
    func nextPublicationChange(after now: Date) async throws -> Date?
    /// Every gallery by slug, with the photos it shows at `now` and all its photos.
    func galleryContents(at now: Date) async throws -> [String: GalleryContents]
}

/// Erasure: a photo's derivatives and content removed for good, a tombstone kept.
public protocol ErasureStore: Sendable {
    /// Removes the asset (its row, renditions rows, overrides, texts) and keeps its tombstone
    /// in one transaction; earlier audit entries of the asset lose their values. The caller
    /// deletes the rendition files. Nil when there is no such asset.
    func erase(id: AssetID, reason: String, actor: String, now: Date) async throws -> ErasureRecord?
    func erasures() async throws -> [ErasureRecord]
    func erasure(sourceHash: String) async throws -> ErasureRecord?
    /// Removes a tombstone (audited with `reason`) and the quarantine entry it made; nil
    /// when there is none.
    func liftErasure(sourceHash: String, reason: String, actor: String, now: Date) async throws -> ErasureRecord?
}
