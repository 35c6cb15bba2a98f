public import Catalog
import Foundation
import GalleryCore
public import Logging

/// Deletes rendition folders retired longer than the grace period (`collect.graceHours`):
/// a replaced or removed photo's files stay that long for pages and caches that still name
/// them. Every ten minutes, on the workers.
public struct RenditionCollector: Sendable {
    let catalog: any IngestCatalog
    let storage: any RenditionStorage
    let gracePeriod: Duration
    let logger: Logger

    public init(catalog: any IngestCatalog, storage: any RenditionStorage, gracePeriod: Duration, logger: Logger) {
        self.catalog = catalog
        self.storage = storage
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    /// The service: ``collect()`` every ten minutes, the first at once.
    public func service() -> PeriodicTask {
        PeriodicTask("rendition collection", every: .seconds(600), logger: logger) { try await collect() }
    }

    public func collect() async throws {
        let cutoff = Date().addingTimeInterval(-Double(gracePeriod.components.seconds))
        let variants = try await catalog.collectableVariants(retiredBefore: cutoff)
        for retired in variants {
            guard let variant = RenditionVariant(sourceHash: retired.sourceHash, key: retired.variantKey) else {
                continue
            }
            storage.remove(variant)
        }
        try await catalog.forgetRetired(variants)
        if !variants.isEmpty { logger.info("renditions collected", metadata: ["folders": "\(variants.count)"]) }
    }
}
