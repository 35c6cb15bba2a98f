public import Catalog
public import GRDB

extension GalleryRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "gallery"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    static let assets = hasMany(AssetRecord.self)
}
