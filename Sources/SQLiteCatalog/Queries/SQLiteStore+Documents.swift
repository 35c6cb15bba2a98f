public import Catalog
public import Foundation
import GRDB
public import GalleryCore

extension SQLiteStore {
    /// The revision of a published gallery, or `nil` when there is no such gallery. A cheap
    /// indexed read that tells a cache whether its copy is still current.
    public func publishedRevision(slug: String, at now: Date) async throws -> Int? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT revision, publishAt, unpublishAt FROM gallery WHERE slug = ? AND published",
                    arguments: [slug])
            else { return nil }
            let window = PublicationWindow(publishAt: row["publishAt"], unpublishAt: row["unpublishAt"])
            return PublicAccess.of(galleryPublished: true, gallery: window, at: now) == .open ? row["revision"] : nil
        }
    }

    public func publishedRevisions(at now: Date) async throws -> [String: Int] {
        try await pool.read { db in
            var revisions: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT slug, revision, publishAt, unpublishAt FROM gallery WHERE published")
            {
                let window = PublicationWindow(publishAt: row["publishAt"], unpublishAt: row["unpublishAt"])
                if PublicAccess.of(galleryPublished: true, gallery: window, at: now) == .open {
                    revisions[row["slug"]] = row["revision"]
                }
            }
            return revisions
        }
    }

    /// A fingerprint of every published gallery's revision, for the list's cache.
    public func listRevision() async throws -> String {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, revision FROM gallery WHERE published ORDER BY id")
            return rows.map { "\($0["id"] as Int64):\($0["revision"] as Int)" }.joined(separator: ",")
        }
    }

    /// `GET /api/v1/galleries`: published galleries, by slug, each with its size and cover.
    /// Reads the light columns of every photo (to count and order them) and whole rows only
    /// for the covers, so the list of a catalog of 100,000 photos takes a fraction of a second.
    public func galleryList(at now: Date) async throws -> GalleryList {
        try await pool.read { db in
            let galleries = try GalleryRecord.filter(Column("published")).order(Column("slug")).fetchAll(db)
                .filter { $0.access(at: now) == .open }
            let summaries = try galleries.map { gallery in
                let (cover, count) = try Self.items(db, of: gallery, at: now, first: 1)
                return GallerySummary(
                    slug: gallery.slug, title: gallery.title, summary: gallery.summary, itemCount: count,
                    updatedAt: gallery.updatedAt, cover: cover.first)
            }
            return GalleryList(galleries: summaries)
        }
    }

    /// `GET /api/v1/galleries/{slug}` without the consent-dependent parts (embeds, share,
    /// consent), which the server adds per request.
    public func gallery(slug: String, at now: Date) async throws -> BuiltGallery? {
        try await pool.read { db in
            guard let gallery = try GalleryRecord.filter(Column("slug") == slug && Column("published")).fetchOne(db),
                gallery.access(at: now) == .open
            else { return nil }
            let document = GalleryDocument(
                slug: gallery.slug, title: gallery.title, summary: gallery.summary, updatedAt: gallery.updatedAt,
                items: try Self.items(db, of: gallery, at: now).items,
                consent: ConsentState(policyVersion: "", granted: []))
            return BuiltGallery(document: document, revision: gallery.revision, folder: gallery.folder)
        }
    }

    /// The items of a gallery public at `now` in display order, numbered: all of them, or
    /// the first `limit`; and how many there are.
    static func items(_ db: Database, of gallery: GalleryRecord, at now: Date, first limit: Int? = nil) throws -> (
        items: [GalleryItem], count: Int
    ) {
        let plan = GalleryItemPlan(
            gallery: gallery, photos: try photos(db, where: "a.galleryId = ?", [gallery.id]), at: now, first: limit)
        let assets = try AssetRecord.filter(keys: plan.assetIds).fetchAll(db)
        let renditions = try RenditionRecord.filter(plan.assetIds.contains(Column("assetId"))).fetchAll(db)
        return (plan.items(assets: assets, renditions: renditions), plan.count)
    }
}

extension SQLiteStore {
    /// Photos as the publication rule needs them (``GalleryItemPlan/Visible``), with the
    /// gallery each belongs to.
    static func photos(_ db: Database, where condition: String, _ arguments: StatementArguments) throws
        -> [GalleryItemPlan.Visible]
    {
        try photoRows(db, where: condition, arguments).map(\.photo)
    }

    static func photoRows(_ db: Database, where condition: String, _ arguments: StatementArguments) throws
        -> [(photo: GalleryItemPlan.Visible, galleryId: Int64)]
    {
        let decoder = AssetOverrideRecord.databaseJSONDecoder(for: "schedule")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.fileName, a.takenAt, a.galleryId, o.hidden, o.schedule FROM asset a
                LEFT JOIN assetOverride o ON o.assetId = a.id
                WHERE \(condition)
                """, arguments: arguments
        ).map { row in
            let schedule = (row["schedule"] as String?).flatMap {
                try? decoder.decode(PublicationWindow.self, from: Data($0.utf8))
            }
            return (
                GalleryItemPlan.Visible(
                    id: row["id"], fileName: row["fileName"], takenAt: row["takenAt"],
                    hidden: row["hidden"] as Bool? ?? false, schedule: schedule),
                row["galleryId"]
            )
        }
    }
}
