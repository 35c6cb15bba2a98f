public import Catalog
public import Foundation
import GalleryCore
import Logging
import PostgresNIO

/// The publication rule's reads on PostgreSQL (``PublicationReader``): the same contract as
/// the SQLite store's, through the same rule.
extension PostgresGalleryStore: PublicationReader {
    /// Which photos ``photoRows(_:on:)`` reads.
    enum PhotoFilter {
        case gallery(Int64)
        case sourceHash(String)
        case ids([String])
        case all
    }

    /// Photos as the publication rule needs them, with their gallery's id.
    func photoRows(_ filter: PhotoFilter, on connection: PostgresConnection?) async throws
        -> [(photo: GalleryItemPlan.Visible, galleryId: Int64)]
    {
        let select = """
            SELECT a.id, a.file_name, a.taken_at, a.gallery_id, coalesce(o.hidden, false),
                (o.record->'schedule')::text
            FROM asset a LEFT JOIN asset_override o ON o.asset_id = a.id
            """
        let query: PostgresQuery =
            switch filter {
            case .gallery(let id): "\(unescaped: select) WHERE a.gallery_id = \(id)"
            case .sourceHash(let hash): "\(unescaped: select) WHERE a.source_hash = \(hash)"
            case .ids(let ids): "\(unescaped: select) WHERE a.id = ANY(\(ids))"
            case .all: "\(unescaped: select)"
            }
        var rows: [(photo: GalleryItemPlan.Visible, galleryId: Int64)] = []
        for try await (id, fileName, takenAt, galleryId, hidden, schedule) in try await run(query, on: connection)
            .decode((String, String, Date?, Int64, Bool, String?).self)
        {
            let window = try schedule.flatMap { $0 == "null" ? nil : $0 }.map {
                try PostgresDatabase.decode(PublicationWindow.self, $0)
            }
            rows.append(
                (
                    GalleryItemPlan.Visible(
                        id: id, fileName: fileName, takenAt: takenAt, hidden: hidden, schedule: window), galleryId
                ))
        }
        return rows
    }

    func access(
        of photos: [(photo: GalleryItemPlan.Visible, galleryId: Int64)], at now: Date,
        _ connection: PostgresConnection
    ) async throws -> FileAccess {
        let ids = Array(Set(photos.map(\.galleryId)))
        let galleries = try await galleries(
            "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE id = ANY(\(ids))", on: connection)
        let byId = Dictionary(galleries.compactMap { g in g.id.map { ($0, g) } }, uniquingKeysWith: { a, _ in a })
        let accesses = photos.compactMap { photo, galleryId in
            byId[galleryId].map { $0.photoAccess(of: photo, schedule: $0.sidecar?.schedule, at: now) }
        }
        return FileAccess(
            access: PublicAccess.mostOpen(accesses) ?? .gone, keys: photos.map { CacheKey.asset($0.photo.id) })
    }

    public func fileAccess(sourceHash: String, at now: Date) async throws -> FileAccess? {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let current = try await photoRows(.sourceHash(sourceHash), on: connection)
            if !current.isEmpty { return try await access(of: current, at: now, connection) }
            if try await !strings(
                "SELECT source_hash FROM erasure WHERE source_hash = \(sourceHash)", on: connection
            ).isEmpty {
                return FileAccess(access: .gone, keys: [])
            }
            var owners: [String?] = []
            for try await owner in try await connection.query(
                "SELECT asset_id FROM retired_variant WHERE source_hash = \(sourceHash)", logger: logger
            ).decode(String?.self) {
                owners.append(owner)
            }
            guard !owners.isEmpty else { return nil }
            let ids = owners.compactMap { $0 }
            if ids.count < owners.count { return FileAccess(access: .open, keys: []) }
            let photos = try await photoRows(.ids(ids), on: connection)
            guard !photos.isEmpty else { return FileAccess(access: .gone, keys: ids.map(CacheKey.asset)) }
            return try await access(of: photos, at: now, connection)
        }
    }

    public func previewAccess(path: String, at now: Date) async throws -> FileAccess? {
        try await database.transaction { connection in
            let folders = try await strings(
                "SELECT gallery_folder FROM embed WHERE record->>'previewPath' = \(path)", on: connection)
            guard !folders.isEmpty else { return nil }
            let galleries = try await galleries(
                "SELECT \(unescaped: Self.galleryColumns) FROM gallery WHERE folder = ANY(\(folders))", on: connection)
            return FileAccess(
                access: PublicAccess.mostOpen(galleries.map { $0.access(at: now) }) ?? .gone,
                keys: galleries.map { CacheKey.gallery($0.slug) })
        }
    }

    public func nextPublicationChange(after now: Date) async throws -> Date? {
        try await database.transaction { connection in
            // The times only, not whole sidecars (see PublicationSchedule.nextChange).
            var galleries: [(window: PublicationWindow, sidecar: GallerySidecar?)] = []
            for try await (publishAt, unpublishAt, times) in try await connection.query(
                """
                SELECT publish_at, unpublish_at,
                    CASE WHEN jsonb_typeof(record->'sidecar') = 'object' THEN jsonb_build_object(
                        'publishAt', record->'sidecar'->'publishAt',
                        'unpublishAt', record->'sidecar'->'unpublishAt',
                        'items', (
                            SELECT coalesce(jsonb_object_agg(key, jsonb_build_object(
                                'publishAt', value->'publishAt', 'unpublishAt', value->'unpublishAt')), '{}'::jsonb)
                            FROM jsonb_each(CASE WHEN jsonb_typeof(record->'sidecar'->'items') = 'object'
                                THEN record->'sidecar'->'items' ELSE '{}'::jsonb END)
                            WHERE value ? 'publishAt' OR value ? 'unpublishAt'))::text END
                FROM gallery
                """, logger: logger
            ).decode((Date?, Date?, String?).self) {
                galleries.append(
                    (
                        window: PublicationWindow(publishAt: publishAt, unpublishAt: unpublishAt),
                        sidecar: PublicationSchedule.sidecarTimes(times)
                    ))
            }
            let windows = try await strings(
                "SELECT (record->'schedule')::text FROM asset_override WHERE record ? 'schedule'", on: connection
            ).compactMap { try? PostgresDatabase.decode(PublicationWindow.self, $0) }
            return PublicationSchedule.nextChange(galleries: galleries, photoWindows: windows, after: now)
        }
    }

    public func galleryContents(at now: Date) async throws -> [String: GalleryContents] {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            return GalleryContents.of(
                galleries: try await galleries("SELECT \(unescaped: Self.galleryColumns) FROM gallery", on: connection),
                photos: try await photoRows(.all, on: connection), at: now)
        }
    }
}
