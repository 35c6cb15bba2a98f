public import Catalog
public import Foundation
import GRDB
public import GalleryCore

extension SQLiteStore {
    public func asset(atPath path: String) async throws -> AssetRecord? {
        try await pool.read { db in try AssetRecord.filter(Column("path") == path).fetchOne(db) }
    }

    public func quarantineEntry(atPath path: String) async throws -> QuarantineRecord? {
        try await pool.read { db in try QuarantineRecord.fetchOne(db, key: path) }
    }

    public func quarantined() async throws -> [QuarantineRecord] {
        try await pool.read { db in try QuarantineRecord.order(Column("path")).fetchAll(db) }
    }

    public func gallery(folder: String) async throws -> GalleryRecord? {
        try await pool.read { db in try GalleryRecord.filter(Column("folder") == folder).fetchOne(db) }
    }

    public func gallery(id: Int64) async throws -> GalleryRecord? {
        try await pool.read { db in try GalleryRecord.fetchOne(db, key: id) }
    }

    /// An asset's print-quality download, if published.
    public func download(of id: AssetID) async throws -> RenditionRecord? {
        try await pool.read { db in
            try RenditionRecord.filter(
                Column("assetId") == id.value && Column("role") == RenditionRole.download.rawValue
            ).fetchOne(db)
        }
    }

    public func galleries() async throws -> [GalleryRecord] {
        try await pool.read { db in try GalleryRecord.order(Column("slug")).fetchAll(db) }
    }

    /// Every file the catalog holds, published or quarantined, by path.
    public func knownFiles() async throws -> [String: KnownFile] {
        try await pool.read { db in
            var files: [String: KnownFile] = [:]
            let assets = try Row.fetchCursor(db, sql: "SELECT path, fileSize, modifiedAt, sourceHash FROM asset")
            while let row = try assets.next() {
                let path: String = row["path"]
                files[path] = KnownFile(
                    path: path, fileSize: row["fileSize"], modifiedAt: row["modifiedAt"], sourceHash: row["sourceHash"],
                    isQuarantined: false)
            }
            let held = try Row.fetchCursor(db, sql: "SELECT path, fileSize, modifiedAt FROM quarantine")
            while let row = try held.next() {
                let path: String = row["path"]
                files[path] = KnownFile(
                    path: path, fileSize: row["fileSize"] ?? -1, modifiedAt: row["modifiedAt"] ?? -1, sourceHash: nil,
                    isQuarantined: true)
            }
            return files
        }
    }

    /// Creates or updates the gallery of a folder from its sidecar. The items' texts are
    /// bound again by the file jobs, which see the new record's revision change.
    ///
    /// - Throws: ``QuarantineReason/slugCollision(slug:folder:)`` when another folder has
    ///   the slug already.
    @discardableResult
    public func syncGallery(
        folder: String, sidecar: GallerySidecar?, sidecarError: String?, siteDownloads: Bool,
        now: Date
    ) async throws -> GalleryRecord {
        try await pool.write { db in
            let sync = GallerySync(
                folder: folder, sidecar: sidecar, sidecarError: sidecarError,
                override: try GalleryOverrideRecord.fetchOne(db, key: folder), siteDownloads: siteDownloads, now: now)
            try sync.checkSlug(
                heldBy: try String.fetchOne(
                    db, sql: "SELECT folder FROM gallery WHERE slug = ? AND folder <> ?",
                    arguments: [sync.fresh.slug, folder]))
            switch sync.outcome(existing: try GalleryRecord.filter(Column("folder") == folder).fetchOne(db)) {
            case .insert(var record):
                try record.insert(db)
                return record
            case .unchanged(let record):
                return record
            case .update(let record):
                try record.update(db)
                return record
            }
        }
    }

    /// Replaces an asset's bound texts (JSON only; renditions unchanged).
    public func updateText(of id: AssetID, to text: BoundText, galleryId: Int64, now: Date) async throws {
        try await pool.write { db in
            guard var asset = try AssetRecord.fetchOne(db, key: id.value) else { return }
            let previousGallery = asset.galleryId
            asset.text = text
            asset.galleryId = galleryId
            asset.updatedAt = now
            try asset.update(db)
            try bumpRevision(db, galleryId: galleryId, now: now)
            if previousGallery != galleryId { try bumpRevision(db, galleryId: previousGallery, now: now) }
        }
    }

    /// Publishes a new or changed asset with its renditions, in one transaction: old
    /// renditions rows replaced, quarantine entry cleared, gallery revision bumped.
    public func commit(asset: AssetRecord, renditions: [RenditionRecord], now: Date) async throws {
        try await pool.write { db in
            if let previous = try AssetRecord.fetchOne(db, key: asset.id.value),
                previous.sourceHash != asset.sourceHash || previous.variantKey != asset.variantKey
            {
                try retire(db, previous, now: now)
            }
            try RenditionRecord.filter(Column("assetId") == asset.id.value).deleteAll(db)
            try asset.upsert(db)
            for rendition in renditions { try rendition.insert(db) }
            try QuarantineRecord.deleteOne(db, key: asset.path)
            try bumpRevision(db, galleryId: asset.galleryId, now: now)
        }
    }

    /// Publishes (or, with `nil`, withdraws) an asset's print-quality download, if the asset
    /// is still the version it was made from; returns false otherwise (a newer version was
    /// published meanwhile, and has its own download job).
    @discardableResult
    public func setDownload(
        of id: AssetID, variantKey: String, to rendition: RenditionRecord?, now: Date
    ) async throws -> Bool {
        try await pool.write { db in
            guard let asset = try AssetRecord.fetchOne(db, key: id.value), asset.variantKey == variantKey else {
                return false
            }
            let removed = try RenditionRecord.filter(
                Column("assetId") == id.value && Column("role") == RenditionRole.download.rawValue
            ).deleteAll(db)
            guard rendition != nil || removed > 0 else { return true }
            if let rendition { try rendition.insert(db) }
            try bumpRevision(db, galleryId: asset.galleryId, now: now)
            return true
        }
    }

    /// Records that a file's metadata changed (touched, copied back) but not its bytes.
    public func touch(path: String, fileSize: Int, modifiedAt: Double) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE asset SET fileSize = ?, modifiedAt = ? WHERE path = ?",
                arguments: [fileSize, modifiedAt, path])
        }
    }

    /// Holds a file back with its reason; a published older version of it is withdrawn.
    public func quarantine(_ entry: QuarantineRecord, now: Date) async throws {
        try await pool.write { db in
            var entry = entry
            if let previous = try QuarantineRecord.fetchOne(db, key: entry.path) {
                entry.attempts = previous.attempts + 1
            }
            try entry.upsert(db)
            if let asset = try AssetRecord.filter(Column("path") == entry.path).fetchOne(db) {
                try asset.delete(db)
                try retire(db, asset, now: now)
                try bumpRevision(db, galleryId: asset.galleryId, now: now)
            }
        }
    }

    /// Forgets a file that left the media folder: its asset, renditions rows and quarantine
    /// entry. The rendition files are collected later, after a grace period.
    @discardableResult
    public func removeFile(path: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            let quarantined = try QuarantineRecord.deleteOne(db, key: path)
            guard let asset = try AssetRecord.filter(Column("path") == path).fetchOne(db) else { return quarantined }
            try asset.delete(db)
            try retire(db, asset, now: now)
            try bumpRevision(db, galleryId: asset.galleryId, now: now)
            return true
        }
    }

    /// Forgets a gallery whose folder is gone, with all its assets.
    public func removeGallery(folder: String, now: Date) async throws {
        try await pool.write { db in
            if let gallery = try GalleryRecord.filter(Column("folder") == folder).fetchOne(db) {
                for asset in try AssetRecord.filter(Column("galleryId") == gallery.id).fetchAll(db) {
                    try retire(db, asset, now: now)
                }
                try gallery.delete(db)
            }
            try db.execute(
                sql: "DELETE FROM quarantine WHERE path LIKE ? ESCAPE '\\'",
                arguments: [Self.likePrefix(folder + "/")])
        }
    }

    /// Notes that an asset's rendition folder may no longer be needed; it is collected after
    /// the grace period unless an asset uses it again by then.
    func retire(_ db: Database, _ asset: AssetRecord, now: Date) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO retiredVariant (sourceHash, variantKey, retiredAt, assetId)
                VALUES (?, ?, ?, ?)
                """,
            arguments: [asset.sourceHash, asset.variantKey, now, asset.id.value])
    }

    func bumpRevision(_ db: Database, galleryId: Int64, now: Date) throws {
        try db.execute(
            sql: "UPDATE gallery SET revision = revision + 1, updatedAt = ? WHERE id = ?", arguments: [now, galleryId])
    }

    static func likePrefix(_ prefix: String) -> String {
        prefix.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%"
    }
}

extension SQLiteStore {
    /// An asset whose renditions were made from the same bytes with the same credit, so
    /// that a copy of a file in a second gallery reuses them.
    public func assetSharingRenditions(sourceHash: String, variantKey: String) async throws -> (
        AssetRecord, [RenditionRecord]
    )? {
        try await pool.read { db in
            guard
                let asset = try AssetRecord.filter(
                    Column("sourceHash") == sourceHash && Column("variantKey") == variantKey
                )
                .fetchOne(db)
            else { return nil }
            let renditions = try RenditionRecord.filter(Column("assetId") == asset.id.value).fetchAll(db)
            return (asset, renditions)
        }
    }
}
