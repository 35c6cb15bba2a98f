import Foundation
public import GalleryCore
public import Imaging

#if canImport(Glibc)
    import Glibc
#endif

/// The rendition files under `<data>/renditions`, written atomically, never changed once
/// written (their paths are content-addressed), and collected when no asset uses them.
public struct RenditionStore: Sendable {
    public let root: String
    let writer: AtomicFile

    public init(dataDirectory: String) throws {
        self.root = dataDirectory + "/renditions"
        let temporary = dataDirectory + "/tmp"
        try AtomicFile.makeDirectories(root)
        try AtomicFile.makeDirectories(temporary)
        self.writer = AtomicFile(temporaryDirectory: temporary)
    }

    public func path(of variant: RenditionVariant, spec: RenditionSpec) -> String {
        root + "/" + RenditionLayout.diskPath(of: variant, spec: spec)
    }

    /// True when every file of the plan is already on disk (another asset with the same
    /// bytes and credit made them).
    public func hasAll(_ plan: [RenditionSpec], of variant: RenditionVariant) -> Bool {
        plan.allSatisfy { spec in (FileStatus.of(path(of: variant, spec: spec))?.size ?? 0) > 0 }
    }

    /// Writes every rendition of a set; each file appears complete or not at all.
    public func write(_ set: RenderedSet, as variant: RenditionVariant) throws {
        let directory = root + "/" + variant.directoryComponents.joined(separator: "/")
        try AtomicFile.makeDirectories(directory)
        for rendition in set.renditions {
            try writer.write(rendition.data, to: path(of: variant, spec: rendition.spec))
        }
    }

    /// Writes one rendition (a download) beside the others of its variant.
    public func write(_ rendition: RenderedRendition, as variant: RenditionVariant) throws {
        try AtomicFile.makeDirectories(root + "/" + variant.directoryComponents.joined(separator: "/"))
        try writer.write(rendition.data, to: path(of: variant, spec: rendition.spec))
    }

    /// Removes temp files a crash left behind (they were never visible under a URL): those
    /// of processes that are gone, and this process's own (none is in flight at start-up,
    /// and a restarted galleryd may have its crashed predecessor's PID). Files of another
    /// running galleryd (an `ingest` beside `serve`) are left alone.
    @discardableResult
    public func removeOrphanedTemporaryFiles() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: writer.temporaryDirectory)) ?? []
        var removed = 0
        for name in names where name.hasSuffix(AtomicFile.temporarySuffix) {
            let writer = name.split(separator: "-").first.flatMap { pid_t($0) }
            if let writer, writer != getpid(), kill(writer, 0) == 0 || errno == EPERM { continue }
            if (try? FileManager.default.removeItem(atPath: self.writer.temporaryDirectory + "/" + name)) != nil {
                removed += 1
            }
        }
        return removed
    }

    /// Deletes one rendition folder (a retired variant past its grace period).
    public func remove(sourceHash: String, variantKey: String) {
        guard let variant = RenditionVariant(sourceHash: sourceHash, key: variantKey) else { return }
        let components = variant.directoryComponents
        let folder = root + "/" + components.joined(separator: "/")
        try? FileManager.default.removeItem(atPath: folder)
        // Drop the hash folder too once its last variant is gone.
        let hashFolder = root + "/" + components.dropLast().joined(separator: "/")
        if (try? FileManager.default.contentsOfDirectory(atPath: hashFolder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: hashFolder)
        }
    }
}
