public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// What the web nodes read (``GalleryReader``): one query per answer, through the
/// publication rule.
extension PostgresGalleryStore: GalleryReader {
    public func stamp() -> CatalogStamp { database.stamp() }

    public func availability() -> CatalogAvailability { database.availability }

    public func publishedRevision(slug: String, at now: Date) async throws -> Int? {
        for try await (revision, publishAt, unpublishAt) in try await client.query(
            "SELECT revision, publish_at, unpublish_at FROM gallery WHERE slug = \(slug) AND published", logger: logger
        ).decode((Int64, Date?, Date?).self) {
            let window = PublicationWindow(publishAt: publishAt, unpublishAt: unpublishAt)
            return PublicAccess.of(galleryPublished: true, gallery: window, at: now) == .open ? Int(revision) : nil
        }
        return nil
    }

    public func publishedRevisions(at now: Date) async throws -> [String: Int] {
        var revisions: [String: Int] = [:]
        for try await (slug, revision, publishAt, unpublishAt) in try await client.query(
            "SELECT slug, revision, publish_at, unpublish_at FROM gallery WHERE published", logger: logger
        ).decode((String, Int64, Date?, Date?).self) {
            let window = PublicationWindow(publishAt: publishAt, unpublishAt: unpublishAt)
            if PublicAccess.of(galleryPublished: true, gallery: window, at: now) == .open {
                revisions[slug] = Int(revision)
            }
        }
        return revisions
    }

    public func listRevision() async throws -> String {
        var parts: [String] = []
        for try await (id, revision) in try await client.query(
            "SELECT id, revision FROM gallery WHERE published ORDER BY id", logger: logger
        ).decode((Int64, Int64).self) {
            parts.append("\(id):\(revision)")
        }
        return parts.joined(separator: ",")
    }

    public func galleryList(at now: Date) async throws -> GalleryList {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var summaries: [GallerySummary] = []
            for gallery in try await galleries(
                "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE published ORDER BY slug", on: connection)
            where gallery.access(at: now) == .open {
                let (cover, count) = try await items(of: gallery, at: now, first: 1, connection)
                summaries.append(
                    GallerySummary(
                        slug: gallery.slug, title: gallery.title, summary: gallery.summary, itemCount: count,
                        updatedAt: gallery.updatedAt, cover: cover.first))
            }
            return GalleryList(galleries: summaries)
        }
    }

    public func gallery(slug: String, at now: Date) async throws -> BuiltGallery? {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            guard
                let gallery = try await galleries(
                    "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE slug = \(slug) AND published",
                    on: connection
                ).first, gallery.access(at: now) == .open
            else { return nil }
            let document = GalleryDocument(
                slug: gallery.slug, title: gallery.title, summary: gallery.summary, updatedAt: gallery.updatedAt,
                items: try await items(of: gallery, at: now, first: nil, connection).items,
                consent: ConsentState(policyVersion: "", granted: []))
            return BuiltGallery(document: document, revision: gallery.revision, folder: gallery.folder)
        }
    }

    /// The items of a gallery public at `now` in display order (``GalleryItemPlan``).
    func items(of gallery: GalleryRecord, at now: Date, first limit: Int?, _ connection: PostgresConnection)
        async throws -> (items: [GalleryItem], count: Int)
    {
        let photos = try await photoRows(.gallery(gallery.id ?? -1), on: connection).map(\.photo)
        let plan = GalleryItemPlan(gallery: gallery, photos: photos, at: now, first: limit)
        let ids = plan.assetIds
        let assets = try await assets(
            "SELECT \(unescaped: Self.assetColumns) FROM asset WHERE id = ANY(\(ids))", on: connection)
        let renditions = try await renditions(
            "SELECT \(unescaped: Self.renditionColumns) FROM rendition WHERE asset_id = ANY(\(ids))", on: connection)
        return (plan.items(assets: assets, renditions: renditions), plan.count)
    }
}
