import Foundation

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
    }

    static func read(_ path: String, maximumBytes: Int) throws(ReadError) -> Data {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
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
                if count <= 0 { break }
                total += count
            }
            return total
        }
        guard readCount == size else { throw ReadError(description: "file shrank while being read") }
        return data
    }
}
