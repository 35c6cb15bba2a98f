/// `backup.*`: where `galleryd backup` (the `galleryd-backup.timer`'s run) puts its backups
/// when no `--to` is given, and how many it keeps.
struct BackupConfiguration: Sendable {
    /// One `galleryd-<UTC time>` folder per backup in here.
    var folder: String
    /// The newest this many backups in ``folder`` are kept; older ones are deleted after a
    /// new one is complete.
    var keep: Int

    init(config: ConfigScope, paths: GallerydConfiguration.PathResolver) throws {
        folder = paths.path("folder", in: config, default: "/var/backups/galleryd")
        keep = try config.int("keep", default: 7, in: 1...10_000)
    }
}
