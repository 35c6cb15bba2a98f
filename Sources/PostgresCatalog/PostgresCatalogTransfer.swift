public import Catalog
import Foundation
import GalleryCore
import Logging
import PostgresNIO

/// Reads a PostgreSQL catalog out whole and loads one whole (``CatalogTransfer``), for
/// `galleryd catalog copy`. Reading happens in one repeatable-read snapshot; loading in
/// one transaction, keeping ids, sequence numbers and hashes.
public struct PostgresCatalogTransfer: CatalogTransfer {
    let database: PostgresDatabase
    let galleries: PostgresGalleryStore
    let admin: PostgresAdminTokenStore

    public init(database: PostgresDatabase) {
        self.database = database
        galleries = PostgresGalleryStore(database: database)
        admin = PostgresAdminTokenStore(database: database)
    }

    var logger: Logger { database.logger }

    public func contents() async throws -> CatalogContents {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let store = galleries
            var contents = CatalogContents()
            contents.galleries = try await store.galleries(
                "SELECT \(unescaped: PostgresGalleryStore.galleryColumns) FROM gallery ORDER BY id", on: connection)
            contents.galleryOverrides = try await store.documents(
                GalleryOverrideRecord.self, "SELECT record::text FROM gallery_override", on: connection)
            contents.assets = try await store.assets(
                "SELECT \(unescaped: PostgresGalleryStore.assetColumns) FROM asset ORDER BY id", on: connection)
            contents.assetOverrides = try await store.documents(
                AssetOverrideRecord.self, "SELECT record::text FROM asset_override", on: connection)
            contents.renditions = try await store.renditions(
                "SELECT \(unescaped: PostgresGalleryStore.renditionColumns) FROM rendition", on: connection)
            contents.quarantine = try await store.quarantine(
                "SELECT \(unescaped: PostgresGalleryStore.quarantineColumns) FROM quarantine", on: connection)
            for try await (sourceHash, variantKey, retiredAt) in try await connection.query(
                "SELECT source_hash, variant_key, retired_at FROM retired_variant", logger: logger
            ).decode((String, String, Date).self) {
                contents.retiredVariants.append(
                    RetiredVariant(
                        variant: VariantLocation(sourceHash: sourceHash, variantKey: variantKey), retiredAt: retiredAt))
            }
            contents.embeds = try await store.documents(
                EmbedRecord.self, "SELECT record::text FROM embed", on: connection)
            for try await (key, value) in try await connection.query(
                "SELECT key, value FROM setting", logger: logger
            ).decode((String, String).self) {
                contents.settings[key] = value
            }
            for try await (path, kind, enqueuedAt, notBefore, attempts, lastError, generation)
                in try await connection
                .query(
                    "SELECT path, kind, enqueued_at, not_before, attempts, last_error, generation FROM job",
                    logger: logger
                ).decode((String, String, Double, Double, Int, String?, Int64).self)
            {
                guard let kind = JobRecord.Kind(rawValue: kind) else { continue }
                contents.jobs.append(
                    JobRecord(
                        path: path, kind: kind, enqueuedAt: Date(timeIntervalSince1970: enqueuedAt),
                        notBefore: notBefore, attempts: attempts, lastError: lastError, generation: Int(generation)))
            }
            for try await (json, updatedAt, updatedBy) in try await connection.query(
                "SELECT settings, updated_at, updated_by FROM consent_settings WHERE id = 1", logger: logger
            ).decode((String, Date, String).self) {
                contents.consentSettings = StoredConsentSettings(json: json, updatedAt: updatedAt, updatedBy: updatedBy)
            }
            contents.consentRecords = try await PostgresConsentLog.records(
                try await connection.query(
                    "SELECT \(unescaped: PostgresConsentLog.recordColumns) FROM consent_record", logger: logger))
            for try await row in try await connection.query(
                "SELECT \(unescaped: PostgresConsentLog.eventColumns) FROM consent_event ORDER BY seq", logger: logger)
            {
                contents.consentEvents.append(try PostgresConsentLog.event(row))
            }
            for try await (anchorSeq, anchorHash, keyedFrom, line) in try await connection.query(
                "SELECT anchor_seq, anchor_hash, keyed_from, checkpoint_line FROM consent_chain WHERE id = 1",
                logger: logger
            ).decode((Int64, String, Int64, String?).self) {
                contents.consentChain = ConsentChainState(
                    anchor: ConsentChainAnchor(seq: anchorSeq, hash: anchorHash), keyedFrom: keyedFrom,
                    checkpointCopy: line)
            }
            contents.adminTokens = try await admin.records(
                try await connection.query(
                    "SELECT \(unescaped: PostgresAdminTokenStore.columns) FROM admin_token ORDER BY created_at, id",
                    logger: logger))
            for try await (id, at, actor, action, target, field, oldValue, newValue) in try await connection.query(
                "SELECT id, at, actor, action, target, field, old_value, new_value FROM audit ORDER BY id",
                logger: logger
            ).decode((Int64, Date, String, String, String, String?, String?, String?).self) {
                var entry = AuditRecord(
                    at: at, actor: actor, action: action, target: target, field: field, oldValue: oldValue,
                    newValue: newValue)
                entry.id = id
                contents.audit.append(entry)
            }
            return contents
        }
    }

    public func load(_ contents: CatalogContents, progress: @escaping @Sendable (Int) -> Void) async throws {
        var rows = RowProgress(report: progress)
        try await database.transaction { connection in
            for (table, what) in [
                ("gallery", "galleries"), ("job", "jobs"), ("consent_event", "consent events"),
                ("admin_token", "admin tokens"),
            ] {
                for try await count in try await connection.query(
                    "SELECT count(*) FROM \(unescaped: table)", logger: logger
                ).decode(Int64.self) where count > 0 {
                    throw CatalogTransferError.notEmpty(what)
                }
            }
            let store = galleries
            for gallery in contents.galleries {
                try await connection.query(
                    """
                    INSERT INTO gallery (id, folder, slug, published, revision, updated_at, record)
                    VALUES (\(gallery.id ?? 0), \(gallery.folder), \(gallery.slug), \(gallery.published),
                        \(gallery.revision), \(gallery.updatedAt), \(try PostgresDatabase.json(gallery))::jsonb)
                    """, logger: logger)
            }
            try await connection.query(
                "SELECT setval('gallery_id_seq', GREATEST((SELECT max(id) FROM gallery), 1))", logger: logger)
            for override in contents.galleryOverrides {
                try await connection.query(
                    """
                    INSERT INTO gallery_override (folder, record)
                    VALUES (\(override.folder), \(try PostgresDatabase.json(override))::jsonb)
                    """, logger: logger)
            }
            for asset in contents.assets {
                try await store.upsert(asset, connection)
                rows.advance()
            }
            for override in contents.assetOverrides {
                try await connection.query(
                    """
                    INSERT INTO asset_override (asset_id, hidden, record)
                    VALUES (\(override.assetId.value), \(override.hidden ?? false),
                        \(try PostgresDatabase.json(override))::jsonb)
                    """, logger: logger)
            }
            for rendition in contents.renditions {
                try await store.insert(rendition, connection)
                rows.advance()
            }
            for entry in contents.quarantine {
                try await connection.query(
                    """
                    INSERT INTO quarantine (path, code, reason, file_size, modified_at, attempts, quarantined_at)
                    VALUES (\(entry.path), \(entry.code), \(entry.reason), \(entry.fileSize.map(Int64.init)),
                        \(entry.modifiedAt), \(entry.attempts), \(entry.quarantinedAt))
                    """, logger: logger)
            }
            for retired in contents.retiredVariants {
                try await connection.query(
                    """
                    INSERT INTO retired_variant (source_hash, variant_key, retired_at)
                    VALUES (\(retired.variant.sourceHash), \(retired.variant.variantKey), \(retired.retiredAt))
                    """, logger: logger)
            }
            for embed in contents.embeds {
                try await connection.query(
                    """
                    INSERT INTO embed (id, gallery_folder, source, position, created_at, record)
                    VALUES (\(embed.id), \(embed.galleryFolder), \(embed.source.rawValue), \(embed.position),
                        \(embed.createdAt), \(try PostgresDatabase.json(embed))::jsonb)
                    """, logger: logger)
            }
            for (key, value) in contents.settings {
                try await connection.query("INSERT INTO setting (key, value) VALUES (\(key), \(value))", logger: logger)
            }
            for job in contents.jobs {
                try await connection.query(
                    """
                    INSERT INTO job (path, kind, enqueued_at, not_before, attempts, last_error, generation)
                    VALUES (\(job.path), \(job.kind.rawValue), \(job.enqueuedAt.timeIntervalSince1970),
                        \(job.notBefore), \(job.attempts), \(job.lastError), nextval('job_generation'))
                    """, logger: logger)
            }
            if let stored = contents.consentSettings {
                try await connection.query(
                    """
                    INSERT INTO consent_settings (id, settings, updated_at, updated_by)
                    VALUES (1, \(stored.json), \(stored.updatedAt), \(stored.updatedBy))
                    """, logger: logger)
            }
            for record in contents.consentRecords {
                try await PostgresConsentLog.upsert(record, connection, logger: logger)
            }
            for event in contents.consentEvents {
                rows.advance()
                try await PostgresConsentLog.insert(event, connection, logger: logger)
            }
            let head = contents.consentEvents.last
            let chain =
                contents.consentChain
                ?? ConsentChainState(anchor: .genesis, keyedFrom: 1, checkpointCopy: nil)
            try await connection.query(
                """
                UPDATE consent_chain SET
                    head_seq = \(head?.seq ?? chain.anchor.seq), head_hash = \(head?.hash ?? chain.anchor.hash),
                    anchor_seq = \(chain.anchor.seq), anchor_hash = \(chain.anchor.hash),
                    keyed_from = \(chain.keyedFrom),
                    checkpoint_seq = \(chain.checkpointCopy.flatMap(ConsentCheckpoint.init(jsonLine:))?.seq ?? 0),
                    checkpoint_line = \(chain.checkpointCopy)
                WHERE id = 1
                """, logger: logger)
            for token in contents.adminTokens {
                try await connection.query(
                    """
                    INSERT INTO admin_token (id, name, scope, secret_hash, created_at, last_used_at, revoked_at)
                    VALUES (\(token.id), \(token.name), \(token.scope.rawValue), \(token.secretHash),
                        \(token.createdAt), \(token.lastUsedAt), \(token.revokedAt))
                    """, logger: logger)
            }
            for entry in contents.audit { try await galleries.audit(entry, connection) }
        }
        database.noteChange()
        progress(contents.rowCount)
    }
}
