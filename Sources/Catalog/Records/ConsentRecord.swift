public import Foundation
public import GalleryCore

/// A permanent consent's current state (the cookie holds only its random id).
public struct ConsentRecord: Codable, Sendable, Equatable {
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
