public import Foundation
import GalleryCore

/// A file that could not be published, why, and which version of it failed (so that it is
/// retried only when it changes, never in a hot loop).
public struct QuarantineRecord: Codable, Sendable, Equatable {
    /// Path relative to the media root.
    public var path: String
    /// Stable machine-readable reason (``QuarantineReason/code``).
    public var code: String
    /// Human-readable reason.
    public var reason: String
    public var fileSize: Int?
    public var modifiedAt: Double?
    public var attempts: Int
    public var quarantinedAt: Date

    public init(
        path: String, code: String, reason: String, fileSize: Int?, modifiedAt: Double?, attempts: Int = 1,
        quarantinedAt: Date
    ) {
        self.path = path
        self.code = code
        self.reason = reason
        self.fileSize = fileSize
        self.modifiedAt = modifiedAt
        self.attempts = attempts
        self.quarantinedAt = quarantinedAt
    }
}
