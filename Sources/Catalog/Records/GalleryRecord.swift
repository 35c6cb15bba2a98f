public import Foundation
public import GalleryCore

/// A gallery: one folder directly under the media root.
public struct GalleryRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    /// Folder name under the media root.
    public var folder: String
    public var slug: String
    public var title: String
    public var summary: String?
    public var defaultCredit: String?
    public var sidecar: GallerySidecar?
    /// Why the sidecar could not be read, when it could not.
    public var sidecarError: String?
    public var published: Bool
    /// File names in display order (the admin's, else the sidecar's).
    public var displayOrder: [String]?
    /// The gallery's rights terms (the admin's › the sidecar's, per field), addresses checked.
    public var rights: RightsTerms?
    /// Whether its photos offer a print-quality download: the admin's › the sidecar's ›
    /// the site's `downloads.enabled`.
    public var downloads: Bool
    /// The gallery's embargo and expiry (the admin's › the sidecar's).
    public var publishAt: Date?
    public var unpublishAt: Date?
    /// Increases with every change that alters the gallery's JSON; the JSON cache key.
    public var revision: Int
    public var updatedAt: Date

}

extension GalleryRecord {
    /// Builds the record for a folder: the admin's settings › the sidecar › the folder's
    /// name (title) and nothing (summary, credit).
    public init(
        folder: String, sidecar: GallerySidecar?, sidecarError: String?, override: GalleryOverrideRecord? = nil,
        siteDownloads: Bool = true, now: Date
    ) {
        self.folder = folder
        // A folder name that is not UTF-8 is shown decoded as Windows-1252 (``MediaName``).
        let shown = MediaName.display(folder)
        self.slug = sidecar?.slug.flatMap(Slug.init(validating:))?.value ?? Slug(folderName: shown).value
        self.title = (override?.title ?? sidecar?.title).flatMap(TextNormalizer.clean) ?? shown
        self.summary = (override?.summary ?? sidecar?.summary).flatMap(TextNormalizer.clean)
        self.defaultCredit = (override?.defaultCredit ?? sidecar?.credit).flatMap(TextNormalizer.clean)
        self.sidecar = sidecar
        self.sidecarError = sidecarError
        self.published = override?.published ?? sidecar?.published ?? true
        self.displayOrder = override?.order ?? sidecar?.order
        let terms = (override?.rights ?? RightsTerms()).over(sidecar?.rights).validated().terms
        self.downloads = terms.downloads ?? siteDownloads
        self.rights = terms.isEmpty ? nil : terms
        let window = override?.schedule ?? sidecar?.schedule.gallery ?? PublicationWindow()
        (self.publishAt, self.unpublishAt) = (window.publishAt, window.unpublishAt)
        self.revision = 1
        self.updatedAt = now
    }

    /// When the gallery is public (``PublicAccess``).
    public var window: PublicationWindow { PublicationWindow(publishAt: publishAt, unpublishAt: unpublishAt) }

    /// Whether the gallery is public at `now`.
    public func access(at now: Date) -> PublicAccess {
        PublicAccess.of(galleryPublished: published, gallery: window, at: now)
    }

    /// A file entry's own window, as the sidecar declares it (by the name shown or the
    /// name as stored).
    public func sidecarWindow(of fileName: String, schedule: SidecarSchedule?) -> PublicationWindow {
        guard let schedule else { return PublicationWindow() }
        return schedule.items[fileName] ?? schedule.items[MediaName.display(fileName)] ?? PublicationWindow()
    }
}
