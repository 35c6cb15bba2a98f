public import Foundation
public import GalleryCore
public import Imaging

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

    /// Removes temp files a crash left behind (they were never visible under a URL).
    @discardableResult
    public func removeOrphanedTemporaryFiles() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: writer.temporaryDirectory)) ?? []
        var removed = 0
        for name in names where name.hasSuffix(AtomicFile.temporarySuffix) {
            if (try? FileManager.default.removeItem(atPath: writer.temporaryDirectory + "/" + name)) != nil {
                removed += 1
            }
        }
        return removed
    }

    /// Deletes variant folders that no asset references and that were last written more
    /// than `gracePeriod` ago (a portal may still hold their URLs for a while).
    @discardableResult
    public func collectGarbage(referenced: Set<String>, gracePeriod: TimeInterval, now: Date = Date()) -> Int {
        var removed = 0
        let manager = FileManager.default
        for fan in (try? manager.contentsOfDirectory(atPath: root)) ?? [] {
            let fanPath = root + "/" + fan
            for hash in (try? manager.contentsOfDirectory(atPath: fanPath)) ?? [] {
                let hashPath = fanPath + "/" + hash
                let keys = (try? manager.contentsOfDirectory(atPath: hashPath)) ?? []
                for key in keys where !referenced.contains("\(hash)/\(key)") {
                    let keyPath = hashPath + "/" + key
                    guard let status = FileStatus.of(keyPath),
                        now.timeIntervalSince1970 - status.modifiedAt > gracePeriod
                    else { continue }
                    if (try? manager.removeItem(atPath: keyPath)) != nil { removed += 1 }
                }
                if ((try? manager.contentsOfDirectory(atPath: hashPath)) ?? []).isEmpty {
                    try? manager.removeItem(atPath: hashPath)
                }
            }
        }
        return removed
    }
}
