public import Catalog
public import GRDB
public import GalleryCore

extension ConsentEvent: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "consentEvent"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}

extension ConsentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "consentRecord"
}

extension ConsentScope: DatabaseValueConvertible {}
extension ConsentEvent.Kind: DatabaseValueConvertible {}
