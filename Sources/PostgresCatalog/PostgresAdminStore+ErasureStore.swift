public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// Erasure on PostgreSQL (``ErasureStore``): the photo's row, overrides and retired files go,
/// a tombstone stays that holds its source hash in quarantine and answers 410 for its URLs.
extension PostgresAdminStore: ErasureStore {

    public func erase(id: AssetID, reason: String, actor: String, now: Date) async throws -> ErasureRecord? {
        try await write { connection in
            guard
                let asset = try await assets(
                    "DELETE FROM asset WHERE id = \(id.value) RETURNING \(unescaped: Self.assetColumns)",
                    on: connection
                ).first
            else { return nil }
            let tombstone = ErasureRecord(
                sourceHash: asset.sourceHash, assetId: id, path: asset.path, erasedAt: now, erasedBy: actor,
                reason: reason)
            try await connection.query(
                """
                INSERT INTO erasure (source_hash, asset_id, path, erased_at, erased_by, reason)
                VALUES (\(tombstone.sourceHash), \(id.value), \(tombstone.path), \(now), \(actor), \(reason))
                ON CONFLICT (source_hash) DO UPDATE SET asset_id = excluded.asset_id, path = excluded.path,
                    erased_at = excluded.erased_at, erased_by = excluded.erased_by, reason = excluded.reason
                """, logger: logger)
            try await connection.query("DELETE FROM asset_override WHERE asset_id = \(id.value)", logger: logger)
            try await connection.query(
                "DELETE FROM retired_variant WHERE source_hash = \(asset.sourceHash)", logger: logger)
            try await connection.query(
                """
                UPDATE audit SET old_value = NULL, new_value = NULL, target = \("asset \(id.value)")
                WHERE target = \("asset \(id.value)") OR starts_with(target, \("asset \(id.value) "))
                """, logger: logger)
            let held = tombstone.quarantineReason
            try await connection.query(
                """
                INSERT INTO quarantine (path, code, reason, file_size, modified_at, attempts, quarantined_at)
                VALUES (\(asset.path), \(held.code), \(held.message), \(asset.fileSize), \(asset.modifiedAt), 1, \(now))
                ON CONFLICT (path) DO UPDATE SET code = excluded.code, reason = excluded.reason,
                    file_size = excluded.file_size, modified_at = excluded.modified_at,
                    quarantined_at = excluded.quarantined_at
                """, logger: logger)
            try await audit(ErasureAudit.erased(tombstone), connection)
            try await bumpRevision(galleryId: asset.galleryId, now: now, connection)
            return tombstone
        }
    }

    public func erasures() async throws -> [ErasureRecord] {
        try await erasures(
            "SELECT \(unescaped: Self.erasureColumns) FROM erasure ORDER BY erased_at DESC", on: nil)
    }

    public func liftErasure(sourceHash: String, reason: String, actor: String, now: Date) async throws
        -> ErasureRecord?
    {
        try await write { connection in
            guard
                let tombstone = try await erasures(
                    "DELETE FROM erasure WHERE source_hash = \(sourceHash) RETURNING \(unescaped: Self.erasureColumns)",
                    on: connection
                ).first
            else { return nil }
            try await connection.query(
                "DELETE FROM quarantine WHERE code = 'erased' AND path = \(tombstone.path)", logger: logger)
            try await audit(ErasureAudit.lifted(tombstone, reason: reason, actor: actor, at: now), connection)
            return tombstone
        }
    }

    public func erasure(sourceHash: String) async throws -> ErasureRecord? {
        try await erasures(
            "SELECT \(unescaped: Self.erasureColumns) FROM erasure WHERE source_hash = \(sourceHash)", on: nil
        ).first
    }
}
