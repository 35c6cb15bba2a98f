public import Catalog
public import GRDB
public import GalleryCore

extension EmbedRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "embed"
}

extension EmbedRecord.Source: DatabaseValueConvertible {}
extension EmbedKind: DatabaseValueConvertible {}
