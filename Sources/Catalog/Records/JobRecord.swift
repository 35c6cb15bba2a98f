public import Foundation

/// A unit of work for the ingest workers, kept in the catalog so that a crash loses none.
/// One job per path: a second change of a path before it is processed replaces the job.
public struct JobRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Ingest (or remove, if gone) one file.
        case file
        /// Compare a folder (and below) with the catalog; queue what differs.
        case folder
        /// Re-read a gallery's sidecar and refresh its items.
        case gallery
        /// Make (or withdraw) a published file's print-quality download; taken after every
        /// other kind.
        case download
    }

    /// Path relative to the media root (a file, a folder or a gallery folder).
    public var path: String
    public var kind: Kind
    public var enqueuedAt: Date
    /// Seconds since 1970 before which the job is not taken (retry back-off).
    public var notBefore: Double
    public var attempts: Int
    public var lastError: String?
    public var generation: Int
    /// Who holds the job (a worker's name) and until when (seconds since 1970).
    public var leaseOwner: String?
    public var leaseUntil: Double?

    public init(
        path: String, kind: Kind, enqueuedAt: Date, notBefore: Double, attempts: Int, lastError: String?,
        generation: Int, leaseOwner: String? = nil, leaseUntil: Double? = nil
    ) {
        self.path = path
        self.kind = kind
        self.enqueuedAt = enqueuedAt
        self.notBefore = notBefore
        self.attempts = attempts
        self.lastError = lastError
        self.generation = generation
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
    }
}
