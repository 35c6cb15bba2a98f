public import Foundation
public import GalleryCore

/// Everything the ingest pipeline needs to know, resolved from the configuration.
public struct IngestSettings: Sendable {
    public var mediaRoot: String
    public var dataDirectory: String
    public var limits: IngestLimits
    public var renditions: RenditionSettings
    public var houseCredit: String
    /// Zone for EXIF capture times written without an offset.
    public var timeZone: TimeZone
    /// `timeZone`'s default: the ministry's (IANA tz database name).
    public static let defaultTimeZoneIdentifier = "Europe/Berlin"
    /// Images processed at once.
    public var workers: Int
    /// A file that does not decode and was modified more recently than this is taken to
    /// be still in transfer: it is tried again later rather than quarantined.
    public var settleInterval: Duration
    /// A file that ends early (truncated) and was modified more recently than this is an
    /// upload that stalled (a camera on a weak network, an FTP client that paused), not a
    /// broken file: the daemon waits for it, and quarantines it only if it is still
    /// truncated this long after its last change (`watch.incompleteGraceSeconds`).
    public var incompleteGrace: Duration
    /// Folders that are symbolic links are followed (`watch.followSymlinks`), and then only
    /// to folders inside the media root; off by default, so a folder swapped for a link to
    /// somewhere else publishes nothing from there.
    public var followSymlinks: Bool
    /// Bytes a `gallery.yaml` may have (`ingest.maxSidecarBytes`); a larger one is reported
    /// and the gallery keeps its last good sidecar.
    public var maxSidecarBytes: Int
    /// `watch.incompleteGraceSeconds`' default: ten minutes.
    public static let defaultIncompleteGrace: Duration = .seconds(600)
    /// The consent settings from the config file, in force until an admin saves others.
    public var consentDefaults: ConsentSettings
    /// Fetch embed previews from the services' listed hosts when an embed is published
    /// (off: a neutral placeholder until an admin uploads a preview).
    public var fetchPreviews: Bool
    /// Nice value of render threads (0–19): image work yields the cores to serving.
    public var renderNice: Int
    /// The site's rights defaults (config `rights.*`), below gallery, file and admin.
    public var siteRights: RightsTerms

    public init(
        mediaRoot: String, dataDirectory: String, limits: IngestLimits = IngestLimits(),
        renditions: RenditionSettings = RenditionSettings(),
        houseCredit: String = "© MWIDE NRW/E. Lichtenscheidt",
        timeZone: TimeZone = TimeZone(identifier: IngestSettings.defaultTimeZoneIdentifier) ?? .gmt,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, settleInterval: Duration = .seconds(2),
        incompleteGrace: Duration = IngestSettings.defaultIncompleteGrace, followSymlinks: Bool = false,
        maxSidecarBytes: Int = SidecarLoader.defaultMaximumBytes,
        consentDefaults: ConsentSettings = ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: []),
        fetchPreviews: Bool = true, renderNice: Int = 10, siteRights: RightsTerms = RightsTerms()
    ) {
        self.siteRights = siteRights
        self.mediaRoot = mediaRoot
        self.dataDirectory = dataDirectory
        self.limits = limits
        self.renditions = renditions
        self.houseCredit = houseCredit
        self.timeZone = timeZone
        self.workers = max(1, workers)
        self.settleInterval = settleInterval
        self.incompleteGrace = incompleteGrace
        self.followSymlinks = followSymlinks
        self.maxSidecarBytes = maxSidecarBytes
        self.consentDefaults = consentDefaults
        self.fetchPreviews = fetchPreviews
        self.renderNice = renderNice
    }

    public var binder: MetadataBinder { MetadataBinder(houseCredit: houseCredit, siteRights: siteRights) }
}
