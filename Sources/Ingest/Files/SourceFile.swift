import Crypto
import Foundation
import GalleryCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an original, read-only. Opened with `O_NOFOLLOW` after the caller resolved
/// symlinks, so a link swapped in meanwhile is refused rather than followed.
enum SourceFile {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
        /// The failure says nothing about the file: the process or system ran out of
        /// descriptors or memory, or a network file system stalled. Retry later; never
        /// quarantine for it.
        var isTransient = false

        init(description: String, errno code: Int32? = nil) {
            self.description = description
            self.isTransient = code.map(Self.transientErrors.contains) ?? false
        }

        /// EMFILE/ENFILE (descriptors), ENOMEM/ENOBUFS (memory), EAGAIN/EINTR/EBUSY,
        /// EIO/ETIMEDOUT/ESTALE/ENOLCK (NFS, SMB, FUSE going away and back).
        static let transientErrors: Set<Int32> = [
            EMFILE, ENFILE, ENOMEM, ENOBUFS, EAGAIN, EINTR, EBUSY, EIO, ETIMEDOUT, ESTALE, ENOLCK,
        ]
    }

    /// The bytes and their SHA-256 (hex): an original and its version, as publishing and a
    /// download check it. Blocks: call it on a thread pool.
    static func readHashed(_ path: String, maximumBytes: Int) throws(ReadError) -> (bytes: Data, sourceHash: String) {
        let bytes = try read(path, maximumBytes: maximumBytes)
        return (bytes, SHA256.hash(data: bytes).hexString)
    }

    static func read(_ path: String, maximumBytes: Int) throws(ReadError) -> Data {
        let descriptor = withFileSystemPath(path) { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard descriptor >= 0 else {
            let code = errno
            throw ReadError(description: String(cString: strerror(code)), errno: code)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw ReadError(description: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= maximumBytes else { throw ReadError(description: "file grew past \(maximumBytes) bytes") }
        var data = Data(count: size)
        let readCount = data.withUnsafeMutableBytes { buffer -> Int in
            var total = 0
            while total < size {
                let count = Glibc.read(descriptor, buffer.baseAddress! + total, size - total)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return -Int(errno) }
                if count == 0 { break }
                total += count
            }
            return total
        }
        if readCount < 0 {
            let code = Int32(-readCount)
            throw ReadError(description: String(cString: strerror(code)), errno: code)
        }
        guard readCount == size else { throw ReadError(description: "file shrank while being read") }
        return data
    }
}
