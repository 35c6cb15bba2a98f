public import Foundation
public import GalleryCore

/// When the public state changes next, from every gallery's window, every sidecar entry's
/// and every admin window of a photo — the database-free part both stores share.
package enum PublicationSchedule {
    package static func nextChange(galleries: [GalleryRecord], photoWindows: [PublicationWindow], after now: Date)
        -> Date?
    {
        nextChange(
            galleries: galleries.map { (window: $0.window, sidecar: $0.sidecar) }, photoWindows: photoWindows,
            after: now)
    }

    /// The same from each gallery's window and the times of its sidecar alone: the stores
    /// read just those (`sidecarTimes`), not whole sidecars, which hold every photo's texts
    /// (500 galleries of 200 captioned photos are 25 MB of JSON; decoding them took a second
    /// and ran after every commit).
    package static func nextChange(
        galleries: [(window: PublicationWindow, sidecar: GallerySidecar?)], photoWindows: [PublicationWindow],
        after now: Date
    ) -> Date? {
        var next: Date?
        func consider(_ window: PublicationWindow) {
            if let time = window.nextChange(after: now), next.map({ time < $0 }) ?? true { next = time }
        }
        for gallery in galleries {
            consider(gallery.window)
            for window in gallery.sidecar?.schedule.items.values ?? [:].values { consider(window) }
        }
        photoWindows.forEach(consider)
        return next
    }

    /// A sidecar's times as the stores select them (JSON: `publishAt`, `unpublishAt`, and
    /// `items` with each entry's two times), read back as a sidecar with nothing else.
    package static func sidecarTimes(_ json: String?) -> GallerySidecar? {
        json.flatMap { try? JSONDecoder().decode(GallerySidecar.self, from: Data($0.utf8)) }
    }
}

/// Audit entries of takedowns: who, when, why and the asset id — nothing of the photo's
/// content (no caption, credit, path or name).
package enum ErasureAudit {
    package static func erased(_ tombstone: ErasureRecord) -> AuditRecord {
        AuditRecord(
            at: tombstone.erasedAt, actor: tombstone.erasedBy, action: "asset.erase",
            target: "asset \(tombstone.assetId.value)", field: "reason", newValue: tombstone.reason)
    }

    package static func lifted(_ tombstone: ErasureRecord, reason: String, actor: String, at now: Date)
        -> AuditRecord
    {
        AuditRecord(
            at: now, actor: actor, action: "asset.erase.lift", target: "asset \(tombstone.assetId.value)",
            field: "reason", newValue: reason)
    }
}
