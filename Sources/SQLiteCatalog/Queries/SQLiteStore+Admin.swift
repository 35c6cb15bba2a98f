public import Catalog
public import Foundation
import GRDB
public import GalleryCore

extension SQLiteStore: AdminTokenStore, AuditTrail {
    // MARK: Tokens

    public func createToken(name: String, scope: AdminScope, now: Date) async throws -> AdminToken {
        let token = AdminToken.generate()
        try await pool.write { db in
            try AdminTokenRecord(id: token.id, name: name, scope: scope, secretHash: token.secretHash, createdAt: now)
                .insert(db)
            _ = try AuditRecord(at: now, actor: "cli", action: "token.create", target: name, newValue: scope.rawValue)
                .inserted(db)
        }
        return token
    }

    public func authenticate(_ text: String, now: Date) async throws -> AdminTokenRecord? {
        guard let token = AdminToken(text: text) else { return nil }
        let record = try await pool.read { db in try AdminTokenRecord.fetchOne(db, key: token.id) }
        guard let record, record.revokedAt == nil, token.matches(secretHash: record.secretHash) else { return nil }
        // Recording use is best effort: a busy writer must not fail a read request.
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try? await pool.write { db in
                try db.execute(sql: "UPDATE adminToken SET lastUsedAt = ? WHERE id = ?", arguments: [now, record.id])
            }
        }
        return record
    }

    public func tokens() async throws -> [AdminTokenRecord] {
        try await pool.read { db in try AdminTokenRecord.order(Column("createdAt")).fetchAll(db) }
    }

    public func revokeToken(_ nameOrID: String, now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE adminToken SET revokedAt = ? WHERE (name = ? OR id = ?) AND revokedAt IS NULL",
                arguments: [now, nameOrID, nameOrID])
            let count = db.changesCount
            if count > 0 {
                _ = try AuditRecord(at: now, actor: "cli", action: "token.revoke", target: nameOrID).inserted(db)
            }
            return count
        }
    }

    // MARK: Audit

    public func audit(since: Date?, limit: Int) async throws -> [AuditRecord] {
        try await pool.read { db in
            var request = AuditRecord.order(Column("id").desc).limit(max(1, min(limit, 1000)))
            if let since { request = request.filter(Column("at") >= since) }
            return try request.fetchAll(db)
        }
    }
}

extension SQLiteStore {
    // MARK: Assets

    public func adminAsset(id: AssetID) async throws -> AdminAssetView? {
        try await pool.read { db in try Self.adminAsset(db, id: id) }
    }

    static func adminAsset(_ db: Database, id: AssetID) throws -> AdminAssetView? {
        guard let asset = try AssetRecord.fetchOne(db, key: id.value),
            let gallery = try GalleryRecord.fetchOne(db, key: asset.galleryId)
        else { return nil }
        return AdminAssetView(
            asset: asset, gallery: gallery, override: try AssetOverrideRecord.fetchOne(db, key: id.value),
            renditions: try RenditionRecord.filter(Column("assetId") == id.value).fetchAll(db))
    }

    public func patchAsset(id: AssetID, _ patch: AssetPatch, actor: String, now: Date) async throws
        -> AssetRecord?
    {
        try await pool.write { db in
            guard let asset = try AssetRecord.fetchOne(db, key: id.value) else { return nil }
            let gallery = try GalleryRecord.fetchOne(db, key: asset.galleryId)
            let correction = try AssetOverrideRecord.correcting(
                try AssetOverrideRecord.fetchOne(db, key: id.value), of: asset, with: patch, actor: actor, now: now,
                sidecarWindow: gallery?.sidecarWindow(of: asset.fileName, schedule: gallery?.sidecar?.schedule)
                    ?? PublicationWindow())
            for var entry in correction.audit { try entry.insert(db) }
            if correction.visibilityChanged { try bumpRevision(db, galleryId: asset.galleryId, now: now) }
            if correction.changed { try correction.override.upsert(db) }
            return asset
        }
    }

    // MARK: Galleries

    public func adminGalleries() async throws -> [AdminGalleryView] {
        try await pool.read { db in
            try GalleryRecord.order(Column("slug")).fetchAll(db).map { try Self.adminGallery(db, $0) }
        }
    }

    public func adminGallery(slug: String) async throws -> AdminGalleryView? {
        try await pool.read { db in
            guard let gallery = try GalleryRecord.filter(Column("slug") == slug).fetchOne(db) else { return nil }
            return try Self.adminGallery(db, gallery)
        }
    }

    static func adminGallery(_ db: Database, _ gallery: GalleryRecord) throws -> AdminGalleryView {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM asset WHERE galleryId = ? ORDER BY fileName", arguments: [gallery.id])
        let assets = try ids.compactMap { id in try AssetID(validating: id).flatMap { try adminAsset(db, id: $0) } }
        return AdminGalleryView(gallery: gallery, assets: assets)
    }

    public func patchGallery(slug: String, _ patch: GalleryPatch, actor: String, now: Date) async throws
        -> GalleryRecord?
    {
        try await pool.write { db in
            guard let gallery = try GalleryRecord.filter(Column("slug") == slug).fetchOne(db) else { return nil }
            let correction = try GalleryOverrideRecord.correcting(
                try GalleryOverrideRecord.fetchOne(db, key: gallery.folder), of: gallery, with: patch, actor: actor,
                now: now)
            for var entry in correction.audit { try entry.insert(db) }
            try correction.override.upsert(db)
            try correction.gallery.update(db)
            return correction.gallery
        }
    }

    // MARK: Quarantine

    /// Forgets a quarantine entry so that the file is tried again; false if none.
    public func releaseFromQuarantine(path: String, actor: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            guard try QuarantineRecord.deleteOne(db, key: path) else { return false }
            _ = try AuditRecord(at: now, actor: actor, action: "quarantine.retry", target: path).inserted(db)
            return true
        }
    }
}
