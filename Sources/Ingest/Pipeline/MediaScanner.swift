import Foundation
public import GalleryCore

/// The media folder as found on disk: gallery folders and every file below them.
struct MediaSnapshot {
    var galleryFolders: [String] = []
    /// Paths relative to the media root.
    var files: [String] = []
    /// Entries whose names are not valid UTF-8 (held escaped, shown as Windows-1252).
    var notUTF8: [String] = []
}

/// A failure that stops a pass: the media root itself is missing or unreadable.
public struct MediaRootError: Error, CustomStringConvertible {
    public var description: String
}

/// Reads the media folder, and only reads it: which folders and files are there
/// (``scan(folder:)``), and where a path of it really leads (``containedPath(_:)``) — the
/// rules of ignored names and of symbolic links, in one place.
public struct MediaScanner: Sendable {
    public let mediaRoot: String
    /// `watch.followSymlinks`.
    public let followSymlinks: Bool
    /// The media root with symlinks resolved, to tell whether a link points inside it.
    let resolvedMediaRoot: String

    public init(mediaRoot: String, followSymlinks: Bool) {
        self.mediaRoot = mediaRoot
        self.followSymlinks = followSymlinks
        self.resolvedMediaRoot = resolvedPath(mediaRoot) ?? mediaRoot
    }

    /// Lists gallery folders and their files (recursively; hidden entries skipped), of the
    /// whole media folder or of one folder in it. A folder that is a symbolic link is left
    /// out unless `watch.followSymlinks` is on and it leads inside the media root
    /// (``isFollowedFolder(_:)``): the same rule as for reading a file (``containedPath(_:)``).
    func scan(folder: String? = nil) throws -> MediaSnapshot {
        let root = mediaRoot
        guard let status = FileStatus.following(root), status.kind == .directory else {
            throw MediaRootError(description: "media folder \(root) does not exist or is not a folder")
        }
        var snapshot = MediaSnapshot()
        if let folder {
            let parts = folder.split(separator: "/").map(String.init)
            // Every folder on the way must be one the scan would have entered.
            var path = ""
            for part in parts {
                if MediaPath.isIgnored(fileName: part) { return snapshot }
                path += path.isEmpty ? part : "/" + part
                guard isFollowedFolder(path) else { return snapshot }
            }
            if parts.count == 1 { snapshot.galleryFolders.append(folder) }
            collectFiles(in: folder, into: &snapshot, depth: parts.count - 1)
            return snapshot
        }
        guard let top = directoryEntries(root) else {
            throw MediaRootError(description: "media folder \(root) cannot be read")
        }
        for (name, valid) in top.sorted(by: { $0.name < $1.name }) {
            if MediaPath.isIgnored(fileName: name) { continue }
            if !valid { snapshot.notUTF8.append(name) }
            switch entry(name) {
            case .folder:
                snapshot.galleryFolders.append(name)
                collectFiles(in: name, into: &snapshot, depth: 0)
            case .file: snapshot.files.append(name)
            case .skipped: break
            }
        }
        return snapshot
    }

    private func collectFiles(in folder: String, into snapshot: inout MediaSnapshot, depth: Int) {
        guard depth < 16, let entries = directoryEntries(mediaRoot + "/" + folder) else { return }
        for (name, valid) in entries.sorted(by: { $0.name < $1.name }) {
            let path = folder + "/" + name
            if MediaPath.isIgnored(fileName: name) { continue }
            if !valid { snapshot.notUTF8.append(path) }
            switch entry(path) {
            case .folder: collectFiles(in: path, into: &snapshot, depth: depth + 1)
            case .file: snapshot.files.append(path)
            case .skipped: break
            }
        }
    }

    /// What the scan does with an entry, from one `lstat` (and, for a link, where it leads).
    private enum ScanEntry { case folder, file, skipped }

    private func entry(_ path: String) -> ScanEntry {
        switch FileStatus.of(mediaRoot + "/" + path)?.kind {
        case .directory: .folder
        case .symlink:
            // A link to a folder is entered only when followed; it is never a file.
            FileStatus.following(mediaRoot + "/" + path)?.kind == .directory
                ? (isFollowedFolder(path) ? .folder : .skipped) : .file
        case nil: .skipped
        default: .file
        }
    }

    /// A folder the scan enters: a real folder, or — with `watch.followSymlinks` — a link
    /// to a folder inside the media root.
    func isFollowedFolder(_ path: String) -> Bool {
        let absolute = mediaRoot + "/" + path
        switch FileStatus.of(absolute)?.kind {
        case .directory: return true
        case .symlink:
            guard followSymlinks, FileStatus.following(absolute)?.kind == .directory,
                let target = resolvedPath(absolute)
            else { return false }
            return target.hasPrefix(resolvedMediaRoot + "/")
        default: return false
        }
    }

    /// The file to read for a path of the media folder, resolved (every symbolic link on the
    /// way) and checked to lie inside the media root: the one rule every path that reaches a
    /// file goes through (start-up scan, inotify, folder rescans, SIGHUP, an admin's retry).
    /// A folder on the way that is a symbolic link is followed only with
    /// `watch.followSymlinks`, and then only to a folder inside the media root; a symbolic
    /// link to a file is followed to a file inside it.
    /// - Throws: ``QuarantineReason/symlinkedFolder(folder:)``,
    ///   ``QuarantineReason/symlinkOutsideMediaRoot(target:)``, or `unreadable` for a broken link.
    public func containedPath(_ relativePath: String) throws(QuarantineReason) -> String {
        let absolute = mediaRoot + "/" + relativePath
        if !followSymlinks {
            // The folders on the way, as named: none may be a link.
            var folder = mediaRoot
            for part in relativePath.split(separator: "/").dropLast() {
                folder += "/" + part
                if FileStatus.of(folder)?.kind == .symlink {
                    throw .symlinkedFolder(folder: String(folder.dropFirst(mediaRoot.count + 1)))
                }
            }
        }
        // Every link on the way resolved, the file must lie inside the media root.
        guard let target = resolvedPath(absolute) else {
            if FileStatus.of(absolute)?.kind == .symlink { throw .unreadable(detail: "broken symbolic link") }
            return absolute
        }
        guard target.hasPrefix(resolvedMediaRoot + "/") else { throw .symlinkOutsideMediaRoot(target: target) }
        return target
    }
}
