/// A value that changes whenever the catalog may have changed, read without a query on the
/// hot path, so that what is built from the catalog (gallery JSON, consent settings) can be
/// served from memory and rebuilt only after a change. Equal stamps mean nothing was
/// committed in between.
///
/// Two parts: commits made through this process (`local`), and commits made elsewhere as
/// the store learns of them (`external`: SQLite's `PRAGMA data_version`, PostgreSQL's
/// `LISTEN/NOTIFY`).
public struct CatalogStamp: Sendable, Equatable {
    var local: UInt64
    var external: Int64

    package init(local: UInt64, external: Int64) {
        self.local = local
        self.external = external
    }
}
