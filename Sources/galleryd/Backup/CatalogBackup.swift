import Catalog
import Foundation
import GalleryCore
import Logging
import SQLiteCatalog

/// `galleryd backup`: one consistent snapshot of a running installation's catalog and the
/// consent files that belong to it, written as a ``BackupFolder``.
///
/// The catalog is read in one snapshot (SQLite: one read transaction; PostgreSQL: one
/// repeatable-read transaction), so a consent granted meanwhile is in the backup with its
/// chain or not at all. The checkpoint file is cut at the snapshot's latest checkpoint (the
/// catalog keeps a copy of that line), so the backup's files and catalog agree whatever was
/// appended since. Serving goes on: readers do not wait for the snapshot.
struct CatalogBackup {
    let configuration: GallerydConfiguration
    let stores: CatalogStores
    let logger: Logger

    /// Writes a new backup folder at `destination`. It is built in a hidden folder beside it
    /// and renamed into place when complete: a folder of that name is always a whole backup.
    /// - Throws: ``BackupError`` when `destination` exists or a part cannot be written;
    ///   ``ConsentLogFinding`` when the consent log is broken (nothing is written then).
    func write(to destination: String, includeSecrets: Bool) async throws -> BackupManifest {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: destination) else {
            throw BackupError("\(destination) exists: a backup goes into a new folder")
        }
        let url = URL(fileURLWithPath: destination)
        let parent = url.deletingLastPathComponent().path
        try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let staging = parent + "/." + url.lastPathComponent + ".partial-" + UUID().uuidString
        try fileManager.createDirectory(
            atPath: staging, withIntermediateDirectories: false,
            attributes: [
                .posixPermissions: 0o700
            ])
        do {
            let manifest = try await fill(staging, includeSecrets: includeSecrets)
            try fileManager.setAttributes([.posixPermissions: 0o750], ofItemAtPath: staging)
            guard rename(staging, destination) == 0 else {
                throw BackupError("cannot move the backup into \(destination): \(String(cString: strerror(errno)))")
            }
            return manifest
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
    }

    private func fill(_ folder: String, includeSecrets: Bool) async throws -> BackupManifest {
        let consentLog = stores.consentLog
        let files = consentLog.consentLogFiles
        // Sign what is there first, so that the backup's events are covered by a checkpoint
        // (a broken log is refused here: a backup must not carry it on unnoticed).
        _ = try await consentLog.writeConsentCheckpoint(reason: "backup", now: Date(), force: false)
        // SQLite: its online backup API, page by page in one read transaction (constant
        // memory). PostgreSQL: one repeatable-read snapshot, loaded into a SQLite catalog.
        let catalogPath = folder + "/" + BackupFolder.catalog
        if let sqlite = stores.sqlite {
            try await sqlite.backup(to: catalogPath)
        } else {
            let contents = try await stores.transfer.contents()
            let catalog = try SQLiteStore(path: catalogPath, logger: logger)
            try await catalog.load(contents)
            try catalog.close()
            try SQLiteStore.makeSelfContained(path: catalogPath)
        }
        let summary = try SQLiteStore.backupSummary(ofFile: catalogPath)

        // The consent files as of the snapshot: the checkpoint file up to the catalog's copy
        // of its latest line (a checkpoint written since is not in this catalog).
        var checkpoint: Int64?
        if let head = summary.checkpointCopy {
            let lines = try files.checkpointLines()
            guard let end = lines.firstIndex(of: head) else {
                throw BackupError(
                    "\(files.checkpointLogFile) does not hold the catalog's latest consent checkpoint; `galleryd consent verify` names the problem"
                )
            }
            try ConsentLogFiles.writeAtomically(
                folder + "/" + BackupFolder.checkpointLog, Array((lines[...end].joined(separator: "\n") + "\n").utf8),
                mode: 0o640)
            try ConsentLogFiles.writeAtomically(
                folder + "/" + BackupFolder.headMarker, Array((head + "\n").utf8), mode: 0o640)
            checkpoint = ConsentCheckpoint(jsonLine: head)?.checkpoint
        }
        if let publicKey = FileManager.default.contents(atPath: files.publicKeyFile) {
            try ConsentLogFiles.writeAtomically(folder + "/" + BackupFolder.publicKey, Array(publicKey), mode: 0o640)
        }
        if includeSecrets {
            func base64(_ path: String) -> String? { FileManager.default.contents(atPath: path)?.base64EncodedString() }
            let secrets = BackupSecrets(
                consentLogKey: base64(files.chainKeyFile), consentCheckpointKey: base64(files.signingKeyFile),
                consentCookieKey: base64(configuration.cookieKeyFile))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try ConsentLogFiles.writeAtomically(
                folder + "/" + BackupFolder.secrets, Array(try encoder.encode(secrets)), mode: 0o600)
        }

        var digests: [String: BackupManifest.FileDigest] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            digests[name] = try BackupManifest.digest(of: folder + "/" + name)
        }
        let manifest = BackupManifest(
            format: BackupManifest.currentFormat, createdAt: Date(),
            source: configuration.catalogLocation.isSQLite ? "sqlite" : "postgres", schema: SQLiteStore.schemaVersion,
            counts: summary.counts,
            consentCheckpoint: checkpoint, secretsIncluded: includeSecrets, files: digests)
        try ConsentLogFiles.writeAtomically(
            folder + "/" + BackupFolder.manifest, Array(try manifest.encoded()), mode: 0o640)
        return manifest
    }

    /// The backups `galleryd backup` made in `folder` (`galleryd-<time>`, each with its
    /// manifest), oldest first; what is beyond the newest `keep` is deleted.
    static func prune(_ folder: String, keep: Int) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.hasPrefix("galleryd-")
                && FileManager.default.fileExists(atPath: "\(folder)/\($0)/\(BackupFolder.manifest)")
        }.sorted()
        let old = names.dropLast(keep)
        for name in old { try FileManager.default.removeItem(atPath: folder + "/" + name) }
        return Array(old)
    }

    /// A backup's folder name in `backup.folder`: `galleryd-20261207T211500Z` (UTC, sorts by time).
    static func folderName(at date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return "galleryd-" + formatter.string(from: date)
    }
}

extension CatalogLocation {
    var isSQLite: Bool {
        if case .sqlite = self { return true }
        return false
    }
}
