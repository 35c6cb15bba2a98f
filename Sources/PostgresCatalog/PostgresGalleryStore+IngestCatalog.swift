public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// What the workers read and publish (``IngestCatalog``).
extension PostgresGalleryStore: IngestCatalog {
    public func asset(atPath path: String) async throws -> AssetRecord? {
        try await assets("SELECT \(unescaped: Self.assetColumns) FROM asset WHERE path = \(path)").first
    }

    public func quarantineEntry(atPath path: String) async throws -> QuarantineRecord? {
        try await quarantine("SELECT \(unescaped: Self.quarantineColumns) FROM quarantine WHERE path = \(path)").first
    }

    public func quarantined() async throws -> [QuarantineRecord] {
        try await quarantine("SELECT \(unescaped: Self.quarantineColumns) FROM quarantine ORDER BY path")
    }

    public func gallery(folder: String) async throws -> GalleryRecord? {
        try await galleries("SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE folder = \(folder)").first
    }

    public func gallery(id: Int64) async throws -> GalleryRecord? {
        try await galleries("SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE id = \(id)").first
    }

    public func galleries() async throws -> [GalleryRecord] {
        try await galleries("SELECT \(unescaped: Self.galleryColumns) FROM gallery ORDER BY slug")
    }

    public func knownFiles() async throws -> [String: KnownFile] {
        var files: [String: KnownFile] = [:]
        for try await (path, fileSize, modifiedAt, sourceHash) in try await client.query(
            "SELECT path, file_size, modified_at, source_hash FROM asset", logger: logger
        ).decode((String, Int64, Double, String).self) {
            files[path] = KnownFile(
                path: path, fileSize: Int(fileSize), modifiedAt: modifiedAt, sourceHash: sourceHash,
                isQuarantined: false)
        }
        for try await (path, fileSize, modifiedAt) in try await client.query(
            "SELECT path, file_size, modified_at FROM quarantine", logger: logger
        ).decode((String, Int64?, Double?).self) {
            files[path] = KnownFile(
                path: path, fileSize: fileSize.map(Int.init) ?? -1, modifiedAt: modifiedAt ?? -1, sourceHash: nil,
                isQuarantined: true)
        }
        return files
    }

    public func overrides(for id: AssetID) async throws -> TextOverrides? {
        try await documents(
            AssetOverrideRecord.self, "SELECT record::text FROM asset_override WHERE asset_id = \(id.value)", on: nil
        ).first?.texts
    }

    public func assetSharingRenditions(sourceHash: String, variantKey: String) async throws -> (
        AssetRecord, [RenditionRecord]
    )? {
        guard
            let asset = try await assets(
                """
                SELECT \(unescaped: Self.assetColumns) FROM asset
                WHERE source_hash = \(sourceHash) AND variant_key = \(variantKey) ORDER BY id LIMIT 1
                """
            ).first
        else { return nil }
        return (
            asset,
            try await renditions(
                "SELECT \(unescaped: Self.renditionColumns) FROM rendition WHERE asset_id = \(asset.id.value)")
        )
    }

    public func assetPaths(under prefix: String) async throws -> [String] {
        try await strings("SELECT path FROM asset WHERE starts_with(path, \(prefix + "/"))")
    }

    public func download(of id: AssetID) async throws -> RenditionRecord? {
        try await renditions(
            """
            SELECT \(unescaped: Self.renditionColumns) FROM rendition
            WHERE asset_id = \(id.value) AND role = \(RenditionRole.download.rawValue)
            """
        ).first
    }

    // MARK: IngestCatalog: writes

    @discardableResult
    public func syncGallery(
        folder: String, sidecar: GallerySidecar?, sidecarError: String?, siteDownloads: Bool, now: Date
    ) async throws -> GalleryRecord {
        try await write { connection in
            // One sync of a folder at a time, across nodes (two would both insert).
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(folder)))", logger: logger)
            let override = try await documents(
                GalleryOverrideRecord.self, "SELECT record::text FROM gallery_override WHERE folder = \(folder)",
                on: connection
            ).first
            let sync = GallerySync(
                folder: folder, sidecar: sidecar, sidecarError: sidecarError, override: override,
                siteDownloads: siteDownloads, now: now)
            try sync.checkSlug(
                heldBy: try await strings(
                    "SELECT folder FROM gallery WHERE slug = \(sync.fresh.slug) AND folder <> \(folder)", on: connection
                ).first)
            let existing = try await galleries(
                "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE folder = \(folder)", on: connection
            ).first
            switch sync.outcome(existing: existing) {
            case .insert(var record):
                for try await id in try await connection.query(
                    """
                    INSERT INTO gallery (folder, slug, published, revision, updated_at, publish_at, unpublish_at, record)
                    VALUES (\(folder), \(record.slug), \(record.published), \(record.revision), \(now),
                        \(record.publishAt), \(record.unpublishAt), \(try PostgresDatabase.json(record))::jsonb)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) {
                    record.id = id
                }
                return record
            case .unchanged(let record):
                return record
            case .update(let record):
                try await update(record, connection)
                return record
            }
        }
    }

    public func updateText(of id: AssetID, to text: BoundText, galleryId: Int64, now: Date) async throws {
        try await write { connection in
            guard
                var asset = try await assets(
                    "SELECT \(unescaped: Self.assetColumns) FROM asset WHERE id = \(id.value) FOR UPDATE",
                    on: connection
                ).first
            else { return }
            let previousGallery = asset.galleryId
            asset.text = text
            asset.galleryId = galleryId
            asset.updatedAt = now
            try await upsert(asset, connection)
            try await bumpRevision(galleryId: galleryId, now: now, connection)
            if previousGallery != galleryId { try await bumpRevision(galleryId: previousGallery, now: now, connection) }
        }
    }

    public func commit(asset: AssetRecord, renditions: [RenditionRecord], now: Date) async throws {
        try await write { connection in
            if let previous = try await assets(
                "SELECT \(unescaped: Self.assetColumns) FROM asset WHERE id = \(asset.id.value) FOR UPDATE",
                on: connection
            ).first, previous.sourceHash != asset.sourceHash || previous.variantKey != asset.variantKey {
                try await retire(previous, now: now, connection)
            }
            try await connection.query("DELETE FROM rendition WHERE asset_id = \(asset.id.value)", logger: logger)
            try await upsert(asset, connection)
            for rendition in renditions { try await insert(rendition, connection) }
            try await connection.query("DELETE FROM quarantine WHERE path = \(asset.path)", logger: logger)
            try await bumpRevision(galleryId: asset.galleryId, now: now, connection)
        }
    }

    @discardableResult
    public func setDownload(of id: AssetID, variantKey: String, to rendition: RenditionRecord?, now: Date)
        async throws -> Bool
    {
        try await write { connection in
            guard
                let asset = try await assets(
                    "SELECT \(unescaped: Self.assetColumns) FROM asset WHERE id = \(id.value) FOR UPDATE",
                    on: connection
                ).first, asset.variantKey == variantKey
            else { return false }
            let removed = try await strings(
                """
                DELETE FROM rendition WHERE asset_id = \(id.value) AND role = \(RenditionRole.download.rawValue)
                RETURNING path
                """, on: connection
            ).count
            guard rendition != nil || removed > 0 else { return true }
            if let rendition { try await insert(rendition, connection) }
            try await bumpRevision(galleryId: asset.galleryId, now: now, connection)
            return true
        }
    }

    public func touch(path: String, fileSize: Int, modifiedAt: Double) async throws {
        try await write { connection in
            try await connection.query(
                "UPDATE asset SET file_size = \(Int64(fileSize)), modified_at = \(modifiedAt) WHERE path = \(path)",
                logger: logger)
        }
    }

    public func quarantine(_ entry: QuarantineRecord, now: Date) async throws {
        try await write { connection in
            try await connection.query(
                """
                INSERT INTO quarantine (path, code, reason, file_size, modified_at, attempts, quarantined_at)
                VALUES (\(entry.path), \(entry.code), \(entry.reason), \(entry.fileSize.map(Int64.init)),
                    \(entry.modifiedAt), \(entry.attempts), \(entry.quarantinedAt))
                ON CONFLICT (path) DO UPDATE SET
                    code = excluded.code, reason = excluded.reason, file_size = excluded.file_size,
                    modified_at = excluded.modified_at, attempts = quarantine.attempts + 1,
                    quarantined_at = excluded.quarantined_at
                """, logger: logger)
            if let asset = try await assets(
                "DELETE FROM asset WHERE path = \(entry.path) RETURNING \(unescaped: Self.assetColumns)", on: connection
            ).first {
                try await retire(asset, now: now, connection)
                try await bumpRevision(galleryId: asset.galleryId, now: now, connection)
            }
        }
    }

    @discardableResult
    public func removeFile(path: String, now: Date) async throws -> Bool {
        try await write { connection in
            let quarantined = try await !strings(
                "DELETE FROM quarantine WHERE path = \(path) RETURNING path", on: connection
            ).isEmpty
            guard
                let asset = try await assets(
                    "DELETE FROM asset WHERE path = \(path) RETURNING \(unescaped: Self.assetColumns)", on: connection
                ).first
            else { return quarantined }
            try await retire(asset, now: now, connection)
            try await bumpRevision(galleryId: asset.galleryId, now: now, connection)
            return true
        }
    }

    public func removeGallery(folder: String, now: Date) async throws {
        try await write { connection in
            for asset in try await assets(
                """
                SELECT \(unescaped: Self.assetColumns) FROM asset
                WHERE gallery_id = (SELECT id FROM gallery WHERE folder = \(folder))
                """, on: connection)
            {
                try await retire(asset, now: now, connection)
            }
            try await connection.query("DELETE FROM gallery WHERE folder = \(folder)", logger: logger)
            try await connection.query(
                "DELETE FROM quarantine WHERE starts_with(path, \(folder + "/"))", logger: logger)
        }
    }

    public func collectableVariants(retiredBefore cutoff: Date) async throws -> [VariantLocation] {
        var variants: [VariantLocation] = []
        for try await (sourceHash, variantKey) in try await client.query(
            """
            SELECT source_hash, variant_key FROM retired_variant r
            WHERE retired_at < \(cutoff) AND NOT EXISTS (
                SELECT 1 FROM asset a WHERE a.source_hash = r.source_hash AND a.variant_key = r.variant_key)
            """, logger: logger
        ).decode((String, String).self) {
            variants.append(VariantLocation(sourceHash: sourceHash, variantKey: variantKey))
        }
        return variants
    }

    public func forgetRetired(_ variants: [VariantLocation]) async throws {
        try await database.transaction { connection in
            for variant in variants {
                try await connection.query(
                    """
                    DELETE FROM retired_variant
                    WHERE source_hash = \(variant.sourceHash) AND variant_key = \(variant.variantKey)
                    """, logger: logger)
            }
            try await connection.query(
                """
                DELETE FROM retired_variant r WHERE EXISTS (
                    SELECT 1 FROM asset a WHERE a.source_hash = r.source_hash AND a.variant_key = r.variant_key)
                """, logger: logger)
        }
    }

    public func storedValue(_ key: String) async throws -> String? {
        try await strings("SELECT value FROM setting WHERE key = \(key)").first
    }

    public func store(_ value: String, for key: String) async throws {
        try await client.query(
            """
            INSERT INTO setting (key, value) VALUES (\(key), \(value))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }

    public func erasure(sourceHash: String) async throws -> ErasureRecord? {
        try await erasures(
            "SELECT \(unescaped: Self.erasureColumns) FROM erasure WHERE source_hash = \(sourceHash)", on: nil
        ).first
    }
}
