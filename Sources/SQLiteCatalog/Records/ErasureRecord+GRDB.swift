public import Catalog
public import GRDB

extension ErasureRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "erasure"
}
