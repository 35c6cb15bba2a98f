public import Catalog
import Foundation
import GRDB
import GalleryCore

extension SQLiteStore: CatalogTransfer {
    public func contents() async throws -> CatalogContents {
        try await pool.read { db in
            var contents = CatalogContents()
            contents.galleries = try GalleryRecord.order(Column("id")).fetchAll(db)
            contents.galleryOverrides = try GalleryOverrideRecord.fetchAll(db)
            contents.assets = try AssetRecord.order(Column("id")).fetchAll(db)
            contents.assetOverrides = try AssetOverrideRecord.fetchAll(db)
            contents.renditions = try RenditionRecord.fetchAll(db)
            contents.quarantine = try QuarantineRecord.fetchAll(db)
            contents.retiredVariants = try Row.fetchAll(
                db, sql: "SELECT sourceHash, variantKey, retiredAt FROM retiredVariant"
            ).map {
                RetiredVariant(
                    variant: VariantLocation(sourceHash: $0["sourceHash"], variantKey: $0["variantKey"]),
                    retiredAt: $0["retiredAt"])
            }
            contents.embeds = try EmbedRecord.fetchAll(db)
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting") {
                contents.settings[row["key"]] = row["value"]
            }
            contents.jobs = try JobRecord.fetchAll(db).map { job in
                var job = job
                (job.leaseOwner, job.leaseUntil) = (nil, nil)
                return job
            }
            contents.consentSettings = try Row.fetchOne(
                db, sql: "SELECT settings, updatedAt, updatedBy FROM consentSettings WHERE id = 1"
            ).map {
                StoredConsentSettings(json: $0["settings"], updatedAt: $0["updatedAt"], updatedBy: $0["updatedBy"])
            }
            contents.consentRecords = try ConsentRecord.fetchAll(db)
            contents.consentEvents = try ConsentEvent.order(Column("seq")).fetchAll(db)
            contents.consentChain = try Self.consentChainState(db)
            contents.adminTokens = try AdminTokenRecord.order(Column("createdAt")).fetchAll(db)
            contents.audit = try AuditRecord.order(Column("id")).fetchAll(db)
            return contents
        }
    }

    public func load(_ contents: CatalogContents, progress: @escaping @Sendable (Int) -> Void) async throws {
        try await pool.write { db in
            for (table, what) in [
                ("gallery", "galleries"), ("job", "jobs"), ("consentEvent", "consent events"),
                ("adminToken", "admin tokens"),
            ] where try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 > 0 {
                throw CatalogTransferError.notEmpty(what)
            }
            var rows = RowProgress(report: progress)
            for var gallery in contents.galleries {
                try gallery.insert(db)
                rows.advance()
            }
            for override in contents.galleryOverrides { try override.insert(db) }
            for asset in contents.assets {
                try asset.insert(db)
                rows.advance()
            }
            for override in contents.assetOverrides { try override.insert(db) }
            for rendition in contents.renditions {
                try rendition.insert(db)
                rows.advance()
            }
            for entry in contents.quarantine { try entry.insert(db) }
            for retired in contents.retiredVariants {
                try db.execute(
                    sql: "INSERT INTO retiredVariant (sourceHash, variantKey, retiredAt) VALUES (?, ?, ?)",
                    arguments: [retired.variant.sourceHash, retired.variant.variantKey, retired.retiredAt])
            }
            for embed in contents.embeds { try embed.insert(db) }
            for (key, value) in contents.settings {
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            for job in contents.jobs { try job.insert(db) }
            if let stored = contents.consentSettings {
                try db.execute(
                    sql: "INSERT INTO consentSettings (id, settings, updatedAt, updatedBy) VALUES (1, ?, ?, ?)",
                    arguments: [stored.json, stored.updatedAt, stored.updatedBy])
            }
            for record in contents.consentRecords {
                try record.insert(db)
                rows.advance()
            }
            for var event in contents.consentEvents {
                try event.insert(db)
                rows.advance()
            }
            if let chain = contents.consentChain {
                try db.execute(
                    sql: "UPDATE consentChainVersion SET keyedFrom = ? WHERE id = 1", arguments: [chain.keyedFrom])
                if chain.anchor.seq > 0 {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO consentChainAnchor (id, seq, hash, prunedAt) VALUES (1, ?, ?, ?)",
                        arguments: [chain.anchor.seq, chain.anchor.hash, Date()])
                }
                if let line = chain.checkpointCopy, let checkpoint = ConsentCheckpoint(jsonLine: line) {
                    try db.execute(
                        sql:
                            "INSERT OR REPLACE INTO consentCheckpointHead (id, checkpoint, seq, line) VALUES (1, ?, ?, ?)",
                        arguments: [checkpoint.checkpoint, checkpoint.seq, line])
                }
            }
            for token in contents.adminTokens { try token.insert(db) }
            for var entry in contents.audit {
                entry.id = nil
                try entry.insert(db)
            }
        }
        // Complete in the file it names (a copy taken of that file alone is the catalog),
        // not left in the WAL beside it.
        try checkpoint()
        progress(contents.rowCount)
    }
}
