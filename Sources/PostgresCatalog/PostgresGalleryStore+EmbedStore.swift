public import Catalog
public import Foundation
import GalleryCore
import Logging
import PostgresNIO

/// The embeds of galleries (``EmbedStore``), from sidecars and the admin API.
extension PostgresGalleryStore: EmbedStore {
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
}
