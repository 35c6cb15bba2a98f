public import Foundation
public import GalleryCore

/// A gallery synced from its folder: the record the folder, its sidecar and the admin's
/// settings make now, and what that means for the row the store holds. Both stores decide
/// with it; each only reads the rows and writes the outcome, in one transaction.
///
/// ```swift
/// let sync = GallerySync(folder: "Konferenz", sidecar: sidecar, sidecarError: nil, override: nil,
///                        siteDownloads: true, now: now)
/// try sync.checkSlug(heldBy: otherFolderWithTheSameSlug)
/// switch sync.outcome(existing: row) { case .insert(let record): … }
/// ```
public struct GallerySync: Sendable {
    /// What the store does with the gallery's row.
    public enum Outcome: Sendable, Equatable {
        /// No row yet: insert this one (revision 1).
        case insert(GalleryRecord)
        /// Nothing that the JSON shows changed: keep the row as it is.
        case unchanged(GalleryRecord)
        /// Something changed: write this row, its revision one past the stored one.
        case update(GalleryRecord)
    }

    /// The gallery as its folder, sidecar and override make it now.
    public let fresh: GalleryRecord

    public init(
        folder: String, sidecar: GallerySidecar?, sidecarError: String?, override: GalleryOverrideRecord?,
        siteDownloads: Bool, now: Date
    ) {
        fresh = GalleryRecord(
            folder: folder, sidecar: sidecar, sidecarError: sidecarError, override: override,
            siteDownloads: siteDownloads, now: now)
    }

    /// - Parameter otherFolder: the folder of another gallery that already has
    ///   `fresh.slug`, if any.
    /// - Throws: ``QuarantineReason/slugCollision(slug:folder:)`` when there is one: two
    ///   folders cannot share a URL.
    public func checkSlug(heldBy otherFolder: String?) throws {
        if let otherFolder { throw QuarantineReason.slugCollision(slug: fresh.slug, folder: otherFolder) }
    }

    /// Compares with the stored row: equal apart from id, revision and update time means
    /// unchanged (the JSON's cache key stays); else the revision moves on.
    public func outcome(existing: GalleryRecord?) -> Outcome {
        guard let existing else { return .insert(fresh) }
        var comparable = fresh
        (comparable.id, comparable.revision, comparable.updatedAt) = (
            existing.id, existing.revision, existing.updatedAt
        )
        if comparable == existing { return .unchanged(existing) }
        var changed = fresh
        changed.id = existing.id
        changed.revision = existing.revision + 1
        return .update(changed)
    }
}
