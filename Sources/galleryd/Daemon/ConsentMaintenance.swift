import Catalog
import Foundation
import Ingest
import Logging

/// Logs an `expire` event for consents past their lifetime, prunes log entries older than
/// the retention period (`consent.retentionDays`; the chain stays verifiable from its anchor)
/// and forgets `once` grants that expired unused. Hourly, on web nodes.
struct ConsentMaintenance {
    let consentLog: any ConsentLog
    let onceGrants: any OnceGrantStore
    let retention: Duration
    let logger: Logger

    /// The service: ``maintain()`` every hour, the first at once.
    func service() -> PeriodicTask {
        PeriodicTask("consent maintenance", every: .seconds(3600), logger: logger) { try await maintain() }
    }

    func maintain() async throws {
        let expired = try await consentLog.logExpiredConsents()
        let cutoff = Date().addingTimeInterval(-Double(retention.components.seconds))
        let pruned = try await consentLog.pruneConsentEvents(before: cutoff)
        let unused = try await onceGrants.purgeOnceGrants(expiredBefore: Date())
        if expired + pruned + unused > 0 {
            logger.info(
                "consent log maintained",
                metadata: ["expired": "\(expired)", "pruned": "\(pruned)", "unusedOnceGrants": "\(unused)"])
        }
    }
}
