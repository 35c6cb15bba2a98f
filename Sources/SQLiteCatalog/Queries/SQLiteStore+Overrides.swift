import Catalog
import Foundation
import GRDB
public import GalleryCore

extension SQLiteStore {
    /// The admin's overrides of an asset's texts, if any were set.
    public func overrides(for id: AssetID) async throws -> TextOverrides? {
        try await pool.read { db in
            try AssetOverrideRecord.fetchOne(db, key: id.value)?.texts
        }
    }
}
