public import Catalog
public import Foundation
import GRDB
public import GalleryCore

extension SQLiteStore: PublicationReader, ErasureStore {
    // MARK: PublicationReader

    public func fileAccess(sourceHash: String, at now: Date) async throws -> FileAccess? {
        try await pool.read { db in
            let current = try Self.photoRows(db, where: "a.sourceHash = ?", [sourceHash])
            if !current.isEmpty { return try Self.access(db, of: current, at: now) }
            if try ErasureRecord.fetchOne(db, key: sourceHash) != nil { return FileAccess(access: .gone, keys: []) }
            // A retired version: public while the photo that had it is (a replaced photo's
            // grace period); gone once that photo is not (deleted, withdrawn).
            let owners = try String?.fetchAll(
                db, sql: "SELECT assetId FROM retiredVariant WHERE sourceHash = ?", arguments: [sourceHash])
            guard !owners.isEmpty else { return nil }
            let ids = owners.compactMap { $0 }
            // Retired before owners were kept: the grace period as it was.
            if ids.count < owners.count { return FileAccess(access: .open, keys: []) }
            let photos = try Self.photoRows(
                db, where: "a.id IN (\(databaseQuestionMarks(count: ids.count)))", StatementArguments(ids))
            guard !photos.isEmpty else { return FileAccess(access: .gone, keys: ids.map(CacheKey.asset)) }
            return try Self.access(db, of: photos, at: now)
        }
    }

    static func access(_ db: Database, of photos: [(photo: GalleryItemPlan.Visible, galleryId: Int64)], at now: Date)
        throws -> FileAccess
    {
        var accesses: [PublicAccess] = []
        var galleries: [Int64: GalleryRecord] = [:]
        for (photo, galleryId) in photos {
            if galleries[galleryId] == nil { galleries[galleryId] = try GalleryRecord.fetchOne(db, key: galleryId) }
            guard let gallery = galleries[galleryId] else { continue }
            accesses.append(gallery.photoAccess(of: photo, schedule: gallery.sidecar?.schedule, at: now))
        }
        return FileAccess(
            access: PublicAccess.mostOpen(accesses) ?? .gone, keys: photos.map { CacheKey.asset($0.photo.id) })
    }

    public func previewAccess(path: String, at now: Date) async throws -> FileAccess? {
        try await pool.read { db in
            let folders = try String.fetchAll(
                db, sql: "SELECT galleryFolder FROM embed WHERE previewPath = ?", arguments: [path])
            guard !folders.isEmpty else { return nil }
            let galleries = try GalleryRecord.filter(folders.contains(Column("folder"))).fetchAll(db)
            return FileAccess(
                access: PublicAccess.mostOpen(galleries.map { $0.access(at: now) }) ?? .gone,
                keys: galleries.map { CacheKey.gallery($0.slug) })
        }
    }

    public func nextPublicationChange(after now: Date) async throws -> Date? {
        try await pool.read { db in
            let decoder = AssetOverrideRecord.databaseJSONDecoder(for: "schedule")
            let overrides = try String.fetchAll(
                db, sql: "SELECT schedule FROM assetOverride WHERE schedule IS NOT NULL"
            ).compactMap { try? decoder.decode(PublicationWindow.self, from: Data($0.utf8)) }
            // The times only, not whole sidecars (see PublicationSchedule.nextChange).
            let galleries = try Row.fetchAll(
                db,
                sql: """
                    SELECT publishAt, unpublishAt,
                        CASE WHEN sidecar IS NULL THEN NULL ELSE json_object(
                            'publishAt', json_extract(sidecar, '$.publishAt'),
                            'unpublishAt', json_extract(sidecar, '$.unpublishAt'),
                            'items', json((
                                SELECT json_group_object(key, json_object(
                                    'publishAt', json_extract(value, '$.publishAt'),
                                    'unpublishAt', json_extract(value, '$.unpublishAt')))
                                FROM json_each(sidecar, '$.items')
                                WHERE json_extract(value, '$.publishAt') IS NOT NULL
                                    OR json_extract(value, '$.unpublishAt') IS NOT NULL))) END AS times
                    FROM gallery
                    """
            ).map { row in
                (
                    window: PublicationWindow(publishAt: row["publishAt"], unpublishAt: row["unpublishAt"]),
                    sidecar: PublicationSchedule.sidecarTimes(row["times"])
                )
            }
            return PublicationSchedule.nextChange(galleries: galleries, photoWindows: overrides, after: now)
        }
    }

    public func galleryContents(at now: Date) async throws -> [String: GalleryContents] {
        try await pool.read { db in
            GalleryContents.of(
                galleries: try GalleryRecord.fetchAll(db), photos: try Self.photoRows(db, where: "1", []), at: now)
        }
    }

    // MARK: ErasureStore

    public func erase(id: AssetID, reason: String, actor: String, now: Date) async throws -> ErasureRecord? {
        try await pool.write { db in
            guard let asset = try AssetRecord.fetchOne(db, key: id.value) else { return nil }
            let tombstone = ErasureRecord(
                sourceHash: asset.sourceHash, assetId: id, path: asset.path, erasedAt: now, erasedBy: actor,
                reason: reason)
            try tombstone.upsert(db)
            try asset.delete(db)
            try AssetOverrideRecord.deleteOne(db, key: id.value)
            // Nothing is left to collect: the caller deletes every folder of these bytes.
            try db.execute(sql: "DELETE FROM retiredVariant WHERE sourceHash = ?", arguments: [asset.sourceHash])
            try db.execute(
                sql: "UPDATE audit SET oldValue = NULL, newValue = NULL, target = ? WHERE target LIKE ? ESCAPE '\\'",
                arguments: ["asset \(id.value)", Self.likePrefix("asset \(id.value)")])
            try QuarantineRecord(
                path: asset.path, code: tombstone.quarantineReason.code, reason: tombstone.quarantineReason.message,
                fileSize: asset.fileSize, modifiedAt: asset.modifiedAt, quarantinedAt: now
            ).upsert(db)
            _ = try ErasureAudit.erased(tombstone).inserted(db)
            try bumpRevision(db, galleryId: asset.galleryId, now: now)
            return tombstone
        }
    }

    public func erasures() async throws -> [ErasureRecord] {
        try await pool.read { db in try ErasureRecord.order(Column("erasedAt").desc).fetchAll(db) }
    }

    public func erasure(sourceHash: String) async throws -> ErasureRecord? {
        try await pool.read { db in try ErasureRecord.fetchOne(db, key: sourceHash) }
    }

    public func liftErasure(sourceHash: String, reason: String, actor: String, now: Date) async throws
        -> ErasureRecord?
    {
        try await pool.write { db in
            guard let tombstone = try ErasureRecord.fetchOne(db, key: sourceHash) else { return nil }
            try tombstone.delete(db)
            try db.execute(
                sql: "DELETE FROM quarantine WHERE code = ? AND path = ?",
                arguments: [QuarantineReason.erased("").code, tombstone.path])
            _ = try ErasureAudit.lifted(tombstone, reason: reason, actor: actor, at: now).inserted(db)
            return tombstone
        }
    }
}
