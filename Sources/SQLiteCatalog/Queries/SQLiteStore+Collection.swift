public import Catalog
public import Foundation
import GRDB

extension SQLiteStore {
    /// Retired rendition folders past the grace period that no asset uses any more.
    public func collectableVariants(retiredBefore cutoff: Date) async throws -> [VariantLocation] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT sourceHash, variantKey FROM retiredVariant r
                    WHERE retiredAt < ? AND NOT EXISTS (
                        SELECT 1 FROM asset a WHERE a.sourceHash = r.sourceHash AND a.variantKey = r.variantKey)
                    """,
                arguments: [cutoff])
            return rows.map { VariantLocation(sourceHash: $0["sourceHash"], variantKey: $0["variantKey"]) }
        }
    }

    /// Forgets retired folders: collected ones, and ones an asset uses again.
    public func forgetRetired(_ variants: [VariantLocation]) async throws {
        try await pool.write { db in
            for variant in variants {
                try db.execute(
                    sql: "DELETE FROM retiredVariant WHERE sourceHash = ? AND variantKey = ?",
                    arguments: [variant.sourceHash, variant.variantKey])
            }
            try db.execute(
                sql: """
                    DELETE FROM retiredVariant WHERE EXISTS (
                        SELECT 1 FROM asset a
                        WHERE a.sourceHash = retiredVariant.sourceHash AND a.variantKey = retiredVariant.variantKey)
                    """)
        }
    }

    /// Every rendition file the catalog references, relative to the renditions folder's
    /// URL root (`<hash>/<key>/<file>`), for consistency checks.
    public func referencedRenditionPaths() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT path FROM rendition") }
    }
}
