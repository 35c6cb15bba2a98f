public import Foundation
public import GalleryCore

/// Which of a gallery's photos its document shows, in which order, and how each becomes a
/// ``GalleryItem`` — the part of building a gallery's JSON that needs no database, shared
/// by every ``GalleryReader``. A store reads the light columns of the visible photos,
/// plans, then reads whole rows only for ``assetIds``.
package struct GalleryItemPlan: Sendable {
    /// A photo of the gallery: what ordering and the publication rule need.
    package struct Visible: Sendable {
        package var id: String
        package var fileName: String
        package var takenAt: Date?
        package var hidden: Bool
        /// The admin's window, if set (``AssetOverrideRecord/schedule``).
        package var schedule: PublicationWindow?

        package init(
            id: String, fileName: String, takenAt: Date?, hidden: Bool = false, schedule: PublicationWindow? = nil
        ) {
            self.id = id
            self.fileName = fileName
            self.takenAt = takenAt
            self.hidden = hidden
            self.schedule = schedule
        }
    }

    let gallery: GalleryRecord
    let wanted: [GalleryOrder.Entry]
    let idByName: [String: String]
    /// How many photos the gallery shows.
    package let count: Int

    /// The photos public at `now` (``PublicAccess``) in order: all, or the first `limit`.
    package init(gallery: GalleryRecord, photos: [Visible], at now: Date, first limit: Int? = nil) {
        self.gallery = gallery
        let schedule = gallery.sidecar?.schedule
        let visible = photos.filter { gallery.photoAccess(of: $0, schedule: schedule, at: now) == .open }
        var idByName: [String: String] = [:]
        for photo in visible where idByName[photo.fileName] == nil { idByName[photo.fileName] = photo.id }
        let order = GalleryOrder(explicitOrder: gallery.displayOrder)
            .sorted(visible.map { GalleryOrder.Entry(fileName: $0.fileName, takenAt: $0.takenAt) })
        self.idByName = idByName
        self.count = order.count
        self.wanted = limit.map { Array(order.prefix($0)) } ?? order
    }

    /// The assets whose rows (and renditions) the items are made from.
    package var assetIds: [String] { wanted.compactMap { idByName[$0.fileName] } }

    /// The items, numbered from 1, with their renditions (web sizes by role, width and
    /// format) and download.
    package func items(assets: [AssetRecord], renditions: [RenditionRecord]) -> [GalleryItem] {
        let renditionsByAsset = Dictionary(grouping: renditions, by: \.assetId)
        let byID = Dictionary(assets.map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
        return wanted.enumerated().compactMap { index, entry -> GalleryItem? in
            guard let id = idByName[entry.fileName], let asset = byID[id] else { return nil }
            let rows = renditionsByAsset[asset.id] ?? []
            let files = rows.filter { $0.role != .download }.sorted {
                ($0.role, $0.width, $0.format.rawValue) < ($1.role, $1.width, $1.format.rawValue)
            }
            var download: DownloadDocument?
            if gallery.downloads, let row = rows.first(where: { $0.role == .download }),
                let variant = RenditionVariant(sourceHash: asset.sourceHash, key: asset.variantKey)
            {
                let name = DownloadName.fileName(slug: gallery.slug, position: index + 1, credit: asset.text.credit)
                download = DownloadDocument(
                    url: DownloadName.urlPath(of: variant, width: row.width, fileName: name), width: row.width,
                    height: row.height, bytes: row.bytes, fileName: name)
            }
            return GalleryItem(
                id: asset.id, position: index + 1, count: count, text: asset.text, width: asset.width,
                height: asset.height, takenAt: asset.takenAt,
                takenAtPrecision: CaptureTime.precision(asset.metadata), placeholder: asset.placeholder,
                renditions: files.map(\.document), download: download)
        }
    }
}

extension GalleryRecord {
    /// Whether a photo of this gallery is public at `now`: the gallery published and in its
    /// window, the photo not hidden and in its own (the admin's › the sidecar entry's).
    package func photoAccess(of photo: GalleryItemPlan.Visible, schedule: SidecarSchedule?, at now: Date)
        -> PublicAccess
    {
        PublicAccess.of(
            galleryPublished: published, gallery: window, hidden: photo.hidden,
            photo: photo.schedule ?? sidecarWindow(of: photo.fileName, schedule: schedule), at: now)
    }

    /// The next instant after `now` at which the gallery or one of `photos` becomes public
    /// or stops being so.
    package func nextPublicationChange(photos: [GalleryItemPlan.Visible], after now: Date) -> Date? {
        let schedule = sidecar?.schedule
        var times = [window.nextChange(after: now)]
        for photo in photos {
            times.append(
                (photo.schedule ?? sidecarWindow(of: photo.fileName, schedule: schedule)).nextChange(after: now))
        }
        return times.compactMap { $0 }.min()
    }
}
