import Catalog
public import Foundation
import GalleryCore
import Logging

/// Progress of a pass, reported after each file.
public struct IngestProgress: Sendable {
    public var done: Int
    public var total: Int
    public var path: String
    public var outcome: IngestOutcome
}

/// The media folder as found on disk: gallery folders and every file below them.
struct MediaSnapshot {
    var galleryFolders: [String] = []
    /// Paths relative to the media root.
    var files: [String] = []
    /// Entries whose names are not valid UTF-8, which no path can name reliably.
    var unnamable: [String] = []
}

/// A failure that stops a pass: the media root itself is missing or unreadable.
public struct MediaRootError: Error, CustomStringConvertible {
    public var description: String
}

extension Ingestor {
    /// One pass over the whole media folder: galleries synced with their sidecars, files
    /// that vanished removed, every other file ingested (unchanged ones cost a `stat`).
    public func runPass(progress: @Sendable (IngestProgress) -> Void = { _ in }) async throws -> IngestSummary {
        let snapshot = try scanMediaRoot()
        var summary = IngestSummary()
        var galleries: [String: GalleryRecord] = [:]
        var blocked: [String: QuarantineReason] = [:]
        for folder in snapshot.galleryFolders {
            do {
                galleries[folder] = try await syncGallery(folder: folder)
            } catch let reason as QuarantineReason {
                blocked[folder] = reason
            }
        }
        for path in snapshot.unnamable {
            logger.warning("file name is not valid UTF-8; rename it", metadata: ["path": "\(path)"])
        }

        // Forget what left the media folder.
        let onDisk = Set(snapshot.files)
        let folders = Set(snapshot.galleryFolders)
        for gallery in try await catalog.galleries() where !folders.contains(gallery.folder) {
            try await catalog.removeGallery(folder: gallery.folder)
        }
        for path in try await catalog.knownFiles().keys where !onDisk.contains(path) {
            if try await catalog.removeFile(path: path) { summary.record(.removed, path: path) }
        }

        let total = snapshot.files.count
        var done = 0
        await withTaskGroup(of: (String, IngestOutcome).self) { group in
            var pending = snapshot.files.makeIterator()
            func startNext() -> Bool {
                guard let path = pending.next() else { return false }
                let folder = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
                if let reason = blocked[folder] {
                    group.addTask { (path, await self.hold(path, reason: reason)) }
                } else {
                    let gallery = galleries[folder]
                    group.addTask { (path, await self.ingest(relativePath: path, gallery: gallery)) }
                }
                return true
            }
            for _ in 0..<settings.workers * 2 where !startNext() { break }
            for await (path, outcome) in group {
                done += 1
                summary.record(outcome, path: path)
                progress(IngestProgress(done: done, total: total, path: path, outcome: outcome))
                _ = startNext()
            }
        }
        return summary
    }

    /// Lists gallery folders and their files (recursively; hidden entries skipped).
    func scanMediaRoot() throws -> MediaSnapshot {
        let root = settings.mediaRoot
        guard let status = FileStatus.following(root), status.kind == .directory else {
            throw MediaRootError(description: "media folder \(root) does not exist or is not a folder")
        }
        guard let top = directoryEntries(root) else {
            throw MediaRootError(description: "media folder \(root) cannot be read")
        }
        var snapshot = MediaSnapshot()
        for (name, valid) in top.sorted(by: { $0.name < $1.name }) {
            guard valid else {
                snapshot.unnamable.append(name)
                continue
            }
            if name.hasPrefix(".") { continue }
            let kind = FileStatus.of(root + "/" + name)?.kind
            if kind == .directory {
                snapshot.galleryFolders.append(name)
                collectFiles(in: name, into: &snapshot, depth: 0)
            } else if kind != nil {
                snapshot.files.append(name)
            }
        }
        return snapshot
    }

    private func collectFiles(in folder: String, into snapshot: inout MediaSnapshot, depth: Int) {
        guard depth < 16, let entries = directoryEntries(settings.mediaRoot + "/" + folder) else { return }
        for (name, valid) in entries.sorted(by: { $0.name < $1.name }) {
            let path = folder + "/" + name
            guard valid else {
                snapshot.unnamable.append(path)
                continue
            }
            if name.hasPrefix(".") { continue }
            if FileStatus.of(settings.mediaRoot + "/" + path)?.kind == .directory {
                collectFiles(in: path, into: &snapshot, depth: depth + 1)
            } else {
                snapshot.files.append(path)
            }
        }
    }
}
