public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// Galleries, assets, renditions, quarantine, overrides and embeds of several machines, in
/// PostgreSQL: what the workers publish (``IngestCatalog``), the web nodes read
/// (``GalleryReader``), the admin API corrects (``AdminStore``), and the embeds of all three
/// (``EmbedStore``). Same contracts as the SQLite catalog's; every change a reader can see
/// happens in one transaction and moves its gallery's revision, and every node's caches
/// learn of it through `LISTEN/NOTIFY` (``PostgresDatabase/stamp()``).
///
/// A record's fields are kept as its Codable JSON in a `record` column, beside the columns
/// that are queried, constrained or changed in place (which win when both hold a field).
public struct PostgresGalleryStore: IngestCatalog, GalleryReader, EmbedStore, AdminStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    var client: PostgresDatabase { database }
    var logger: Logger { database.logger }

    /// A write transaction; this node's caches see it at once.
    func write<Result: Sendable>(_ body: (PostgresConnection) async throws -> sending Result) async throws
        -> sending Result
    {
        let result = try await database.transaction(body)
        database.noteChange()
        return result
    }

    // MARK: Reading rows

    static let galleryColumns = "id, revision, updated_at, record::text"
    static let assetColumns = "gallery_id, file_size, modified_at, record::text"
    static let renditionColumns = "asset_id, role, width, height, format, bytes, path"
    static let quarantineColumns = "path, code, reason, file_size, modified_at, attempts, quarantined_at"

    func galleries(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [GalleryRecord] {
        var records: [GalleryRecord] = []
        for try await (id, revision, updatedAt, json) in try await run(query, on: connection).decode(
            (Int64, Int64, Date, String).self)
        {
            var record = try PostgresDatabase.decode(GalleryRecord.self, json)
            (record.id, record.revision, record.updatedAt) = (id, Int(revision), updatedAt)
            records.append(record)
        }
        return records
    }

    func assets(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [AssetRecord] {
        var records: [AssetRecord] = []
        for try await (galleryId, fileSize, modifiedAt, json) in try await run(query, on: connection).decode(
            (Int64, Int64, Double, String).self)
        {
            var record = try PostgresDatabase.decode(AssetRecord.self, json)
            (record.galleryId, record.fileSize, record.modifiedAt) = (galleryId, Int(fileSize), modifiedAt)
            records.append(record)
        }
        return records
    }

    func renditions(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws
        -> [RenditionRecord]
    {
        var records: [RenditionRecord] = []
        for try await (assetId, role, width, height, format, bytes, path) in try await run(query, on: connection)
            .decode((String, String, Int, Int, String, Int64, String).self)
        {
            guard let id = AssetID(validating: assetId), let role = RenditionRole(rawValue: role),
                let format = OutputFormat(rawValue: format)
            else { throw PostgresCatalogError.unreadable("rendition \(assetId) \(role) \(format)") }
            records.append(
                RenditionRecord(
                    assetId: id, role: role, width: width, height: height, format: format, bytes: Int(bytes),
                    path: path))
        }
        return records
    }

    func quarantine(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws
        -> [QuarantineRecord]
    {
        var records: [QuarantineRecord] = []
        for try await (path, code, reason, fileSize, modifiedAt, attempts, quarantinedAt) in try await run(
            query, on: connection
        ).decode((String, String, String, Int64?, Double?, Int, Date).self) {
            records.append(
                QuarantineRecord(
                    path: path, code: code, reason: reason, fileSize: fileSize.map(Int.init), modifiedAt: modifiedAt,
                    attempts: attempts, quarantinedAt: quarantinedAt))
        }
        return records
    }

    func documents<Record: Decodable>(_ type: Record.Type, _ query: PostgresQuery, on connection: PostgresConnection?)
        async throws -> [Record]
    {
        var records: [Record] = []
        for try await json in try await run(query, on: connection).decode(String.self) {
            records.append(try PostgresDatabase.decode(type, json))
        }
        return records
    }

    func strings(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [String] {
        var values: [String] = []
        for try await value in try await run(query, on: connection).decode(String.self) { values.append(value) }
        return values
    }

    func run(_ query: PostgresQuery, on connection: PostgresConnection?) async throws -> PostgresRowSequence {
        if let connection { return try await connection.query(query, logger: logger) }
        return try await client.query(query, logger: logger)
    }

    // MARK: IngestCatalog: reads

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
            var fresh = GalleryRecord(
                folder: folder, sidecar: sidecar, sidecarError: sidecarError, override: override,
                siteDownloads: siteDownloads, now: now)
            if let other = try await strings(
                "SELECT folder FROM gallery WHERE slug = \(fresh.slug) AND folder <> \(folder)", on: connection
            ).first {
                throw QuarantineReason.slugCollision(slug: fresh.slug, folder: other)
            }
            guard
                let existing = try await galleries(
                    "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE folder = \(folder)", on: connection
                ).first
            else {
                for try await id in try await connection.query(
                    """
                    INSERT INTO gallery (folder, slug, published, revision, updated_at, publish_at, unpublish_at, record)
                    VALUES (\(folder), \(fresh.slug), \(fresh.published), \(fresh.revision), \(now),
                        \(fresh.publishAt), \(fresh.unpublishAt), \(try PostgresDatabase.json(fresh))::jsonb)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) {
                    fresh.id = id
                }
                return fresh
            }
            var comparable = fresh
            (comparable.id, comparable.revision, comparable.updatedAt) = (
                existing.id, existing.revision, existing.updatedAt
            )
            if comparable == existing { return existing }
            fresh.id = existing.id
            fresh.revision = existing.revision + 1
            try await update(fresh, connection)
            return fresh
        }
    }

    /// Writes a gallery's row (all of it: the columns and the record).
    func update(_ gallery: GalleryRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE gallery SET slug = \(gallery.slug), published = \(gallery.published),
                revision = \(gallery.revision), updated_at = \(gallery.updatedAt),
                publish_at = \(gallery.publishAt), unpublish_at = \(gallery.unpublishAt),
                record = \(try PostgresDatabase.json(gallery))::jsonb
            WHERE id = \(gallery.id ?? -1)
            """, logger: logger)
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

    func upsert(_ asset: AssetRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO asset (id, gallery_id, path, file_name, taken_at, file_size, modified_at, source_hash,
                variant_key, record)
            VALUES (\(asset.id.value), \(asset.galleryId), \(asset.path), \(asset.fileName), \(asset.takenAt),
                \(Int64(asset.fileSize)), \(asset.modifiedAt), \(asset.sourceHash), \(asset.variantKey),
                \(try PostgresDatabase.json(asset))::jsonb)
            ON CONFLICT (id) DO UPDATE SET
                gallery_id = excluded.gallery_id, path = excluded.path, file_name = excluded.file_name,
                taken_at = excluded.taken_at, file_size = excluded.file_size, modified_at = excluded.modified_at,
                source_hash = excluded.source_hash, variant_key = excluded.variant_key, record = excluded.record
            """, logger: logger)
    }

    func insert(_ rendition: RenditionRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO rendition (asset_id, role, width, height, format, bytes, path)
            VALUES (\(rendition.assetId.value), \(rendition.role.rawValue), \(rendition.width), \(rendition.height),
                \(rendition.format.rawValue), \(Int64(rendition.bytes)), \(rendition.path))
            """, logger: logger)
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

    /// Notes that an asset's rendition folder may no longer be needed.
    func retire(_ asset: AssetRecord, now: Date, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO retired_variant (source_hash, variant_key, retired_at, asset_id)
            VALUES (\(asset.sourceHash), \(asset.variantKey), \(now), \(asset.id.value))
            ON CONFLICT (source_hash, variant_key)
            DO UPDATE SET retired_at = excluded.retired_at, asset_id = excluded.asset_id
            """, logger: logger)
    }

    func bumpRevision(galleryId: Int64, now: Date, _ connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE gallery SET revision = revision + 1, updated_at = \(now) WHERE id = \(galleryId)", logger: logger)
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

    // MARK: GalleryReader

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

    // MARK: EmbedStore

    public func embeds(galleryFolder: String) async throws -> [EmbedRecord] {
        try await documents(
            EmbedRecord.self,
            "SELECT record::text FROM embed WHERE gallery_folder = \(galleryFolder) ORDER BY position, created_at",
            on: nil)
    }

    public func embed(id: String) async throws -> EmbedRecord? {
        try await documents(EmbedRecord.self, "SELECT record::text FROM embed WHERE id = \(id)", on: nil).first
    }

    public func save(_ embed: EmbedRecord, actor: String?, now: Date) async throws {
        try await write { connection in
            let isNew =
                try await strings(
                    """
                    INSERT INTO embed (id, gallery_folder, source, position, created_at, record)
                    VALUES (\(embed.id), \(embed.galleryFolder), \(embed.source.rawValue), \(embed.position),
                        \(embed.createdAt), \(try PostgresDatabase.json(embed))::jsonb)
                    ON CONFLICT (id) DO UPDATE SET
                        gallery_folder = excluded.gallery_folder, source = excluded.source,
                        position = excluded.position, created_at = excluded.created_at, record = excluded.record
                    RETURNING CASE WHEN xmax = 0 THEN 'new' ELSE 'updated' END
                    """, on: connection
                ).first == "new"
            try await connection.query(
                "UPDATE gallery SET revision = revision + 1, updated_at = \(now) WHERE folder = \(embed.galleryFolder)",
                logger: logger)
            if let actor, isNew {
                try await audit(
                    AuditRecord(
                        at: now, actor: actor, action: "embed.add", target: "gallery folder \(embed.galleryFolder)",
                        field: embed.service, newValue: embed.url), connection)
            }
        }
    }

    public func removeEmbed(id: String, actor: String?, now: Date) async throws -> Bool {
        try await write { connection in
            guard
                let embed = try await documents(
                    EmbedRecord.self, "DELETE FROM embed WHERE id = \(id) RETURNING record::text", on: connection
                ).first
            else { return false }
            try await connection.query(
                "UPDATE gallery SET revision = revision + 1, updated_at = \(now) WHERE folder = \(embed.galleryFolder)",
                logger: logger)
            if let actor {
                try await audit(
                    AuditRecord(
                        at: now, actor: actor, action: "embed.remove", target: "gallery folder \(embed.galleryFolder)",
                        field: embed.service, oldValue: embed.url), connection)
            }
            return true
        }
    }

    public func removeSidecarEmbeds(galleryFolder: String, keeping ids: Set<String>) async throws {
        try await write { connection in
            let removed = try await strings(
                """
                DELETE FROM embed WHERE gallery_folder = \(galleryFolder) AND source = 'sidecar'
                    AND NOT (id = ANY(\(ids.sorted())))
                RETURNING id
                """, on: connection)
            if !removed.isEmpty {
                try await connection.query(
                    "UPDATE gallery SET revision = revision + 1 WHERE folder = \(galleryFolder)", logger: logger)
            }
        }
    }

    func audit(_ entry: AuditRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO audit (at, actor, action, target, field, old_value, new_value)
            VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.target), \(entry.field), \(entry.oldValue),
                \(entry.newValue))
            """, logger: logger)
    }

    // MARK: AdminStore

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
