import Foundation
import GRDB
public import GalleryCore

/// A gallery's public JSON with the revision it was built from (the cache key).
public struct BuiltGallery: Sendable {
    public var document: GalleryDocument
    public var revision: Int
    /// The gallery's folder under the media root.
    public var folder: String
}

extension Catalog {
    /// The revision of a published gallery, or `nil` when there is no such gallery. A cheap
    /// indexed read that tells a cache whether its copy is still current.
    public func publishedRevision(slug: String) async throws -> Int? {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT revision FROM gallery WHERE slug = ? AND published", arguments: [slug])
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
    public func galleryList() async throws -> GalleryList {
        try await pool.read { db in
            let galleries = try GalleryRecord.filter(Column("published")).order(Column("slug")).fetchAll(db)
            let summaries = try galleries.map { gallery in
                let (cover, count) = try Self.items(db, of: gallery, first: 1)
                return GallerySummary(
                    slug: gallery.slug, title: gallery.title, summary: gallery.summary, itemCount: count,
                    updatedAt: gallery.updatedAt, cover: cover.first)
            }
            return GalleryList(galleries: summaries)
        }
    }

    /// `GET /api/v1/galleries/{slug}` without the consent-dependent parts (embeds, share,
    /// consent), which the server adds per request.
    public func gallery(slug: String) async throws -> BuiltGallery? {
        try await pool.read { db in
            guard let gallery = try GalleryRecord.filter(Column("slug") == slug && Column("published")).fetchOne(db)
            else { return nil }
            let document = GalleryDocument(
                slug: gallery.slug, title: gallery.title, summary: gallery.summary, updatedAt: gallery.updatedAt,
                items: try Self.items(db, of: gallery).items, consent: ConsentState(policyVersion: "", granted: []))
            return BuiltGallery(document: document, revision: gallery.revision, folder: gallery.folder)
        }
    }

    /// The visible items of a gallery in display order, numbered: all of them, or the
    /// first `limit`; and how many there are.
    static func items(_ db: Database, of gallery: GalleryRecord, first limit: Int? = nil) throws -> (
        items: [GalleryItem], count: Int
    ) {
        let visible = try Row.fetchAll(
            db,
            sql: """
                SELECT id, fileName, takenAt FROM asset
                WHERE galleryId = ?
                AND NOT EXISTS (SELECT 1 FROM assetOverride WHERE assetId = asset.id AND hidden)
                """, arguments: [gallery.id])
        var idByName: [String: String] = [:]
        for row in visible where idByName[row["fileName"]] == nil { idByName[row["fileName"]] = row["id"] }
        let order = GalleryOrder(explicitOrder: gallery.displayOrder)
            .sorted(visible.map { GalleryOrder.Entry(fileName: $0["fileName"], takenAt: $0["takenAt"]) })
        let wanted = limit.map { Array(order.prefix($0)) } ?? order
        let ids = wanted.compactMap { idByName[$0.fileName] }
        let assets = try AssetRecord.filter(keys: ids).fetchAll(db)
        let renditions = try RenditionRecord.filter(ids.contains(Column("assetId"))).fetchAll(db)
        let renditionsByAsset = Dictionary(grouping: renditions, by: \.assetId)
        let byID = Dictionary(assets.map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
        let items = wanted.enumerated().compactMap { index, entry -> GalleryItem? in
            guard let id = idByName[entry.fileName], let asset = byID[id] else { return nil }
            let rows = renditionsByAsset[asset.id] ?? []
            let files = rows.filter { $0.role != .download }.sorted {
                ($0.role, $0.width, $0.format.rawValue) < ($1.role, $1.width, $1.format.rawValue)
            }
            var download: DownloadDocument?
            if gallery.downloads, let row = rows.first(where: { $0.role == .download }),
                let variant = RenditionVariant(sourceHash: asset.sourceHash, key: asset.variantKey)
            {
                let name = DownloadName.fileName(slug: gallery.slug, position: index + 1, credit: asset.text.credit)
                download = DownloadDocument(
                    url: DownloadName.urlPath(of: variant, width: row.width, fileName: name), width: row.width,
                    height: row.height, bytes: row.bytes, fileName: name)
            }
            return GalleryItem(
                id: asset.id, position: index + 1, count: order.count, text: asset.text, width: asset.width,
                height: asset.height, takenAt: asset.takenAt, placeholder: asset.placeholder,
                renditions: files.map(\.document), download: download)
        }
        return (items, order.count)
    }
}
