public import Catalog
public import GRDB

extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"
}

extension JobRecord.Kind: DatabaseValueConvertible {}
