import Ingest

/// `watch.*`: how the media folder is watched and when a file counts as complete.
struct WatchConfiguration: Sendable {
    var settleInterval: Duration
    var incompleteGrace: Duration
    var followSymlinks: Bool
    /// nil: no periodic rescan (`watch.rescanSeconds: 0`).
    var rescanInterval: Duration?
    var pollInterval: Duration

    /// Defaults are ``IngestSettings``' and ``MediaWatchService``'s.
    init(config: ConfigScope) throws {
        let defaults = IngestSettings(mediaRoot: "", dataDirectory: "")
        settleInterval = try config.seconds("settleSeconds", default: defaults.settleInterval, in: 0...3600)
        incompleteGrace = try config.seconds(
            "incompleteGraceSeconds", default: defaults.incompleteGrace, in: 0...86_400)
        followSymlinks = config.bool("followSymlinks", default: defaults.followSymlinks)
        let rescan = try config.int(
            "rescanSeconds", default: Int(MediaWatchService.defaultRescanInterval.seconds), in: 0...31_536_000)
        rescanInterval = rescan > 0 ? .seconds(rescan) : nil
        pollInterval = .seconds(
            max(
                1,
                try config.int(
                    "pollSeconds", default: Int(MediaWatchService.defaultPollInterval.seconds), in: 0...86_400)))
    }
}
