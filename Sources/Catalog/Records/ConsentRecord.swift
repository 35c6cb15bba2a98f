public import Foundation
public import GRDB
public import GalleryCore

extension ConsentEvent: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "consentEvent"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}

/// A permanent consent's current state (the cookie holds only its random id).
public struct ConsentRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "consentRecord"

    public var consentId: String
    public var granted: [String]
    public var policyVersion: String
    public var catalogHash: String
    public var grantedAt: Date
    public var expiresAt: Date
    public var withdrawnAt: Date?
    public var expiryLogged: Bool

    public init(
        consentId: String, granted: [String], policyVersion: String, catalogHash: String, grantedAt: Date,
        expiresAt: Date
    ) {
        self.consentId = consentId
        self.granted = granted
        self.policyVersion = policyVersion
        self.catalogHash = catalogHash
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.expiryLogged = false
    }
}

extension ConsentScope: DatabaseValueConvertible {}
extension ConsentEvent.Kind: DatabaseValueConvertible {}
