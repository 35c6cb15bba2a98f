import Crypto
import Foundation

/// A backup folder's `manifest.json`: what the backup is and the SHA-256 of every other file
/// in it, so that `galleryd backup verify` can prove the copy before anyone needs it.
///
/// The folder (see ``BackupFolder``) holds the catalog as one SQLite file whichever store it
/// came from, so a backup of a PostgreSQL installation restores onto SQLite and back.
struct BackupManifest: Codable, Equatable {
    /// The layout's version; a galleryd that does not know it refuses the backup.
    var format: Int
    var createdAt: Date
    /// The store the snapshot was read from: `sqlite` or `postgres`.
    var source: String
    /// The newest SQLite migration of `catalog.sqlite` (a newer galleryd wrote it if this one
    /// does not know it).
    var schema: String
    /// Rows per kind in the snapshot (as `catalog copy` reports them).
    var counts: [String: Int]
    /// The latest signed consent checkpoint in the backup (nil: none yet).
    var consentCheckpoint: Int64?
    var secretsIncluded: Bool
    /// Every file but the manifest, by name: its size in bytes and SHA-256 (hex).
    var files: [String: FileDigest]

    static let currentFormat = 1

    struct FileDigest: Codable, Equatable {
        var bytes: Int64
        var sha256: String
    }

    /// The size and SHA-256 of a file, read 1 MiB at a time (a catalog of 100,000 photos is
    /// some hundreds of MB).
    static func digest(of path: String) throws -> FileDigest {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BackupError("cannot read \(path)")
        }
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            bytes += Int64(chunk.count)
        }
        return FileDigest(bytes: bytes, sha256: hash.finalize().map { String(format: "%02x", $0) }.joined())
    }

    static func read(from folder: String) throws -> BackupManifest {
        let path = folder + "/" + BackupFolder.manifest
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupError("\(path) is missing: \(folder) is not a galleryd backup (or an unfinished one)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError("\(path) is not a galleryd backup manifest: \(error)")
        }
        guard manifest.format == currentFormat else {
            throw BackupError(
                "\(path) has format \(manifest.format); this galleryd reads format \(currentFormat) (a newer galleryd wrote it)"
            )
        }
        return manifest
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// The files of a backup folder:
///
/// | file | what |
/// | --- | --- |
/// | `manifest.json` | ``BackupManifest`` |
/// | `catalog.sqlite` | the whole catalog as of one snapshot: galleries, assets, overrides, audit, admin tokens (hashes), consent settings and log |
/// | `consent-checkpoints.log` | the signed consent checkpoints, up to the snapshot's latest |
/// | `consent-checkpoints.head` | that latest checkpoint's line (the head marker) |
/// | `consent-checkpoint.pub` | the checkpoint public key (PEM) |
/// | `secrets.json` | only with `--include-secrets`, mode 0600: ``BackupSecrets`` |
///
/// Renditions and previews are not in it: they are made again from the media folder, which is
/// the operator's to back up.
enum BackupFolder {
    static let manifest = "manifest.json"
    static let catalog = "catalog.sqlite"
    static let checkpointLog = "consent-checkpoints.log"
    static let headMarker = "consent-checkpoints.head"
    static let publicKey = "consent-checkpoint.pub"
    static let secrets = "secrets.json"
}

/// The keys a backup carries only when asked (`--include-secrets`), base64. Without them the
/// restored log verifies against the public key only, and a restore needs the keys put in
/// place first.
struct BackupSecrets: Codable, Equatable {
    /// `secrets/consent-log.key` (`consent.logKeyFile`): keys the consent chain's hashes.
    var consentLogKey: String?
    /// `secrets/consent-checkpoint.key`: signs the checkpoints.
    var consentCheckpointKey: String?
    /// `secrets/consent-cookie.key` (`consent.cookieKeyFile`): signs visitors' consent cookies.
    var consentCookieKey: String?
}

/// A backup could not be written, verified or restored; says what and where.
struct BackupError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
