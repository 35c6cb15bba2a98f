public import Foundation
public import GalleryCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The consent log's files outside the catalog, in the data folder:
///
/// | file | what |
/// | --- | --- |
/// | `secrets/consent-log.key` (or `consent.logKeyFile`) | 32 random bytes keying the chain (0600) |
/// | `secrets/consent-checkpoint.key` | the Ed25519 signing key, 32 raw bytes (0600) |
/// | `secrets/consent-checkpoints.head` | a copy of the latest checkpoint line (0600) |
/// | `consent-checkpoint.pub` | the public key, PEM, for auditors |
/// | `consent-checkpoints.log` | the signed checkpoints, one JSON line each, append-only |
///
/// Keys are made on first use: written to a temporary file (0600) and linked into place,
/// so two processes starting at once end up with the same key.
public struct ConsentLogFiles: Sendable {
    public var chainKeyFile: String
    public var signingKeyFile: String
    public var headMarkerFile: String
    public var publicKeyFile: String
    public var checkpointLogFile: String

    public init(dataDirectory: String, chainKeyFile: String? = nil) {
        let secrets = dataDirectory + "/secrets"
        self.chainKeyFile = chainKeyFile ?? secrets + "/consent-log.key"
        signingKeyFile = secrets + "/consent-checkpoint.key"
        headMarkerFile = secrets + "/consent-checkpoints.head"
        publicKeyFile = dataDirectory + "/consent-checkpoint.pub"
        checkpointLogFile = dataDirectory + "/consent-checkpoints.log"
    }

    // MARK: Keys

    /// The chain key; made when missing and `creating`, else nil when missing.
    public func chainKey(creating: Bool) throws -> ConsentChainKey? {
        if let cached = Self.chainKeys.withLock({ $0[chainKeyFile] }) { return cached }
        guard let bytes = try keyBytes(chainKeyFile, creating: creating, make: ConsentChainKey.generateBytes) else {
            return nil
        }
        guard let key = ConsentChainKey(bytes: bytes) else {
            throw ConsentLogFileError(description: "\(chainKeyFile) holds fewer than 32 bytes")
        }
        Self.chainKeys.withLock { $0[chainKeyFile] = key }
        return key
    }

    /// The checkpoint signing key; made (with its public key file) when missing and
    /// `creating`, else nil when missing.
    public func signingKey(creating: Bool) throws -> ConsentCheckpointSigningKey? {
        guard
            let bytes = try keyBytes(
                signingKeyFile, creating: creating, make: { ConsentCheckpointSigningKey.generate().rawRepresentation })
        else { return nil }
        guard let key = ConsentCheckpointSigningKey(rawRepresentation: bytes) else {
            throw ConsentLogFileError(description: "\(signingKeyFile) is no Ed25519 key")
        }
        if creating, !FileManager.default.fileExists(atPath: publicKeyFile) {
            try Self.writeAtomically(publicKeyFile, Array(key.publicKey.pem.utf8), mode: 0o644)
        }
        return key
    }

    /// The public key file's key, if it is there and readable.
    public func publishedPublicKey() -> ConsentCheckpointPublicKey? {
        FileManager.default.contents(atPath: publicKeyFile).flatMap {
            ConsentCheckpointPublicKey(pem: String(decoding: $0, as: UTF8.self))
        }
    }

    /// Key files are read once per process: the chain key is needed for every event.
    private static let chainKeys = Mutex<[String: ConsentChainKey]>([:])

    private func keyBytes(_ path: String, creating: Bool, make: () -> [UInt8]) throws -> [UInt8]? {
        try Self.secretFile(path, creating: creating, make: make)
    }

    /// A secret kept in a file of its own (0600, in a 0700 folder): read if there, else made
    /// by `make` when `creating` — written to a temporary file and linked into place, so
    /// two processes starting at once end up with the same secret. Also galleryd's consent
    /// cookie key.
    public static func secretFile(_ path: String, creating: Bool, make: () -> [UInt8]) throws -> [UInt8]? {
        if let existing = FileManager.default.contents(atPath: path) { return Array(existing) }
        guard creating else { return nil }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = try Self.writeTemporary(beside: path, make(), mode: 0o600)
        defer { unlink(temporary) }
        // link() never replaces: whoever comes second reads the first one's key.
        if link(temporary, path) != 0, errno != EEXIST {
            throw ConsentLogFileError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let written = FileManager.default.contents(atPath: path) else {
            throw ConsentLogFileError(description: "cannot read \(path)")
        }
        return Array(written)
    }

    // MARK: Checkpoints

    /// The checkpoint file's lines, oldest first (none when it does not exist).
    public func checkpointLines() throws -> [String] {
        guard let data = FileManager.default.contents(atPath: checkpointLogFile) else {
            if FileManager.default.fileExists(atPath: checkpointLogFile) {
                throw ConsentLogFileError(description: "cannot read \(checkpointLogFile)")
            }
            return []
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The head marker's checkpoint line, if any.
    public func headMarker() -> String? {
        FileManager.default.contents(atPath: headMarkerFile).map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
    }

    /// Appends a line to the checkpoint file (one write, then fsync) and replaces the head
    /// marker with it.
    func append(checkpointLine line: String) throws {
        let descriptor = open(checkpointLogFile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.error("cannot open", checkpointLogFile) }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw Self.error("cannot append to", checkpointLogFile)
        }
        try FileManager.default.createDirectory(
            atPath: (headMarkerFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try Self.writeAtomically(headMarkerFile, Array((line + "\n").utf8), mode: 0o600)
    }

    // MARK: Files

    /// Replaces `path` with `bytes` whole: a temporary file beside it, created with `mode`
    /// and synced, renamed into place. (Also how a backup's and a restore's files are written.)
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let temporary = try Self.writeTemporary(beside: path, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Self.error("cannot replace", path)
        }
    }

    /// A new file beside `path` with `bytes`, created with `mode` (never wider), synced.
    private static func writeTemporary(beside path: String, _ bytes: [UInt8], mode: mode_t) throws -> String {
        let temporary = path + ".\(UUID().uuidString).partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw error("cannot create", temporary) }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            unlink(temporary)
            throw error("cannot write", temporary)
        }
        return temporary
    }

    private static func error(_ action: String, _ path: String) -> ConsentLogFileError {
        ConsentLogFileError(description: "\(action) \(path): \(String(cString: strerror(errno)))")
    }
}

/// A consent log file could not be read or written.
public struct ConsentLogFileError: Error, CustomStringConvertible {
    public var description: String
}
