/// A catalog written by a newer galleryd: its schema has migrations this binary does not
/// know. It is refused before anything is written, so the newer galleryd (or a backup
/// restored with this one) can still open it.
public struct CatalogSchemaError: Error, CustomStringConvertible {
    /// Where the catalog is (a SQLite path or a PostgreSQL URL without its password).
    public var catalog: String
    /// The newest migrations the catalog has that this galleryd does not know, in order.
    public var unknown: [String]
    /// The newest migration this galleryd knows.
    public var known: String

    public init(catalog: String, unknown: [String], known: String) {
        self.catalog = catalog
        self.unknown = unknown
        self.known = known
    }

    public var description: String {
        "the catalog \(catalog) has schema \(unknown.last ?? "?"), newer than this galleryd's \(known): it was written by a newer galleryd and is left unchanged (run that galleryd, or restore a backup taken before the upgrade)"
    }
}
