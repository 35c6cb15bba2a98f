public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// Galleries, assets, renditions, quarantine, overrides and embeds of several machines, in
/// PostgreSQL: what the workers publish (``IngestCatalog``), the web nodes read
/// (``GalleryReader``, ``PublicationReader``), and the embeds of both (``EmbedStore``); one
/// file per protocol. The admin's corrections are ``PostgresAdminStore``'s. Same contracts
/// as the SQLite store's; every change a reader can see happens in one transaction and moves
/// its gallery's revision, and every node's caches learn of it through `LISTEN/NOTIFY`
/// (``PostgresDatabase/stamp()``). Rows are read and written through ``PostgresRows``.
public struct PostgresGalleryStore: PostgresRows {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

}
