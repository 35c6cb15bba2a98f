import GRDB

extension Catalog {
    /// Named, append-only migrations. Never edit a shipped one: add the next.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-galleries-assets-renditions") { db in
            try db.create(table: "gallery") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("folder", .text).notNull().unique()
                table.column("slug", .text).notNull().unique()
                table.column("title", .text).notNull()
                table.column("summary", .text)
                table.column("defaultCredit", .text)
                table.column("sidecar", .jsonText)
                table.column("sidecarError", .text)
                table.column("published", .boolean).notNull().defaults(to: true)
                table.column("revision", .integer).notNull().defaults(to: 1)
                table.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "asset") { table in
                table.primaryKey("id", .text)
                table.belongsTo("gallery", onDelete: .cascade).notNull()
                table.column("path", .text).notNull().unique()
                table.column("fileName", .text).notNull()
                table.column("fileSize", .integer).notNull()
                table.column("modifiedAt", .double).notNull()
                table.column("sourceHash", .text).notNull().indexed()
                table.column("format", .text).notNull()
                table.column("width", .integer).notNull()
                table.column("height", .integer).notNull()
                table.column("orientation", .integer).notNull()
                table.column("takenAt", .datetime)
                table.column("metadata", .jsonText).notNull()
                table.column("text", .jsonText).notNull()
                table.column("variantKey", .text).notNull()
                table.column("placeholder", .jsonText)
                table.column("hidden", .boolean).notNull().defaults(to: false)
                table.column("ingestedAt", .datetime).notNull()
                table.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "rendition") { table in
                table.belongsTo("asset", onDelete: .cascade).notNull()
                table.column("role", .text).notNull()
                table.column("width", .integer).notNull()
                table.column("height", .integer).notNull()
                table.column("format", .text).notNull()
                table.column("bytes", .integer).notNull()
                table.column("path", .text).notNull()
                table.primaryKey(["assetId", "role", "width", "format"])
            }
            try db.create(table: "quarantine") { table in
                table.primaryKey("path", .text)
                table.column("code", .text).notNull()
                table.column("reason", .text).notNull()
                table.column("fileSize", .integer)
                table.column("modifiedAt", .double)
                table.column("attempts", .integer).notNull().defaults(to: 1)
                table.column("quarantinedAt", .datetime).notNull()
            }
        }
        return migrator
    }
}
