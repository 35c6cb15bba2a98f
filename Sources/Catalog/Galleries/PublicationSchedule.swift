public import Foundation
public import GalleryCore

/// When the public state changes next, from every gallery's window, every sidecar entry's
/// and every admin window of a photo — the database-free part both stores share.
package enum PublicationSchedule {
    package static func nextChange(galleries: [GalleryRecord], photoWindows: [PublicationWindow], after now: Date)
        -> Date?
    {
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
