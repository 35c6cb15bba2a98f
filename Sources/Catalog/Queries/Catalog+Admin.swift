public import Foundation
import GRDB
public import GalleryCore

/// An asset as the admin API shows it.
public struct AdminAssetView: Sendable {
    public var asset: AssetRecord
    public var gallery: GalleryRecord
    public var override: AssetOverrideRecord?
    public var renditions: [RenditionRecord]
}

/// A gallery with all its assets, published or hidden, for the admin API.
public struct AdminGalleryView: Sendable {
    public var gallery: GalleryRecord
    public var assets: [AdminAssetView]
}

extension Catalog: AdminTokenStore, AuditTrail {
    // MARK: Tokens

    public func createToken(name: String, scope: AdminScope, now: Date) async throws -> AdminToken {
        let token = AdminToken.generate()
        try await pool.write { db in
            try AdminTokenRecord(id: token.id, name: name, scope: scope, secretHash: token.secretHash, createdAt: now)
                .insert(db)
            _ = try AuditRecord(at: now, actor: "cli", action: "token.create", target: name, newValue: scope.rawValue)
                .inserted(db)
        }
        return token
    }

    public func authenticate(_ text: String, now: Date) async throws -> AdminTokenRecord? {
        guard let token = AdminToken(text: text) else { return nil }
        let record = try await pool.read { db in try AdminTokenRecord.fetchOne(db, key: token.id) }
        guard let record, record.revokedAt == nil, token.matches(secretHash: record.secretHash) else { return nil }
        // Recording use is best effort: a busy writer must not fail a read request.
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try? await pool.write { db in
                try db.execute(sql: "UPDATE adminToken SET lastUsedAt = ? WHERE id = ?", arguments: [now, record.id])
            }
        }
        return record
    }

    public func tokens() async throws -> [AdminTokenRecord] {
        try await pool.read { db in try AdminTokenRecord.order(Column("createdAt")).fetchAll(db) }
    }

    public func revokeToken(_ nameOrID: String, now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE adminToken SET revokedAt = ? WHERE (name = ? OR id = ?) AND revokedAt IS NULL",
                arguments: [now, nameOrID, nameOrID])
            let count = db.changesCount
            if count > 0 {
                _ = try AuditRecord(at: now, actor: "cli", action: "token.revoke", target: nameOrID).inserted(db)
            }
            return count
        }
    }

    // MARK: Audit

    public func audit(since: Date?, limit: Int) async throws -> [AuditRecord] {
        try await pool.read { db in
            var request = AuditRecord.order(Column("id").desc).limit(max(1, min(limit, 1000)))
            if let since { request = request.filter(Column("at") >= since) }
            return try request.fetchAll(db)
        }
    }
}

extension Catalog {
    // MARK: Assets

    public func adminAsset(id: AssetID) async throws -> AdminAssetView? {
        try await pool.read { db in try Self.adminAsset(db, id: id) }
    }

    static func adminAsset(_ db: Database, id: AssetID) throws -> AdminAssetView? {
        guard let asset = try AssetRecord.fetchOne(db, key: id.value),
            let gallery = try GalleryRecord.fetchOne(db, key: asset.galleryId)
        else { return nil }
        return AdminAssetView(
            asset: asset, gallery: gallery, override: try AssetOverrideRecord.fetchOne(db, key: id.value),
            renditions: try RenditionRecord.filter(Column("assetId") == id.value).fetchAll(db))
    }

    /// Applies an editor's change to an asset's overrides, one audit entry per changed
    /// field, in one transaction. The texts are bound again by the caller (the ingestor),
    /// which also makes new renditions when the credit changed.
    public func patchAsset(id: AssetID, _ patch: AssetPatch, actor: String, now: Date) async throws
        -> AssetRecord?
    {
        try await pool.write { db in
            guard let asset = try AssetRecord.fetchOne(db, key: id.value) else { return nil }
            var override =
                try AssetOverrideRecord.fetchOne(db, key: id.value)
                ?? AssetOverrideRecord(assetId: id, updatedAt: now, updatedBy: actor)
            let before = override
            func audit(_ field: String, _ old: String?, _ new: String?) throws {
                _ = try AuditRecord(
                    at: now, actor: actor, action: "asset.update", target: "asset \(id.value) (\(asset.path))",
                    field: field, oldValue: old, newValue: new
                ).inserted(db)
            }
            for (field, value) in patch.texts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let old = field.isRight ? override[right: field.keyPath] : override[keyPath: Self.keyPath(for: field)]
                guard old != value else { continue }
                if field.isRight {
                    override[right: field.keyPath] = value
                } else {
                    override[keyPath: Self.keyPath(for: field)] = value
                }
                try audit(field.rawValue, old ?? asset.text.value(of: field), value)
            }
            if let terms = patch.usageTerms, terms != override[right: \.usageTerms] {
                try audit(
                    "usageTerms", Self.auditText(override[right: \.usageTerms] ?? asset.text.usageTerms),
                    Self.auditText(terms))
                override[right: \.usageTerms] = terms
            }
            if let aiGenerated = patch.aiGenerated, aiGenerated != override[right: \.aiGenerated] {
                try audit(
                    "aiGenerated", String(override[right: \.aiGenerated] ?? asset.text.aiGenerated ?? false),
                    aiGenerated.map(String.init))
                override[right: \.aiGenerated] = aiGenerated
            }
            if let hidden = patch.hidden, hidden != (override.hidden ?? false) {
                _ = try AuditRecord(
                    at: now, actor: actor, action: "asset.update", target: "asset \(id.value) (\(asset.path))",
                    field: "hidden", oldValue: String(override.hidden ?? false), newValue: String(hidden)
                ).inserted(db)
                override.hidden = hidden
                try bumpRevision(db, galleryId: asset.galleryId, now: now)
            }
            guard override != before else { return asset }
            override.updatedAt = now
            override.updatedBy = actor
            try override.upsert(db)
            return asset
        }
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

    /// Usage terms in an audit entry: `de: …; en: …`.
    static func auditText(_ terms: LanguageAlternative?) -> String? {
        terms.map { terms in
            terms.values.keys.sorted().map { "\($0): \(terms.values[$0]!)" }.joined(separator: "; ")
        }
    }

    // MARK: Galleries

    public func adminGalleries() async throws -> [AdminGalleryView] {
        try await pool.read { db in
            try GalleryRecord.order(Column("slug")).fetchAll(db).map { try Self.adminGallery(db, $0) }
        }
    }

    public func adminGallery(slug: String) async throws -> AdminGalleryView? {
        try await pool.read { db in
            guard let gallery = try GalleryRecord.filter(Column("slug") == slug).fetchOne(db) else { return nil }
            return try Self.adminGallery(db, gallery)
        }
    }

    static func adminGallery(_ db: Database, _ gallery: GalleryRecord) throws -> AdminGalleryView {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM asset WHERE galleryId = ? ORDER BY fileName", arguments: [gallery.id])
        let assets = try ids.compactMap { id in try AssetID(validating: id).flatMap { try adminAsset(db, id: $0) } }
        return AdminGalleryView(gallery: gallery, assets: assets)
    }

    /// Applies an admin's change to a gallery's settings (over the sidecar), audited, in
    /// one transaction.
    public func patchGallery(slug: String, _ patch: GalleryPatch, actor: String, now: Date) async throws
        -> GalleryRecord?
    {
        try await pool.write { db in
            guard var gallery = try GalleryRecord.filter(Column("slug") == slug).fetchOne(db) else { return nil }
            var override =
                try GalleryOverrideRecord.fetchOne(db, key: gallery.folder)
                ?? GalleryOverrideRecord(folder: gallery.folder, updatedAt: now, updatedBy: actor)
            func audit(_ field: String, _ old: String?, _ new: String?) throws {
                guard old != new else { return }
                _ = try AuditRecord(
                    at: now, actor: actor, action: "gallery.update", target: "gallery \(slug)", field: field,
                    oldValue: old, newValue: new
                ).inserted(db)
            }
            if let title = patch.title {
                try audit("title", override.title ?? gallery.title, title)
                override.title = title
            }
            if let summary = patch.summary {
                try audit("summary", override.summary ?? gallery.summary, summary)
                override.summary = summary
            }
            if let credit = patch.defaultCredit {
                try audit("defaultCredit", override.defaultCredit ?? gallery.defaultCredit, credit)
                override.defaultCredit = credit
            }
            if let order = patch.order {
                try audit(
                    "order", (override.order ?? gallery.displayOrder)?.joined(separator: ", "),
                    order?.joined(separator: ", "))
                override.order = order
            }
            if let published = patch.published {
                try audit("published", String(gallery.published), published.map(String.init))
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
                try audit(name, rights[keyPath: keyPath] ?? current[keyPath: keyPath], change)
                rights[keyPath: keyPath] = change
            }
            if let terms = patch.usageTerms {
                try audit(
                    "usageTerms", Self.auditText(rights.usageTerms ?? current.usageTerms), Self.auditText(terms))
                rights.usageTerms = terms
            }
            if let downloads = patch.downloads {
                try audit("downloads", String(gallery.downloads), downloads.map(String.init))
                rights.downloads = downloads
            }
            override.rights = rights.isEmpty ? nil : rights
            override.updatedAt = now
            override.updatedBy = actor
            try override.upsert(db)
            // Until the sidecar is read again (the caller refreshes the gallery), the site's
            // downloads setting is taken as the gallery had it.
            var updated = GalleryRecord(
                folder: gallery.folder, sidecar: gallery.sidecar, sidecarError: gallery.sidecarError,
                override: override, siteDownloads: gallery.downloads, now: now)
            updated.id = gallery.id
            updated.slug = gallery.slug
            updated.revision = gallery.revision + 1
            gallery = updated
            try gallery.update(db)
            return gallery
        }
    }

    // MARK: Quarantine

    /// Forgets a quarantine entry so that the file is tried again; false if none.
    public func releaseFromQuarantine(path: String, actor: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            guard try QuarantineRecord.deleteOne(db, key: path) else { return false }
            _ = try AuditRecord(at: now, actor: actor, action: "quarantine.retry", target: path).inserted(db)
            return true
        }
    }
}

extension BoundText {
    /// The bound value of an editable field, for audit entries.
    public func value(of field: EditableAssetField) -> String? {
        switch field {
        case .caption: caption
        case .alt: alt
        case .headline: headline
        case .credit: credit
        case .creator: creator
        case .license: license
        case .acquireLicensePage: acquireLicensePage
        case .licensor: licensor
        case .longDescription: longDescription
        case .digitalSourceType: digitalSourceType
        }
    }
}
