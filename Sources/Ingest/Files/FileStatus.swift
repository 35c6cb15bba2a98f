import GalleryCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Calls `body` with the file system's bytes for `path` (``MediaName``: escaped bytes of
/// names that are not UTF-8 go back as they were read).
func withFileSystemPath<T>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
    guard MediaName.isEscaped(path) else { return try path.withCString(body) }
    let bytes = MediaName.fileSystemBytes(path).map { CChar(bitPattern: $0) } + [0]
    return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!) }
}

/// `lstat` of a path: what kind of entry it is, its size and modification time.
public struct FileStatus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regular, directory, symlink, other
    }

    public var kind: Kind
    public var size: Int
    /// Seconds since 1970, with nanoseconds.
    public var modifiedAt: Double

    /// Status of the entry itself (a symlink is reported as a symlink); `nil` if missing.
    public static func of(_ path: String) -> FileStatus? {
        var info = stat()
        guard withFileSystemPath(path, { lstat($0, &info) }) == 0 else { return nil }
        return FileStatus(info)
    }

    /// Status of what the path points to, following symlinks; `nil` if missing.
    public static func following(_ path: String) -> FileStatus? {
        var info = stat()
        guard withFileSystemPath(path, { stat($0, &info) }) == 0 else { return nil }
        return FileStatus(info)
    }

    /// A status as stored (the sidecar stamps a reconcile keeps in the catalog).
    init(kind: Kind, size: Int, modifiedAt: Double) {
        self.kind = kind
        self.size = size
        self.modifiedAt = modifiedAt
    }

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        size = Int(info.st_size)
        modifiedAt = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000
    }
}

/// The names in a directory (no `.` and `..`), read with `readdir`, as ``MediaName``
/// holds them; `isValidUTF8` is false for a name whose bytes had to be escaped.
func directoryEntries(_ path: String) -> [(name: String, isValidUTF8: Bool)]? {
    guard let directory = withFileSystemPath(path, { opendir($0) }) else { return nil }
    defer { closedir(directory) }
    var names: [(String, Bool)] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> (String, Bool) in
            let bytes = raw.prefix(while: { $0 != 0 })
            return (MediaName.decode(bytes), String(validating: bytes, as: UTF8.self) != nil)
        }
        if name.0 != "." && name.0 != ".." { names.append(name) }
    }
    return names
}

/// The canonical absolute path (symlinks resolved), or `nil`.
func resolvedPath(_ path: String) -> String? {
    guard let resolved = withFileSystemPath(path, { realpath($0, nil) }) else { return nil }
    defer { free(resolved) }
    return MediaName.decode(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
}
