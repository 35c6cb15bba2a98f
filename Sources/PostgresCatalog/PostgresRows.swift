import Catalog
import Foundation
import GalleryCore
import Logging
import PostgresNIO

/// What the PostgreSQL stores of galleries share: reading rows into the records (each
/// record's fields are kept as its Codable JSON in a `record` column, beside the columns that
/// are queried, constrained or changed in place, which win when both hold a field), write
/// transactions that tell this node's caches, and the row writes more than one store makes.
protocol PostgresRows: Sendable {
    var database: PostgresDatabase { get }
}

extension PostgresRows {
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

    static var galleryColumns: String { "id, revision, updated_at, record::text" }
    static var assetColumns: String { "gallery_id, file_size, modified_at, record::text" }
    static var renditionColumns: String { "asset_id, role, width, height, format, bytes, path" }
    static var quarantineColumns: String { "path, code, reason, file_size, modified_at, attempts, quarantined_at" }

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
        return try await database.query(query, logger: logger)
    }

    // MARK: Writes more than one store makes

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

    func audit(_ entry: AuditRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO audit (at, actor, action, target, field, old_value, new_value)
            VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.target), \(entry.field), \(entry.oldValue),
                \(entry.newValue))
            """, logger: logger)
    }

    static var erasureColumns: String { "source_hash, asset_id, path, erased_at, erased_by, reason" }

    func erasures(_ query: PostgresQuery, on connection: PostgresConnection?) async throws -> [ErasureRecord] {
        var records: [ErasureRecord] = []
        for try await (hash, id, path, at, by, reason) in try await run(query, on: connection).decode(
            (String, String, String, Date, String, String).self)
        {
            guard let id = AssetID(validating: id) else { throw PostgresCatalogError.unreadable("erasure \(hash)") }
            records.append(
                ErasureRecord(sourceHash: hash, assetId: id, path: path, erasedAt: at, erasedBy: by, reason: reason))
        }
        return records
    }
}
