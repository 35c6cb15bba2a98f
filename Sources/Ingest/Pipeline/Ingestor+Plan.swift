public import Catalog
import Foundation
public import GalleryCore
import Logging

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

/// What a comparison of (part of) the media folder with the catalog found to do.
public struct ReconcilePlan: Sendable {
    /// Files that are new, changed, or must be bound again.
    public var toIngest: [String] = []
    /// Every file on disk in the compared part (for a full pass).
    public var onDisk: [String] = []
    /// Files that failed before and have not changed since (not retried).
    public var stillQuarantined: [String] = []
    /// Files the catalog holds that are gone from disk.
    public var vanished: [String] = []
    /// Gallery folders that are gone.
    public var vanishedGalleries: [String] = []
}

extension JSONEncoder {
    /// Sorted keys: the same value always encodes to the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension Ingestor {
    /// Compares the media folder (or one folder of it) with the catalog: galleries synced
    /// with their sidecars, then every file whose size or mtime differs from the catalog,
    /// every file of a gallery whose sidecar changed, and every file when the rendition or
    /// credit settings changed since the last run.
    public func plan(folder: String? = nil) async throws -> ReconcilePlan {
        let snapshot = try scanMediaRoot(folder: folder)
        var plan = ReconcilePlan()
        var changedGalleries: Set<String> = []
        let knownGalleries = Dictionary(
            try await catalog.galleries().map { ($0.folder, $0) }, uniquingKeysWith: { first, _ in first })
        for folder in snapshot.galleryFolders {
            do {
                let gallery = try await syncGallery(folder: folder)
                if let known = knownGalleries[folder], known.revision != gallery.revision || known.slug != gallery.slug
                {
                    changedGalleries.insert(folder)
                }
            } catch is QuarantineReason {
                // A slug collision: each file job of the folder quarantines its file.
            }
        }
        for path in snapshot.notUTF8 {
            logger.notice(
                "name is not UTF-8; read as Windows-1252", metadata: ["path": "\(MediaName.display(path))"])
        }

        let settingsChanged = try await settingsFingerprintChanged()
        let known = try await catalog.knownFiles()
        let inScope: (String) -> Bool = { path in folder.map { path.hasPrefix($0 + "/") } ?? true }
        let onDisk = Set(snapshot.files)
        plan.onDisk = snapshot.files
        plan.vanished = known.keys.filter { inScope($0) && !onDisk.contains($0) }.sorted()
        if folder == nil || !(folder!.contains("/")) {
            let scannedFolders = Set(snapshot.galleryFolders)
            plan.vanishedGalleries = knownGalleries.keys.filter { gallery in
                !scannedFolders.contains(gallery) && (folder == nil || gallery == folder)
            }.sorted()
        }
        for path in snapshot.files {
            let galleryFolder = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            guard let entry = known[path], !settingsChanged, !changedGalleries.contains(galleryFolder),
                let status = FileStatus.following(settings.mediaRoot + "/" + path),
                status.size == entry.fileSize, status.modifiedAt == entry.modifiedAt
            else {
                plan.toIngest.append(path)
                continue
            }
            if entry.isQuarantined { plan.stillQuarantined.append(path) }
        }
        return plan
    }

    /// Remembers the settings the catalog was built with; true when they differ from the
    /// last run's (so every asset must be bound again).
    func settingsFingerprintChanged() async throws -> Bool {
        let settings = self.settings
        let rights = (try? JSONEncoder.sorted.encode(settings.siteRights)).map { String(decoding: $0, as: UTF8.self) }
        let fingerprint = [
            settings.renditions.fingerprint, settings.houseCredit, settings.timeZone.identifier, rights ?? "",
        ].joined(separator: "|")
        let previous = try await catalog.storedValue("settings-fingerprint")
        if previous != fingerprint { try await catalog.store(fingerprint, for: "settings-fingerprint") }
        return previous != nil && previous != fingerprint
    }

    /// Lists gallery folders and their files (recursively; hidden entries skipped), of the
    /// whole media folder or of one folder in it. A folder that is a symbolic link is left
    /// out unless `watch.followSymlinks` is on and it leads inside the media root
    /// (``isFollowedFolder(_:)``): the same rule as for reading a file (``containedPath(_:)``).
    func scanMediaRoot(folder: String? = nil) throws -> MediaSnapshot {
        let root = settings.mediaRoot
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
        guard depth < 16, let entries = directoryEntries(settings.mediaRoot + "/" + folder) else { return }
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
        switch FileStatus.of(settings.mediaRoot + "/" + path)?.kind {
        case .directory: .folder
        case .symlink:
            // A link to a folder is entered only when followed; it is never a file.
            FileStatus.following(settings.mediaRoot + "/" + path)?.kind == .directory
                ? (isFollowedFolder(path) ? .folder : .skipped) : .file
        case nil: .skipped
        default: .file
        }
    }

    /// A folder the scan enters: a real folder, or — with `watch.followSymlinks` — a link
    /// to a folder inside the media root.
    func isFollowedFolder(_ path: String) -> Bool {
        let absolute = settings.mediaRoot + "/" + path
        switch FileStatus.of(absolute)?.kind {
        case .directory: return true
        case .symlink:
            guard settings.followSymlinks, FileStatus.following(absolute)?.kind == .directory,
                let target = resolvedPath(absolute)
            else { return false }
            return target.hasPrefix(resolvedMediaRoot + "/")
        default: return false
        }
    }
}
