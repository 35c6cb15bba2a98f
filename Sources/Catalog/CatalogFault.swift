public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A catalog that cannot answer now, for a reason that passes: its database server is
/// away (restarting, a network partition) or a query took longer than
/// `catalog.queryTimeoutSeconds`. Stores throw it instead of their driver's error, so callers
/// answer 503 with `Retry-After` and retry, rather than treat it as a bug.
public struct CatalogUnavailable: Error, CustomStringConvertible, Sendable {
    /// What the store saw, e.g. "the PostgreSQL server closed the connection".
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { Self.prefix + reason }
    static let prefix = "the catalog is unavailable: "
}

/// Whether the catalog can be asked now, and since when not (for `/readyz`, metrics, and
/// the marker on answers served from memory meanwhile).
public enum CatalogAvailability: Sendable, Equatable {
    case available
    case unavailable(since: Date, reason: String)
}

/// An error of a store's driver that knows whether it passes (SQLite's full disk), so that
/// the contract need not know the driver.
public protocol TransientFaultConvertible: Error {
    /// The fault this error stands for, or nil when it is not a transient one.
    var transientFault: TransientFault? { get }
}

/// A failure that passes: what galleryd answers for it and how its workers retry it. Any
/// error a store, the file system or the rendition storage throws can be classified, so
/// routes and workers need not know the driver (GRDB, PostgresNIO) that threw it.
public enum TransientFault: Sendable, Equatable {
    /// The catalog's database cannot be reached now (HTTP 503, retried).
    case catalogUnavailable(String)
    /// No space left where galleryd writes: the data disk or the database's (HTTP 507,
    /// retried).
    case noSpace(String)

    /// The fault `error` stands for, or nil when it is not a transient one.
    public init?(_ error: any Error) {
        if let fault = (error as? any TransientFaultConvertible)?.transientFault {
            self = fault
            return
        }
        switch error {
        case let unavailable as CatalogUnavailable:
            self = .catalogUnavailable(unavailable.reason)
        case let posix as POSIXError where posix.code == .ENOSPC || posix.code == .EDQUOT:
            self = .noSpace("no space left on the data disk")
        default:
            self.init(describing: String(describing: error))
        }
    }

    /// The fault a failure's text names (an ingest outcome keeps only the text): the
    /// system's and SQLite's words for a full disk, and ``CatalogUnavailable``'s.
    public init?(describing text: String) {
        if text.contains("No space left on device") || text.contains("Disk quota exceeded")
            || text.contains("database or disk is full")
        {
            self = .noSpace("no space left on the data disk")
        } else if let range = text.range(of: CatalogUnavailable.prefix) {
            self = .catalogUnavailable(String(text[range.upperBound...]))
        } else {
            return nil
        }
    }

    /// For an answer's `detail`.
    public var description: String {
        switch self {
        case .catalogUnavailable(let reason): "the catalog is unavailable for now (\(reason)); try again shortly"
        case .noSpace(let reason): "galleryd has no space left to write this: \(reason)"
        }
    }
}
