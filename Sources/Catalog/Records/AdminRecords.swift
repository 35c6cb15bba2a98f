public import Foundation
public import GalleryCore

/// What an admin token may do. `editor` reads galleries and assets and corrects asset
/// texts; `admin` may do everything (gallery settings, embeds, consent, quarantine, audit).
public enum AdminScope: String, Codable, Sendable, CaseIterable {
    case editor, admin

    public func allows(_ required: AdminScope) -> Bool { self == .admin || required == .editor }
}

/// An admin API token. The token itself is `gd_<id>_<secret>`; only the SHA-256 of the
/// secret is stored, so a stolen catalog reveals no token.
public struct AdminTokenRecord: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var scope: AdminScope
    public var secretHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: String, name: String, scope: AdminScope, secretHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.scope = scope
        self.secretHash = secretHash
        self.createdAt = createdAt
    }
}

/// One change made through the admin API: who, when, what, old and new value.
public struct AuditRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var field: String?
    public var oldValue: String?
    public var newValue: String?

    public init(
        at: Date, actor: String, action: String, target: String, field: String? = nil, oldValue: String? = nil,
        newValue: String? = nil
    ) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
    }
}

/// An admin's settings for a gallery; each set field wins over the sidecar.
public struct GalleryOverrideRecord: Codable, Sendable, Equatable {
    public var folder: String
    public var title: String?
    public var summary: String?
    public var defaultCredit: String?
    public var order: [String]?
    public var published: Bool?
    /// Rights terms and the downloads switch; each set field wins over the sidecar's.
    public var rights: RightsTerms?
    /// The admin's embargo and expiry: once set (even to none), it wins over the sidecar's
    /// as a whole.
    public var schedule: PublicationWindow?
    public var updatedAt: Date
    public var updatedBy: String

    public init(folder: String, updatedAt: Date, updatedBy: String) {
        self.folder = folder
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// An admin's corrections of one asset; each set field wins over sidecar and file.
public struct AssetOverrideRecord: Codable, Sendable, Equatable {
    public var assetId: AssetID
    public var caption: String?
    public var alt: String?
    public var headline: String?
    public var credit: String?
    public var creator: String?
    public var hidden: Bool?
    /// The rights corrections: only the rights fields of ``TextOverrides`` are set.
    public var rights: TextOverrides?
    /// The admin's embargo and expiry of the photo: once set (even to none), it wins over
    /// the sidecar entry's as a whole.
    public var schedule: PublicationWindow?
    public var updatedAt: Date
    public var updatedBy: String

    public init(assetId: AssetID, updatedAt: Date, updatedBy: String) {
        self.assetId = assetId
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    public var texts: TextOverrides {
        var texts = rights ?? TextOverrides()
        (texts.caption, texts.alt, texts.headline, texts.credit, texts.creator) = (
            caption, alt, headline, credit, creator
        )
        return texts
    }

    /// One rights field, kept in the `rights` column.
    public subscript<Value>(right field: WritableKeyPath<TextOverrides, Value?>) -> Value? {
        get { rights?[keyPath: field] }
        set {
            var updated = rights ?? TextOverrides()
            updated[keyPath: field] = newValue
            rights = updated.isEmpty ? nil : updated
        }
    }
}
