public import Catalog
public import Foundation
import GRDB
import GalleryCore

extension SQLiteStore {
    /// A gallery's embeds in display order.
    public func embeds(galleryFolder: String) async throws -> [EmbedRecord] {
        try await pool.read { db in
            try EmbedRecord.filter(Column("galleryFolder") == galleryFolder).order(
                Column("position"), Column("createdAt")
            )
            .fetchAll(db)
        }
    }

    public func embed(id: String) async throws -> EmbedRecord? {
        try await pool.read { db in try EmbedRecord.fetchOne(db, key: id) }
    }

    /// Saves an embed (new, or with its preview updated) and bumps its gallery's revision.
    public func save(_ embed: EmbedRecord, actor: String?, now: Date) async throws {
        try await pool.write { db in
            let isNew = try EmbedRecord.fetchOne(db, key: embed.id) == nil
            try embed.upsert(db)
            try db.execute(
                sql: "UPDATE gallery SET revision = revision + 1, updatedAt = ? WHERE folder = ?",
                arguments: [now, embed.galleryFolder])
            if let actor, isNew {
                _ = try AuditRecord(
                    at: now, actor: actor, action: "embed.add", target: "gallery folder \(embed.galleryFolder)",
                    field: embed.service, newValue: embed.url
                ).inserted(db)
            }
        }
    }

    /// Removes an embed; false if there was none.
    public func removeEmbed(id: String, actor: String?, now: Date) async throws -> Bool {
        try await pool.write { db in
            guard let embed = try EmbedRecord.fetchOne(db, key: id) else { return false }
            try embed.delete(db)
            try db.execute(
                sql: "UPDATE gallery SET revision = revision + 1, updatedAt = ? WHERE folder = ?",
                arguments: [now, embed.galleryFolder])
            if let actor {
                _ = try AuditRecord(
                    at: now, actor: actor, action: "embed.remove", target: "gallery folder \(embed.galleryFolder)",
                    field: embed.service, oldValue: embed.url
                ).inserted(db)
            }
            return true
        }
    }

    /// Removes a gallery's sidecar embeds that its sidecar no longer declares.
    public func removeSidecarEmbeds(galleryFolder: String, keeping ids: Set<String>) async throws {
        try await pool.write { db in
            let stale = try EmbedRecord.filter(
                Column("galleryFolder") == galleryFolder && Column("source") == "sidecar"
            )
            .fetchAll(db).filter { !ids.contains($0.id) }
            for embed in stale { try embed.delete(db) }
            if !stale.isEmpty {
                try db.execute(
                    sql: "UPDATE gallery SET revision = revision + 1 WHERE folder = ?", arguments: [galleryFolder])
            }
        }
    }
}
