import Catalog
import Ingest
import SQLiteCatalog
import Server

// The tests' one machine: the SQLite store is every store (as galleryd's `CatalogStores`
// composes it for `catalog.url: sqlite:…`).

extension ServerStores {
    init(catalog: SQLiteStore) {
        self.init(
            galleries: catalog, admin: catalog, tokens: catalog, audit: catalog, consent: catalog, onceGrants: catalog)
    }
}

extension IngestStores {
    init(catalog: SQLiteStore) {
        self.init(catalog: catalog, jobs: catalog, consent: catalog)
    }
}

extension GalleryServer {
    init(
        catalog: SQLiteStore, settings: ServerSettings, readiness: Readiness, metrics: MetricsExporter? = nil,
        actions: AdminActions = .none
    ) {
        self.init(
            stores: ServerStores(catalog: catalog), settings: settings, readiness: readiness, metrics: metrics,
            actions: actions)
    }
}
