import Catalog
import Foundation
import GalleryCore
import Logging
import PostgresCatalog
import SQLiteCatalog

#if canImport(Glibc)
    import Glibc
#endif

/// `galleryd restore --from PATH`: a backup put back together into an empty data folder, and
/// the catalog `catalog.url` names (a SQLite file in it, or an empty PostgreSQL database —
/// whichever store the backup came from).
///
/// The parts that belong together go back together or not at all: the catalog, the consent
/// checkpoints cut at the catalog's snapshot, the public key, and the keys — the backup's
/// (`--include-secrets`) or the ones the operator put in place first. Before anything is
/// written, the backup's consent log is verified with exactly those keys; a restore that
/// could not be verified or continued is refused, naming what is missing.
struct CatalogRestore {
    let configuration: GallerydConfiguration
    let logger: Logger

    /// What was restored, for the command's report.
    struct Summary {
        var counts: KeyValuePairs<String, Int>
        var consentEvents: Int
        var checkpoints: Int
        var cookieKeyRestored: Bool
    }

    func run(from backup: String) async throws -> Summary {
        let manifest = try BackupManifest.read(from: backup)
        let damaged = try BackupVerification.filesProblems(backup, manifest)
        guard damaged.isEmpty else {
            throw BackupError("the backup \(backup) is damaged: " + damaged.joined(separator: "; "))
        }
        let target = ConsentLogFiles(
            dataDirectory: configuration.dataDirectory, chainKeyFile: configuration.consent.logKeyFile)
        // An empty target: nothing of another installation to mix with (an older catalog
        // beside newer checkpoints never verifies again).
        if case .sqlite(let path) = configuration.catalogLocation, FileManager.default.fileExists(atPath: path) {
            throw BackupError("\(path) exists: restore into an empty data folder")
        }
        for path in [target.checkpointLogFile, target.headMarkerFile]
        where FileManager.default.fileExists(atPath: path) {
            throw BackupError(
                "\(path) exists: restore into an empty data folder (these consent checkpoints belong to another catalog)"
            )
        }

        let keys = try keys(from: try BackupSecrets.read(from: backup), target: target)
        let staged = try StagedBackup(backup, keys: keys, linksOnlyWithoutKey: false, logger: logger)
        defer { staged.remove() }
        let contents = try await staged.catalog.contents()
        var missing: [String] = []
        if try await staged.catalog.backupSummary().keyedConsentEvents > 0, keys.consentLogKey == nil {
            missing.append("the consent chain key (\(target.chainKeyFile))")
        }
        if manifest.consentCheckpoint != nil, keys.consentCheckpointKey == nil {
            missing.append("the consent checkpoint signing key (\(target.signingKeyFile))")
        }
        guard missing.isEmpty else {
            throw BackupError(
                "the backup holds no secrets (it was taken without --include-secrets) and \(missing.joined(separator: " and ")) is not in place: copy the installation's keys there first, or restore a backup taken with --include-secrets. Without them the restored consent log could be neither verified nor continued."
            )
        }
        let verification = try await staged.catalog.verifyConsentChain(publicKey: staged.publicKey)
        guard verification.isIntact else {
            throw BackupError(
                "the backup's consent log does not verify with these keys, nothing was restored: \(verification.problem ?? "broken")"
            )
        }

        try await load(contents)
        try put(backup, target: target, keys: keys)
        return Summary(
            counts: contents.counts, consentEvents: contents.consentEvents.count,
            checkpoints: verification.checkpointsChecked, cookieKeyRestored: keys.consentCookieKey != nil)
    }

    /// The keys to restore with: the backup's, else those already in place; a key in place
    /// that is not the backup's is refused (it belongs to another installation).
    private func keys(from secrets: BackupSecrets?, target: ConsentLogFiles) throws -> BackupSecrets {
        func key(_ name: String, _ fromBackup: String?, _ path: String) throws -> String? {
            let inPlace = FileManager.default.contents(atPath: path)?.base64EncodedString()
            if let fromBackup, let inPlace, fromBackup != inPlace {
                throw BackupError(
                    "\(path) holds another \(name) than the backup's: restore into an empty data folder, or remove it")
            }
            return fromBackup ?? inPlace
        }
        return BackupSecrets(
            consentLogKey: try key("consent chain key", secrets?.consentLogKey, target.chainKeyFile),
            consentCheckpointKey: try key(
                "consent checkpoint signing key", secrets?.consentCheckpointKey, target.signingKeyFile),
            consentCookieKey: try key("consent cookie key", secrets?.consentCookieKey, configuration.cookieKeyFile))
    }

    /// Loads the catalog into the configured store. A SQLite catalog is written beside its
    /// place and linked in when complete (never over one made meanwhile); PostgreSQL's load
    /// is one transaction and refuses a database that is not empty.
    private func load(_ contents: CatalogContents) async throws {
        switch configuration.catalogLocation {
        case .sqlite(let path):
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = path + ".restoring-" + UUID().uuidString
            defer { for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) } }
            let store = try SQLiteStore(path: temporary, logger: logger)
            try await store.load(contents)
            try store.close()
            guard link(temporary, path) == 0 else {
                throw BackupError("cannot put the catalog at \(path): \(String(cString: strerror(errno)))")
            }
        case .postgres(let location):
            let database = try await PostgresDatabase(
                location: location, password: configuration.catalogPassword, logger: logger)
            defer { database.close() }
            try await PostgresCatalogTransfer(database: database).load(contents)
        }
    }

    /// The consent files and keys, where this configuration keeps them.
    private func put(_ backup: String, target: ConsentLogFiles, keys: BackupSecrets) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(
            atPath: (target.headMarkerFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let files: [(String, String, mode_t)] = [
            (BackupFolder.checkpointLog, target.checkpointLogFile, 0o644),
            (BackupFolder.headMarker, target.headMarkerFile, 0o600),
            (BackupFolder.publicKey, target.publicKeyFile, 0o644),
        ]
        for (name, path, mode) in files {
            guard let data = fileManager.contents(atPath: backup + "/" + name) else { continue }
            if let existing = fileManager.contents(atPath: path) {
                guard existing == data else { throw BackupError("\(path) exists and is not the backup's") }
                continue
            }
            try ConsentLogFiles.writeAtomically(path, Array(data), mode: mode)
        }
        for (key, path) in [
            (keys.consentLogKey, target.chainKeyFile), (keys.consentCheckpointKey, target.signingKeyFile),
            (keys.consentCookieKey, configuration.cookieKeyFile),
        ] {
            guard let key, let bytes = Data(base64Encoded: key) else { continue }
            // Linked into place, never replacing: a key that is there already was compared.
            _ = try ConsentLogFiles.secretFile(path, creating: true, make: { Array(bytes) })
        }
    }
}
