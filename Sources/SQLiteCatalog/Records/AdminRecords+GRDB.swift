public import Catalog
public import GRDB

extension AdminScope: DatabaseValueConvertible {}

extension AdminTokenRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "adminToken"
}

extension AuditRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "audit"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension GalleryOverrideRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "galleryOverride"
}

extension AssetOverrideRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "assetOverride"
}
