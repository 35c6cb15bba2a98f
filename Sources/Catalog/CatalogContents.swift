public import Foundation
public import GalleryCore

/// Everything a catalog holds, as plain values: what `galleryd catalog copy` carries from
/// one catalog to another (SQLite to PostgreSQL and back). Ids, sequence numbers and hashes
/// are kept as they are, so a copied consent log verifies against the same checkpoint file.
/// `once` grants live minutes and are not copied.
public struct CatalogContents: Sendable {
    public var galleries: [GalleryRecord] = []
    public var galleryOverrides: [GalleryOverrideRecord] = []
    public var assets: [AssetRecord] = []
    public var assetOverrides: [AssetOverrideRecord] = []
    public var renditions: [RenditionRecord] = []
    public var quarantine: [QuarantineRecord] = []
    public var retiredVariants: [RetiredVariant] = []
    public var embeds: [EmbedRecord] = []
    public var settings: [String: String] = [:]
    /// Queued jobs, without their leases.
    public var jobs: [JobRecord] = []
    public var consentSettings: StoredConsentSettings?
    public var consentRecords: [ConsentRecord] = []
    public var consentEvents: [ConsentEvent] = []
    /// Where the chain starts (anchor, keyed start) and the latest checkpoint's copy.
    public var consentChain: ConsentChainState?
    public var adminTokens: [AdminTokenRecord] = []
    /// Oldest first.
    public var audit: [AuditRecord] = []

    public init() {}

    /// How many rows of each kind, for the copy's report.
    /// Rows a load writes, about: what ``CatalogTransfer/load(_:progress:)`` counts to.
    public var rowCount: Int {
        galleries.count + galleryOverrides.count + assets.count + assetOverrides.count + renditions.count
            + quarantine.count + retiredVariants.count + embeds.count + jobs.count + consentRecords.count
            + consentEvents.count + adminTokens.count + audit.count
    }

    public var counts: KeyValuePairs<String, Int> {
        [
            "galleries": galleries.count, "assets": assets.count, "renditions": renditions.count,
            "quarantine": quarantine.count, "overrides": galleryOverrides.count + assetOverrides.count,
            "embeds": embeds.count, "jobs": jobs.count, "consent records": consentRecords.count,
            "consent events": consentEvents.count, "admin tokens": adminTokens.count, "audit entries": audit.count,
        ]
    }
}

/// A rendition folder waiting for the grace period to pass.
public struct RetiredVariant: Sendable, Equatable {
    public var variant: VariantLocation
    public var retiredAt: Date

    public init(variant: VariantLocation, retiredAt: Date) {
        self.variant = variant
        self.retiredAt = retiredAt
    }
}

/// The admin's consent settings as stored (JSON), with who saved them when.
public struct StoredConsentSettings: Sendable, Equatable {
    public var json: String
    public var updatedAt: Date
    public var updatedBy: String

    public init(json: String, updatedAt: Date, updatedBy: String) {
        self.json = json
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// A catalog that can be read out whole and loaded whole (``CatalogContents``).
public protocol CatalogTransfer: Sendable {
    /// Everything, read in one snapshot.
    func contents() async throws -> CatalogContents
    /// Loads `contents` into this catalog, in one transaction; `progress` is told how many
    /// rows are loaded so far (of ``CatalogContents/rowCount``), every few hundred.
    /// - Throws: ``CatalogTransferError/notEmpty(_:)`` unless this catalog holds no gallery,
    ///   job, consent event or admin token (a copy never merges).
    func load(_ contents: CatalogContents, progress: @escaping @Sendable (Int) -> Void) async throws
}

extension CatalogTransfer {
    public func load(_ contents: CatalogContents) async throws {
        try await load(contents, progress: { _ in })
    }
}

/// Counts rows as they are loaded and reports every `step`th (a copy of 20,000 photos loads
/// some 250,000 rows).
package struct RowProgress {
    private var done = 0
    private let step: Int
    private let report: @Sendable (Int) -> Void

    package init(step: Int = 500, report: @escaping @Sendable (Int) -> Void) {
        self.step = step
        self.report = report
    }

    package mutating func advance(by count: Int = 1) {
        let before = done / step
        done += count
        if done / step != before { report(done) }
    }

    package func finish() { report(done) }
}

public enum CatalogTransferError: Error, CustomStringConvertible {
    case notEmpty(String)

    public var description: String {
        switch self {
        case .notEmpty(let what): "the target catalog is not empty (it holds \(what)); copy into a new one"
        }
    }
}
