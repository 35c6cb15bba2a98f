public import Catalog
public import GRDB

/// SQLite's words for a full disk: the database file's disk, or its WAL's.
extension DatabaseError: TransientFaultConvertible {
    public var transientFault: TransientFault? {
        guard resultCode == .SQLITE_FULL || extendedResultCode == .SQLITE_IOERR_WRITE else { return nil }
        return .noSpace("the catalog's disk is full (\(message ?? "SQLITE_FULL"))")
    }
}
