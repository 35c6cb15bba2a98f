import Catalog
import Foundation
import GalleryCore

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

/// Compares a scan of the media folder with what the catalog knows, and only reads: which
/// files to ingest (new, changed on disk, or in a gallery or under settings that changed),
/// which are gone, which stay quarantined.
struct ReconcilePlanner {
    let scanner: MediaScanner
    /// Whether the renditions of a source are stored (see ``RenditionStorage/hasRenditions(ofSource:)``):
    /// a file whose renditions are gone is done again, though it did not change.
    let hasRenditions: (String) -> Bool

    /// - Parameters:
    ///   - folder: the part compared (nil: the whole media folder).
    ///   - known: every file the catalog holds, by path.
    ///   - knownGalleries: the catalog's gallery folders before this reconcile.
    ///   - changedGalleries: folders whose gallery changed in a way its photos show (their
    ///     texts are bound again).
    ///   - settingsChanged: the settings that shape renditions and texts changed since the
    ///     last run (every file is bound again).
    func plan(
        _ snapshot: MediaSnapshot, folder: String?, known: [String: KnownFile], knownGalleries: Set<String>,
        changedGalleries: Set<String>, settingsChanged: Bool
    ) -> ReconcilePlan {
        var plan = ReconcilePlan()
        let inScope: (String) -> Bool = { path in folder.map { path.hasPrefix($0 + "/") } ?? true }
        let onDisk = Set(snapshot.files)
        plan.onDisk = snapshot.files
        plan.vanished = known.keys.filter { inScope($0) && !onDisk.contains($0) }.sorted()
        if folder == nil || !(folder!.contains("/")) {
            let scannedFolders = Set(snapshot.galleryFolders)
            plan.vanishedGalleries = knownGalleries.filter { gallery in
                !scannedFolders.contains(gallery) && (folder == nil || gallery == folder)
            }.sorted()
        }
        for path in snapshot.files {
            let galleryFolder = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            guard let entry = known[path], !settingsChanged, !changedGalleries.contains(galleryFolder),
                let status = FileStatus.following(scanner.mediaRoot + "/" + path),
                status.size == entry.fileSize, status.modifiedAt == entry.modifiedAt,
                entry.sourceHash.map(hasRenditions) ?? true
            else {
                plan.toIngest.append(path)
                continue
            }
            if entry.isQuarantined { plan.stillQuarantined.append(path) }
        }
        return plan
    }
}

extension IngestSettings {
    /// What shapes every file's renditions and texts: a change re-binds them all.
    var fingerprint: String {
        let rights = (try? JSONEncoder.sorted.encode(siteRights)).map { String(decoding: $0, as: UTF8.self) }
        return [renditions.fingerprint, houseCredit, timeZone.identifier, rights ?? ""].joined(separator: "|")
    }
}

extension JSONEncoder {
    /// Sorted keys: the same value always encodes to the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
