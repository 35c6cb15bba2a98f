import GalleryCore
import Metrics

/// The ingest counters `/metrics` exports (through whatever swift-metrics backend the
/// executable bootstrapped).
enum IngestMetrics {
    static let ingested = Counter(label: "galleryd_files_ingested_total")
    static let updated = Counter(label: "galleryd_files_texts_updated_total")
    static let quarantined = Counter(label: "galleryd_files_quarantined_total")
    static let removed = Counter(label: "galleryd_files_removed_total")
    static let failed = Counter(label: "galleryd_ingest_failures_total")
    static let renditionsWritten = Counter(label: "galleryd_renditions_written_total")
    static let jobDuration = Timer(label: "galleryd_job_duration_seconds", preferredDisplayUnit: .seconds)

    static func record(_ outcome: IngestOutcome, duration: Duration) {
        switch outcome {
        case .ingested(_, let renditions):
            ingested.increment()
            renditionsWritten.increment(by: renditions)
        case .updated: updated.increment()
        case .quarantined(.recorded): break
        case .quarantined: quarantined.increment()
        case .removed: removed.increment()
        case .failed: failed.increment()
        case .unchanged, .ignored, .deferred: break
        }
        if case .ingested = outcome { jobDuration.record(duration: duration) }
    }
}
