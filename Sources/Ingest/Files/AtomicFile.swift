public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files so that readers see either nothing or the whole file: write to a temp file
/// in the same file system, fsync it, rename it into place, fsync the folder.
public struct AtomicFile: Sendable {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where temp files live; on the same file system as every destination.
    public var temporaryDirectory: String

    public init(temporaryDirectory: String) {
        self.temporaryDirectory = temporaryDirectory
    }

    /// Suffix of temp files, so that start-up can remove the ones a crash left behind.
    public static let temporarySuffix = ".partial"

    /// Who wrote a temp file: `<host>+<boot>+<pid>+<UUID>.partial` (``ProcessIdentity``),
    /// so that on a folder several machines share, start-up removes only the files of its
    /// own machine's ended processes. Files of an earlier galleryd, `<pid>-<UUID>.partial`,
    /// may be another machine's: their host is unknown (empty).
    static func writer(ofTemporary name: String) -> ProcessIdentity? {
        guard name.hasSuffix(temporarySuffix) else { return nil }
        let fields = name.split(separator: "+", omittingEmptySubsequences: false)
        if fields.count == 4 { return ProcessIdentity(fields: Array(fields.dropLast())) }
        guard fields.count == 1, let pid = name.split(separator: "-").first.flatMap({ pid_t($0) }) else { return nil }
        return ProcessIdentity(host: "", boot: "", pid: pid)
    }

    public func write(_ data: Data, to destination: String) throws(WriteError) {
        let writer = ProcessIdentity.current.joined(by: "+")
        let temporary = "\(temporaryDirectory)/\(writer)+\(UUID().uuidString)\(Self.temporarySuffix)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure("create \(temporary)") }
        var written = 0
        let ok = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                written += count
            }
            return fsync(descriptor) == 0
        }
        let error = errno
        close(descriptor)
        guard ok else {
            unlink(temporary)
            errno = error
            throw Self.failure("write \(temporary)")
        }
        guard rename(temporary, destination) == 0 else {
            let failure = Self.failure("rename to \(destination)")
            unlink(temporary)
            throw failure
        }
        Self.syncDirectory(of: destination)
    }

    /// Creates a folder and its parents (0755), like `mkdir -p`.
    public static func makeDirectories(_ path: String) throws(WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw WriteError(description: "cannot create \(path): \(error.localizedDescription)")
        }
    }

    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func failure(_ action: String) -> WriteError {
        WriteError(description: "\(action): \(String(cString: strerror(errno)))")
    }
}
