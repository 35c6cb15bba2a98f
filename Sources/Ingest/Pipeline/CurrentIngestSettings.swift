import Imaging
import Synchronization

/// The ingest settings in force. Each job reads them once and hands the value to the stage
/// that does it; SIGHUP replaces what may change while running (``reload(_:)``).
public final class CurrentIngestSettings: Sendable {
    private let settings: Mutex<IngestSettings>

    public init(_ settings: IngestSettings) {
        self.settings = Mutex(settings)
    }

    /// The settings now: a value, unchanged by a reload while a job holds it.
    public var value: IngestSettings { settings.withLock { $0 } }

    /// Takes new limits, renditions, credit, time zone, settle time, consent defaults,
    /// preview fetching, rights and render priority. The media and data folders, symlink
    /// following and the number of workers stay as they were started.
    public func reload(_ new: IngestSettings) {
        settings.withLock { current in
            current.limits = new.limits
            current.renditions = new.renditions
            current.houseCredit = new.houseCredit
            current.timeZone = new.timeZone
            current.settleInterval = new.settleInterval
            current.consentDefaults = new.consentDefaults
            current.fetchPreviews = new.fetchPreviews
            current.siteRights = new.siteRights
            current.renderNice = new.renderNice
        }
        RenderPriority.set(new.renderNice)
    }
}
