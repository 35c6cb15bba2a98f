import Foundation
import GRDB
public import GalleryCore

extension Catalog {
    /// The admin's overrides of an asset's texts, if any were set.
    public func overrides(for id: AssetID) async throws -> TextOverrides? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT caption, alt, headline, credit, creator FROM assetOverride WHERE assetId = ?",
                    arguments: [id.value])
            else { return nil }
            return TextOverrides(
                caption: row["caption"], alt: row["alt"], headline: row["headline"], credit: row["credit"],
                creator: row["creator"])
        }
    }
}
