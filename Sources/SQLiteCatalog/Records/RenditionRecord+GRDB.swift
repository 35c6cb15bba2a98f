public import Catalog
public import GRDB
public import GalleryCore

extension RenditionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rendition"
}

extension RenditionRole: DatabaseValueConvertible {}
extension OutputFormat: DatabaseValueConvertible {}
