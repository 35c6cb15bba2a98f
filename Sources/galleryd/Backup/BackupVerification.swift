import Catalog
import Foundation
import GalleryCore
import Logging
import SQLiteCatalog

/// `galleryd backup verify PATH`: proves a backup folder before anyone needs it — every file
/// against the manifest's SHA-256, SQLite's integrity check of the catalog, its row counts
/// against the manifest, and the consent chain inside the copy against the backup's
/// checkpoints and public key.
///
/// The backup itself is never opened for writing: the checks run on a copy
/// (``StagedBackup``).
struct BackupVerification {
    /// What was checked, one line each.
    var checked: [String] = []
    /// What is wrong, one line each; empty: the backup is sound.
    var problems: [String] = []

    var isSound: Bool { problems.isEmpty }

    static func run(_ folder: String, logger: Logger) async throws -> BackupVerification {
        var result = BackupVerification()
        let manifest = try BackupManifest.read(from: folder)
        result.problems += try filesProblems(folder, manifest)
        guard result.problems.isEmpty else { return result }
        result.checked.append("files: \(manifest.files.count) match the manifest (SHA-256)")
        let secrets = try BackupSecrets.read(from: folder)
        let staged = try StagedBackup(folder, keys: secrets, linksOnlyWithoutKey: true, logger: logger)
        defer { staged.remove() }
        let integrity = try await staged.catalog.integrityCheck()
        guard integrity == "ok" else {
            result.problems.append("catalog: SQLite's integrity check says: \(integrity)")
            return result
        }
        let summary = try await staged.catalog.backupSummary()
        let counts = summary.counts
        if counts != manifest.counts {
            result.problems.append("catalog: its rows \(counts) are not the manifest's \(manifest.counts)")
        } else {
            result.checked.append(
                "catalog: integrity ok; "
                    + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        let consent = try await staged.catalog.verifyConsentChain(publicKey: staged.publicKey)
        if !consent.isIntact {
            result.problems.append("consent log: \(consent.problem ?? "broken")")
        } else if secrets?.consentLogKey == nil, summary.keyedConsentEvents > 0 {
            result.checked.append(
                "consent log: \(consent.eventsChecked) events linked and \(consent.checkpointsChecked) checkpoints signed by the backup's public key; the events' keyed hashes were not checked (the chain key is not in this backup: take it with --include-secrets, or verify after a restore with the installation's key)"
            )
        } else {
            result.checked.append(
                "consent log intact: \(consent.eventsChecked) events, \(consent.checkpointsChecked) checkpoints")
        }
        return result
    }

    /// Every file the manifest names, with its size and SHA-256; nothing else in the folder.
    static func filesProblems(_ folder: String, _ manifest: BackupManifest) throws -> [String] {
        var problems: [String] = []
        for (name, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let path = folder + "/" + name
            guard FileManager.default.fileExists(atPath: path) else {
                problems.append("\(name) is missing")
                continue
            }
            let found = try BackupManifest.digest(of: path)
            if found != expected {
                problems.append(
                    "\(name) is not the file backed up: \(found.bytes) bytes, SHA-256 \(found.sha256) (the manifest says \(expected.bytes) bytes, \(expected.sha256))"
                )
            }
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder)
        where name != BackupFolder.manifest && manifest.files[name] == nil {
            problems.append("\(name) is not in the manifest")
        }
        return problems
    }
}

extension BackupSecrets {
    /// The backup's `secrets.json`, if it has one.
    static func read(from folder: String) throws -> BackupSecrets? {
        guard let data = FileManager.default.contents(atPath: folder + "/" + BackupFolder.secrets) else { return nil }
        do {
            return try JSONDecoder().decode(BackupSecrets.self, from: data)
        } catch {
            throw BackupError("\(folder)/\(BackupFolder.secrets) cannot be read: \(error)")
        }
    }
}

/// A backup laid out as a data folder of its own, in a temporary folder: its catalog file
/// copied (opening migrates a catalog an older galleryd wrote, on the copy only), the consent
/// files where a data folder keeps them, and the given keys.
struct StagedBackup {
    let folder: String
    let catalog: SQLiteStore
    let files: ConsentLogFiles
    /// The backup's checkpoint public key, pinned for the verification.
    let publicKey: ConsentCheckpointPublicKey?

    init(_ backup: String, keys: BackupSecrets?, linksOnlyWithoutKey: Bool, logger: Logger) throws {
        let fileManager = FileManager.default
        folder = fileManager.temporaryDirectory.appendingPathComponent("galleryd-backup-\(UUID().uuidString)").path
        try fileManager.createDirectory(
            atPath: folder + "/secrets", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            files = ConsentLogFiles(dataDirectory: folder)
            try fileManager.copyItem(atPath: backup + "/" + BackupFolder.catalog, toPath: folder + "/catalog.sqlite")
            for (name, target) in [
                (BackupFolder.checkpointLog, files.checkpointLogFile), (BackupFolder.headMarker, files.headMarkerFile),
                (BackupFolder.publicKey, files.publicKeyFile),
            ] where fileManager.fileExists(atPath: backup + "/" + name) {
                try fileManager.copyItem(atPath: backup + "/" + name, toPath: target)
            }
            for (key, target) in [
                (keys?.consentLogKey, files.chainKeyFile), (keys?.consentCheckpointKey, files.signingKeyFile),
            ] {
                guard let key else { continue }
                guard let bytes = Data(base64Encoded: key) else {
                    throw BackupError("a key in the backup is not base64")
                }
                try ConsentLogFiles.writeAtomically(target, Array(bytes), mode: 0o600)
            }
            publicKey = files.publishedPublicKey()
            var options = ConsentLogOptions(dataDirectory: folder)
            options.linksOnlyWithoutKey = linksOnlyWithoutKey
            catalog = try SQLiteStore(path: folder + "/catalog.sqlite", logger: logger, consentLog: options)
        } catch {
            try? fileManager.removeItem(atPath: folder)
            throw error
        }
    }

    func remove() {
        try? catalog.close()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
