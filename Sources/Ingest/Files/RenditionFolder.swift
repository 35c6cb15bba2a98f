public import Foundation
public import GalleryCore
public import Imaging

/// The renditions under `<data>/renditions` and embed previews under `<data>/previews`,
/// on a local disk or on a folder every node
/// mounts: written to `<data>/tmp` (the same file system), fsynced and renamed into place.
/// Temp files carry their writer's host, boot and PID, so a node cleaning up after a crash
/// removes only its own machine's ended writers' files (and, from other machines, files no
/// write could still be busy with: older than ``abandonedAfter``).
public struct RenditionFolder: RenditionStorage {
    public let root: String
    let previews: String
    let writer: AtomicFile
    /// A temp file of another machine this old is abandoned: no write takes a day.
    static let abandonedAfter: TimeInterval = 24 * 3600

    public init(dataDirectory: String) throws {
        self.root = dataDirectory + "/renditions"
        self.previews = dataDirectory + "/previews"
        let temporary = dataDirectory + "/tmp"
        try AtomicFile.makeDirectories(root)
        try AtomicFile.makeDirectories(previews)
        try AtomicFile.makeDirectories(temporary)
        self.writer = AtomicFile(temporaryDirectory: temporary)
    }

    public func path(of variant: RenditionVariant, spec: RenditionSpec) -> String {
        root + "/" + RenditionLayout.diskPath(of: variant, spec: spec)
    }

    public func hasAll(_ plan: [RenditionSpec], of variant: RenditionVariant) -> Bool {
        plan.allSatisfy { spec in (FileStatus.of(path(of: variant, spec: spec))?.size ?? 0) > 0 }
    }

    public func hasRenditions(ofSource sourceHash: String) -> Bool {
        FileStatus.of(root + "/" + sourceHash.prefix(2) + "/" + sourceHash)?.kind == .directory
    }

    public func write(_ set: RenderedSet, as variant: RenditionVariant) throws {
        try write(set.renditions, as: variant)
    }

    public func write(_ rendition: RenderedRendition, as variant: RenditionVariant) throws {
        try write([rendition], as: variant)
    }

    private func write(_ renditions: [RenderedRendition], as variant: RenditionVariant) throws {
        try AtomicFile.makeDirectories(root + "/" + variant.directoryComponents.joined(separator: "/"))
        for rendition in renditions {
            try writer.write(rendition.data, to: path(of: variant, spec: rendition.spec))
        }
    }

    public func writePreview(_ jpeg: Data, named name: String) throws {
        try writer.write(jpeg, to: previews + "/" + name)
    }

    /// Removes temp files whose writer is gone: a process of this machine that no longer
    /// runs or ran before the machine restarted, or, from another machine (whose processes
    /// cannot be asked) or an earlier galleryd (whose names carry no host), a file untouched
    /// for ``abandonedAfter``. This process's own files are being written: a watch that
    /// starts while the workers run (a standby taking over) must leave them.
    @discardableResult
    public func removeAbandonedWrites() -> Int {
        let directory = writer.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = 0
        for name in names {
            guard let writer = AtomicFile.writer(ofTemporary: name) else { continue }
            switch writer.liveness {
            case .ended: break
            case .running: continue
            case .unknown:
                guard let modified = FileStatus.of(directory + "/" + name)?.modifiedAt,
                    Date().timeIntervalSince1970 - modified >= Self.abandonedAfter
                else { continue }
            }
            if (try? FileManager.default.removeItem(atPath: directory + "/" + name)) != nil { removed += 1 }
        }
        return removed
    }

    public func remove(_ variant: RenditionVariant) {
        let components = variant.directoryComponents
        try? FileManager.default.removeItem(atPath: root + "/" + components.joined(separator: "/"))
        // Drop the hash folder too once its last variant is gone.
        let hashFolder = root + "/" + components.dropLast().joined(separator: "/")
        if (try? FileManager.default.contentsOfDirectory(atPath: hashFolder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: hashFolder)
        }
    }
}
