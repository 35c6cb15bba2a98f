public import GalleryCore

/// What happened to one file in an ingest.
public enum IngestOutcome: Sendable, Equatable {
    /// Published (new or changed), with the number of rendition files it has.
    case ingested(AssetID, renditions: Int)
    /// Already in the catalog with the same bytes; nothing was done.
    case unchanged
    /// Same bytes, but its texts changed (sidecar, admin, configuration): JSON only.
    case updated(AssetID)
    /// Looks incomplete and was modified moments ago: probably still being written.
    case deferred
    /// Held back; the reason is in the catalog and the log.
    case quarantined(QuarantineReason)
    /// No longer in the media folder; removed from the catalog.
    case removed
    /// Not an image file galleryd looks at (hidden, temp, sidecar, folder).
    case ignored
    /// galleryd could not finish (e.g. disk full); nothing is visible, it is tried again.
    case failed(String)
}

/// Totals of an ingest pass, as `galleryd ingest` prints them.
public struct IngestSummary: Sendable {
    public var ingested: [String] = []
    public var unchanged = 0
    public var updated: [String] = []
    public var deferred: [String] = []
    public var quarantined: [(path: String, reason: QuarantineReason)] = []
    public var removed: [String] = []
    public var failed: [(path: String, message: String)] = []

    public init() {}

    mutating func record(_ outcome: IngestOutcome, path: String) {
        switch outcome {
        case .ingested: ingested.append(path)
        case .unchanged: unchanged += 1
        case .updated: updated.append(path)
        case .deferred: deferred.append(path)
        case .quarantined(let reason): quarantined.append((path, reason))
        case .removed: removed.append(path)
        case .ignored: break
        case .failed(let message): failed.append((path, message))
        }
    }
}
