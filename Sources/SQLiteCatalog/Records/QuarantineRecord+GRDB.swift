public import Catalog
public import GRDB

extension QuarantineRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "quarantine"
}
