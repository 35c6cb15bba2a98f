import Catalog
import GRDB

extension SQLiteStore {
    /// A value galleryd keeps between runs (e.g. the fingerprint of the settings that
    /// shaped the renditions, to notice a change across a restart).
    public func storedValue(_ key: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
        }
    }

    public func store(_ value: String, for key: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// Paths of every asset of a gallery folder, or below a folder prefix.
    public func assetPaths(under prefix: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT path FROM asset WHERE path LIKE ? ESCAPE '\\'",
                arguments: [Self.likePrefix(prefix + "/")])
        }
    }
}
