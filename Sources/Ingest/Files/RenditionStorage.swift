public import Foundation
public import GalleryCore
public import Imaging

/// Where a worker keeps what it renders (web renditions, print downloads and embed
/// previews) for the web nodes to serve: each file appears whole or not at all, is never
/// changed once written (its key is content-addressed: source SHA-256, variant key, role
/// and width; a preview's own SHA-256), and a variant's go when the catalog no longer
/// needs it.
///
/// ``RenditionFolder`` keeps them in the data folder, on a local disk or on a mount every
/// node shares (NFS, SMB); what it relies on from a shared mount is in docs/shared-storage.md,
/// as is the design of an S3-compatible store behind this protocol.
public protocol RenditionStorage: Sendable {
    /// True when every rendition of the plan is stored (another asset with the same bytes
    /// and credit made them).
    func hasAll(_ plan: [RenditionSpec], of variant: RenditionVariant) -> Bool

    /// True when anything made from these bytes is stored. A rendition folder restored
    /// empty (renditions are not in backups) or cleared has none: the reconcile at start
    /// makes them again from the originals.
    func hasRenditions(ofSource sourceHash: String) -> Bool

    /// Stores every rendition of a set, each complete or not at all.
    /// - Throws: ``AtomicFile/WriteError`` naming the file and the system's reason.
    func write(_ set: RenderedSet, as variant: RenditionVariant) throws

    /// Stores one rendition (a print download) beside the others of its variant.
    /// - Throws: ``AtomicFile/WriteError``.
    func write(_ rendition: RenderedRendition, as variant: RenditionVariant) throws

    /// Stores an embed's preview (a JPEG made by `PreviewRenderer`) under its name,
    /// `<sha256 of the JPEG>.jpg`, served at `/previews/<name>`.
    /// - Throws: ``AtomicFile/WriteError``.
    func writePreview(_ jpeg: Data, named name: String) throws

    /// Removes every rendition of a variant (retired past its grace period).
    func remove(_ variant: RenditionVariant)

    /// Removes writes a crashed writer left unfinished (never visible under a key); writes
    /// of live writers, on this machine or another, are left alone. Returns how many.
    @discardableResult
    func removeAbandonedWrites() -> Int
}
