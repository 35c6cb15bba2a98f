#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        guard lstat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// Status of what the path points to, following symlinks; `nil` if missing.
    public static func following(_ path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(info)
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

/// The names in a directory (no `.` and `..`), read with `readdir`. Names that are not
/// valid UTF-8 are returned with `isValidUTF8 == false` so they can be reported.
func directoryEntries(_ path: String) -> [(name: String, isValidUTF8: Bool)]? {
    guard let directory = opendir(path) else { return nil }
    defer { closedir(directory) }
    var names: [(String, Bool)] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> (String, Bool) in
            let bytes = raw.prefix(while: { $0 != 0 })
            if let text = String(validating: bytes, as: UTF8.self) { return (text, true) }
            return (String(decoding: bytes, as: UTF8.self), false)
        }
        if name.0 != "." && name.0 != ".." { names.append(name) }
    }
    return names
}

/// The canonical absolute path (symlinks resolved), or `nil`.
func resolvedPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}
