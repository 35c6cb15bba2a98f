public import Foundation
public import GalleryCore

/// An admin's correction applied to an override record, before it is stored: the record
/// after it, one audit entry per changed field (old value as shown before, new value), and
/// what else the store must do. The rules are here, once; each ``AdminStore`` reads the
/// rows, applies, and writes all of it in one transaction.
package struct AdminCorrection<Override: Sendable>: Sendable {
    package var override: Override
    package var audit: [AuditRecord]
    /// The override differs from the stored one.
    package var changed: Bool
    /// A photo was hidden or shown again: its gallery's document changes at once.
    package var visibilityChanged: Bool
}

extension AssetOverrideRecord {
    /// Applies an editor's change to an asset's overrides (`existing`, if any). The texts are
    /// bound again by the caller (a file job), which also renders when the credit changed.
    package static func correcting(
        _ existing: AssetOverrideRecord?, of asset: AssetRecord, with patch: AssetPatch, actor: String, now: Date,
        sidecarWindow: PublicationWindow = PublicationWindow()
    ) throws(PublicationTimeError) -> AdminCorrection<AssetOverrideRecord> {
        var override = existing ?? AssetOverrideRecord(assetId: asset.id, updatedAt: now, updatedBy: actor)
        let before = override
        var audit: [AuditRecord] = []
        func record(_ field: String, _ old: String?, _ new: String?) {
            audit.append(
                AuditRecord(
                    at: now, actor: actor, action: "asset.update", target: "asset \(asset.id.value) (\(asset.path))",
                    field: field, oldValue: old, newValue: new))
        }
        for (field, value) in patch.texts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let old = field.isRight ? override[right: field.keyPath] : override[keyPath: Self.keyPath(for: field)]
            guard old != value else { continue }
            if field.isRight {
                override[right: field.keyPath] = value
            } else {
                override[keyPath: Self.keyPath(for: field)] = value
            }
            record(field.rawValue, old ?? asset.text.value(of: field), value)
        }
        if let terms = patch.usageTerms, terms != override[right: \.usageTerms] {
            record(
                "usageTerms", auditText(override[right: \.usageTerms] ?? asset.text.usageTerms), auditText(terms))
            override[right: \.usageTerms] = terms
        }
        if let aiGenerated = patch.aiGenerated, aiGenerated != override[right: \.aiGenerated] {
            record(
                "aiGenerated", String(override[right: \.aiGenerated] ?? asset.text.aiGenerated ?? false),
                aiGenerated.map(String.init))
            override[right: \.aiGenerated] = aiGenerated
        }
        // Who, what and where: each replaced as a whole, shown in the audit as one line.
        func correct<Value: Equatable>(
            _ field: String, _ path: WritableKeyPath<TextOverrides, Value?>, to new: Value??, bound: Value?,
            shown: (Value) -> String
        ) {
            guard let new, new != override[right: path] else { return }
            record(field, (override[right: path] ?? bound).map(shown), new.map(shown))
            override[right: path] = new
        }
        correct("keywords", \.keywords, to: patch.keywords, bound: asset.text.keywords) { $0.joined(separator: "; ") }
        correct("persons", \.persons, to: patch.persons, bound: asset.text.persons) { $0.joined(separator: "; ") }
        correct("location", \.location, to: patch.location, bound: asset.text.location) { $0.auditText }
        correct("event", \.event, to: patch.event, bound: asset.text.event) { $0 }
        var visibilityChanged = false
        if let hidden = patch.hidden, hidden != (override.hidden ?? false) {
            record("hidden", String(override.hidden ?? false), String(hidden))
            override.hidden = hidden
            visibilityChanged = true
            // Who, when, why and which asset: nothing of the photo's content.
            audit.append(
                AuditRecord(
                    at: now, actor: actor, action: hidden ? "asset.withdraw" : "asset.restore",
                    target: "asset \(asset.id.value)", field: "reason", newValue: patch.reason))
        }
        if patch.publishAt != nil || patch.unpublishAt != nil {
            let current = override.schedule ?? sidecarWindow
            let window = try current.patched(publishAt: patch.publishAt, unpublishAt: patch.unpublishAt)
            recordTimes(current, window, record)
            if window != current || override.schedule == nil {
                override.schedule = window
                visibilityChanged = true
            }
        }
        let changed = override != before
        if changed {
            override.updatedAt = now
            override.updatedBy = actor
        }
        return AdminCorrection(
            override: override, audit: audit, changed: changed, visibilityChanged: visibilityChanged)
    }

    /// The column of a caption or credit field (rights fields live in `rights`).
    static func keyPath(for field: EditableAssetField) -> WritableKeyPath<AssetOverrideRecord, String?> {
        switch field {
        case .caption: \.caption
        case .alt: \.alt
        case .headline: \.headline
        case .credit: \.credit
        default: \.creator
        }
    }
}

extension GalleryOverrideRecord {
    /// Applies an admin's change to a gallery's settings (over the sidecar); `override.gallery`
    /// is the gallery as it reads until its sidecar is read again (the caller refreshes it).
    package static func correcting(
        _ existing: GalleryOverrideRecord?, of gallery: GalleryRecord, with patch: GalleryPatch, actor: String,
        now: Date
    ) throws(PublicationTimeError) -> (override: GalleryOverrideRecord, audit: [AuditRecord], gallery: GalleryRecord) {
        var override = existing ?? GalleryOverrideRecord(folder: gallery.folder, updatedAt: now, updatedBy: actor)
        var audit: [AuditRecord] = []
        func record(_ field: String, _ old: String?, _ new: String?) {
            guard old != new else { return }
            audit.append(
                AuditRecord(
                    at: now, actor: actor, action: "gallery.update", target: "gallery \(gallery.slug)", field: field,
                    oldValue: old, newValue: new))
        }
        if let title = patch.title {
            record("title", override.title ?? gallery.title, title)
            override.title = title
        }
        if let summary = patch.summary {
            record("summary", override.summary ?? gallery.summary, summary)
            override.summary = summary
        }
        if let credit = patch.defaultCredit {
            record("defaultCredit", override.defaultCredit ?? gallery.defaultCredit, credit)
            override.defaultCredit = credit
        }
        if let order = patch.order {
            record(
                "order", (override.order ?? gallery.displayOrder)?.joined(separator: ", "),
                order?.joined(separator: ", "))
            override.order = order
        }
        if let published = patch.published {
            record("published", String(gallery.published), published.map(String.init))
            override.published = published
        }
        var rights = override.rights ?? RightsTerms()
        let current = gallery.rights ?? RightsTerms()
        for (name, keyPath, change) in [
            ("license", \RightsTerms.license, patch.license),
            ("acquireLicensePage", \.acquireLicensePage, patch.acquireLicensePage),
            ("licensor", \.licensor, patch.licensor),
        ] {
            guard let change else { continue }
            record(name, rights[keyPath: keyPath] ?? current[keyPath: keyPath], change)
            rights[keyPath: keyPath] = change
        }
        if let terms = patch.usageTerms {
            record("usageTerms", auditText(rights.usageTerms ?? current.usageTerms), auditText(terms))
            rights.usageTerms = terms
        }
        if let downloads = patch.downloads {
            record("downloads", String(gallery.downloads), downloads.map(String.init))
            rights.downloads = downloads
        }
        override.rights = rights.isEmpty ? nil : rights
        if patch.publishAt != nil || patch.unpublishAt != nil {
            let current = gallery.window
            let window = try current.patched(publishAt: patch.publishAt, unpublishAt: patch.unpublishAt)
            recordTimes(current, window, record)
            override.schedule = window
        }
        override.updatedAt = now
        override.updatedBy = actor
        // Until the sidecar is read again, the site's downloads setting is taken as the
        // gallery had it.
        var updated = GalleryRecord(
            folder: gallery.folder, sidecar: gallery.sidecar, sidecarError: gallery.sidecarError, override: override,
            siteDownloads: gallery.downloads, now: now)
        updated.id = gallery.id
        updated.slug = gallery.slug
        updated.revision = gallery.revision + 1
        return (override, audit, updated)
    }
}

/// One audit entry per changed time of a publication window (RFC 3339, UTC).
func recordTimes(
    _ old: PublicationWindow, _ new: PublicationWindow, _ record: (String, String?, String?) -> Void
) {
    for (field, keyPath) in [("publishAt", \PublicationWindow.publishAt), ("unpublishAt", \.unpublishAt)]
    where old[keyPath: keyPath] != new[keyPath: keyPath] {
        record(field, old[keyPath: keyPath].map(PublicationTime.text), new[keyPath: keyPath].map(PublicationTime.text))
    }
}

/// Usage terms in an audit entry: `de: …; en: …`.
func auditText(_ terms: LanguageAlternative?) -> String? {
    terms.map { terms in
        terms.values.keys.sorted().map { "\($0): \(terms.values[$0]!)" }.joined(separator: "; ")
    }
}
