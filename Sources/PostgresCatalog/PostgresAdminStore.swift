public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// The admin's view and corrections of several machines, in PostgreSQL (``AdminStore``,
/// ``ErasureStore``): the same contract as the SQLite store's, through the same rules
/// (``AdminCorrection``), every change audited in its transaction.
public struct PostgresAdminStore: AdminStore, PostgresRows {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func quarantined() async throws -> [QuarantineRecord] {
        try await quarantine("SELECT \(unescaped: Self.quarantineColumns) FROM quarantine ORDER BY path")
    }

    public func adminAsset(id: AssetID) async throws -> AdminAssetView? {
        try await database.transaction { connection in try await adminAsset(id: id, connection) }
    }

    func adminAsset(id: AssetID, _ connection: PostgresConnection) async throws -> AdminAssetView? {
        guard
            let asset = try await assets(
                "SELECT \(unescaped: Self.assetColumns) FROM asset WHERE id = \(id.value)", on: connection
            ).first,
            let gallery = try await galleries(
                "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE id = \(asset.galleryId)", on: connection
            ).first
        else { return nil }
        return AdminAssetView(
            asset: asset, gallery: gallery,
            override: try await documents(
                AssetOverrideRecord.self, "SELECT record::text FROM asset_override WHERE asset_id = \(id.value)",
                on: connection
            ).first,
            renditions: try await renditions(
                "SELECT \(unescaped: Self.renditionColumns) FROM rendition WHERE asset_id = \(id.value)",
                on: connection))
    }

    public func adminGalleries() async throws -> [AdminGalleryView] {
        try await database.transaction { connection in
            var views: [AdminGalleryView] = []
            for gallery in try await galleries(
                "SELECT \(unescaped: Self.galleryColumns) FROM gallery ORDER BY slug", on: connection)
            {
                views.append(try await adminGallery(gallery, connection))
            }
            return views
        }
    }

    public func adminGallery(slug: String) async throws -> AdminGalleryView? {
        try await database.transaction { connection in
            guard
                let gallery = try await galleries(
                    "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE slug = \(slug)", on: connection
                ).first
            else { return nil }
            return try await adminGallery(gallery, connection)
        }
    }

    func adminGallery(_ gallery: GalleryRecord, _ connection: PostgresConnection) async throws -> AdminGalleryView {
        var assets: [AdminAssetView] = []
        for id in try await strings(
            "SELECT id FROM asset WHERE gallery_id = \(gallery.id ?? -1) ORDER BY file_name, id", on: connection)
        {
            if let id = AssetID(validating: id), let view = try await adminAsset(id: id, connection) {
                assets.append(view)
            }
        }
        return AdminGalleryView(gallery: gallery, assets: assets)
    }

    public func patchAsset(id: AssetID, _ patch: AssetPatch, actor: String, now: Date) async throws -> AssetRecord? {
        try await write { connection in
            guard
                let asset = try await assets(
                    "SELECT \(unescaped: Self.assetColumns) FROM asset WHERE id = \(id.value) FOR UPDATE",
                    on: connection
                ).first
            else { return nil }
            let existing = try await documents(
                AssetOverrideRecord.self,
                "SELECT record::text FROM asset_override WHERE asset_id = \(id.value) FOR UPDATE", on: connection
            ).first
            let gallery = try await galleries(
                "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE id = \(asset.galleryId)", on: connection
            ).first
            let correction = try AssetOverrideRecord.correcting(
                existing, of: asset, with: patch, actor: actor, now: now,
                sidecarWindow: gallery?.sidecarWindow(of: asset.fileName, schedule: gallery?.sidecar?.schedule)
                    ?? PublicationWindow())
            for entry in correction.audit { try await audit(entry, connection) }
            if correction.visibilityChanged { try await bumpRevision(galleryId: asset.galleryId, now: now, connection) }
            if correction.changed {
                try await connection.query(
                    """
                    INSERT INTO asset_override (asset_id, hidden, record)
                    VALUES (\(id.value), \(correction.override.hidden ?? false),
                        \(try PostgresDatabase.json(correction.override))::jsonb)
                    ON CONFLICT (asset_id) DO UPDATE SET hidden = excluded.hidden, record = excluded.record
                    """, logger: logger)
            }
            return asset
        }
    }

    public func patchGallery(slug: String, _ patch: GalleryPatch, actor: String, now: Date) async throws
        -> GalleryRecord?
    {
        try await write { connection in
            guard
                let gallery = try await galleries(
                    "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE slug = \(slug) FOR UPDATE",
                    on: connection
                ).first
            else { return nil }
            let existing = try await documents(
                GalleryOverrideRecord.self,
                "SELECT record::text FROM gallery_override WHERE folder = \(gallery.folder) FOR UPDATE", on: connection
            ).first
            let correction = try GalleryOverrideRecord.correcting(
                existing, of: gallery, with: patch, actor: actor, now: now)
            for entry in correction.audit { try await audit(entry, connection) }
            try await connection.query(
                """
                INSERT INTO gallery_override (folder, record) VALUES (\(gallery.folder),
                    \(try PostgresDatabase.json(correction.override))::jsonb)
                ON CONFLICT (folder) DO UPDATE SET record = excluded.record
                """, logger: logger)
            try await update(correction.gallery, connection)
            return correction.gallery
        }
    }

    public func releaseFromQuarantine(path: String, actor: String, now: Date) async throws -> Bool {
        try await write { connection in
            guard
                try await !strings("DELETE FROM quarantine WHERE path = \(path) RETURNING path", on: connection).isEmpty
            else { return false }
            try await audit(AuditRecord(at: now, actor: actor, action: "quarantine.retry", target: path), connection)
            return true
        }
    }
}
