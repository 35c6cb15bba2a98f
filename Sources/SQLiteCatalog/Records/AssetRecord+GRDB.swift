public import Catalog
public import GRDB
public import GalleryCore

/// Rows of `asset`; JSON columns (`metadata`, `text`, `placeholder`, `warnings`) through
/// `Codable`.
extension AssetRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "asset"

    static let renditions = hasMany(RenditionRecord.self)
    static let gallery = belongsTo(GalleryRecord.self)
}

extension SourceFormat: DatabaseValueConvertible {}

extension AssetID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { value.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> AssetID? {
        String.fromDatabaseValue(dbValue).flatMap(AssetID.init(validating:))
    }
}
