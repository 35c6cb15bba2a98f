public import Foundation
public import GalleryCore

/// What the public API reads, named for what its routes do: the published galleries'
/// documents and the revisions that tell a cache whether its copy is current, plus a stamp
/// that changes whenever anything may have been committed (by any node).
///
/// Two implementations: the SQLite catalog (``Catalog``) and PostgreSQL
/// (`PostgresGalleryStore`).
public protocol GalleryReader: PublicationReader {
    /// Equal stamps mean nothing was committed in between; read without a query.
    func stamp() -> CatalogStamp
    /// The revision of a gallery public at `now` (``PublicAccess``); nil when there is none.
    func publishedRevision(slug: String, at now: Date) async throws -> Int?
    /// A fingerprint of every published gallery's revision.
    func listRevision() async throws -> String
    /// The revision of every gallery public at `now`, by slug (search keeps its index by them).
    func publishedRevisions(at now: Date) async throws -> [String: Int]
    /// `GET /api/v1/galleries`: the galleries public at `now`, each with the photos public then.
    func galleryList(at now: Date) async throws -> GalleryList
    /// `GET /api/v1/galleries/{slug}` without its consent-dependent parts, as public at `now`.
    func gallery(slug: String, at now: Date) async throws -> BuiltGallery?
    /// An asset's print-quality download, if published.
    func download(of id: AssetID) async throws -> RenditionRecord?
    /// Whether the catalog can be asked now (a database server can be away; an embedded
    /// SQLite file always answers). While it cannot, ``stamp()`` stands still, so what is in
    /// memory is served.
    func availability() -> CatalogAvailability
}

extension GalleryReader {
    public func availability() -> CatalogAvailability { .available }

    public func publishedRevision(slug: String) async throws -> Int? {
        try await publishedRevision(slug: slug, at: Date())
    }

    public func galleryList() async throws -> GalleryList { try await galleryList(at: Date()) }

    public func gallery(slug: String) async throws -> BuiltGallery? { try await gallery(slug: slug, at: Date()) }
}

/// A gallery's social embeds, named for what publishing, the admin API and the consent
/// routes do with them. Saving or removing one moves its gallery's revision.
public protocol EmbedStore: Sendable {
    /// A gallery's embeds in display order.
    func embeds(galleryFolder: String) async throws -> [EmbedRecord]
    func embed(id: String) async throws -> EmbedRecord?
    /// Saves an embed (new, or with its preview updated); audited as `embed.add` when new and `actor` is given.
    func save(_ embed: EmbedRecord, actor: String?, now: Date) async throws
    /// Removes an embed (audited when `actor` is given); false if there was none.
    func removeEmbed(id: String, actor: String?, now: Date) async throws -> Bool
    /// Removes a gallery's sidecar embeds its sidecar no longer declares.
    func removeSidecarEmbeds(galleryFolder: String, keeping ids: Set<String>) async throws
}

extension EmbedStore {
    public func save(_ embed: EmbedRecord, actor: String? = nil) async throws {
        try await save(embed, actor: actor, now: Date())
    }

    public func removeEmbed(id: String, actor: String? = nil) async throws -> Bool {
        try await removeEmbed(id: id, actor: actor, now: Date())
    }
}
