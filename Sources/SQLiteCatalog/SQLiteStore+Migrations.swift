import Catalog
import Foundation
import GRDB

extension SQLiteStore {
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
        migrator.registerMigration("v2-jobs-retired-variants") { db in
            // One row per kind and path: enqueueing again replaces the job (idempotent).
            try db.create(table: "job") { table in
                table.column("path", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("enqueuedAt", .datetime).notNull()
                table.column("notBefore", .double).notNull().defaults(to: 0)
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("lastError", .text)
                // Changes on every enqueue, so finishing a job never drops a newer one.
                table.column("generation", .integer).notNull()
                table.primaryKey(["kind", "path"])
            }
            try db.create(index: "job_by_due", on: "job", columns: ["notBefore", "enqueuedAt"])
            // Rendition folders no asset uses any more, kept for a grace period.
            try db.create(table: "retiredVariant") { table in
                table.column("sourceHash", .text).notNull()
                table.column("variantKey", .text).notNull()
                table.column("retiredAt", .datetime).notNull()
                table.primaryKey(["sourceHash", "variantKey"])
            }
        }
        migrator.registerMigration("v3-asset-overrides") { db in
            // Keyed by asset id (derived from the path), so an override survives re-ingest.
            try db.create(table: "assetOverride") { table in
                table.primaryKey("assetId", .text)
                table.column("caption", .text)
                table.column("alt", .text)
                table.column("headline", .text)
                table.column("credit", .text)
                table.column("creator", .text)
                table.column("updatedAt", .datetime).notNull()
                table.column("updatedBy", .text).notNull()
            }
        }
        migrator.registerMigration("v4-settings") { db in
            try db.create(table: "setting") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v5-admin") { db in
            try db.alter(table: "gallery") { table in
                table.add(column: "displayOrder", .jsonText)
            }
            try db.alter(table: "assetOverride") { table in
                table.add(column: "hidden", .boolean)
            }
            // The secret part of a token is stored only as its SHA-256.
            try db.create(table: "adminToken") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("secretHash", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("lastUsedAt", .datetime)
                table.column("revokedAt", .datetime)
            }
            try db.create(table: "audit") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .datetime).notNull().indexed()
                table.column("actor", .text).notNull()
                table.column("action", .text).notNull()
                table.column("target", .text).notNull()
                table.column("field", .text)
                table.column("oldValue", .text)
                table.column("newValue", .text)
            }
            try db.create(table: "galleryOverride") { table in
                table.primaryKey("folder", .text)
                table.column("title", .text)
                table.column("summary", .text)
                table.column("defaultCredit", .text)
                table.column("order", .jsonText)
                table.column("published", .boolean)
                table.column("updatedAt", .datetime).notNull()
                table.column("updatedBy", .text).notNull()
            }
        }
        migrator.registerMigration("v6-consent-embeds") { db in
            // The admin's consent settings (one row); the config file's apply until then.
            try db.create(table: "consentSettings") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("settings", .jsonText).notNull()
                table.column("updatedAt", .datetime).notNull()
                table.column("updatedBy", .text).notNull()
            }
            // A permanent consent's current state, found through the cookie's consent id.
            try db.create(table: "consentRecord") { table in
                table.primaryKey("consentId", .text)
                table.column("granted", .jsonText).notNull()
                table.column("policyVersion", .text).notNull()
                table.column("catalogHash", .text).notNull()
                table.column("grantedAt", .datetime).notNull()
                table.column("expiresAt", .datetime).notNull()
                table.column("withdrawnAt", .datetime)
                table.column("expiryLogged", .boolean).notNull().defaults(to: false)
            }
            // Append-only proof of every decision, hash-chained.
            try db.create(table: "consentEvent") { table in
                table.autoIncrementedPrimaryKey("seq")
                table.column("eventId", .text).notNull().unique()
                table.column("consentId", .text).notNull().indexed()
                table.column("kind", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("decisions", .jsonText).notNull()
                table.column("policyVersion", .text).notNull()
                table.column("catalogHash", .text).notNull()
                table.column("locale", .text).notNull()
                table.column("at", .datetime).notNull().indexed()
                table.column("expiresAt", .datetime)
                table.column("browser", .text).notNull()
                table.column("ipHash", .text)
                table.column("previousHash", .text).notNull()
                table.column("hash", .text).notNull()
            }
            // Where the chain starts after old events were pruned: the last pruned event.
            try db.create(table: "consentChainAnchor") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("seq", .integer).notNull()
                table.column("hash", .text).notNull()
                table.column("prunedAt", .datetime).notNull()
            }
            try db.create(table: "embed") { table in
                table.primaryKey("id", .text)
                table.column("galleryFolder", .text).notNull().indexed()
                table.column("service", .text).notNull()
                table.column("url", .text).notNull()
                table.column("externalId", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("title", .text)
                table.column("source", .text).notNull()
                table.column("position", .integer).notNull()
                table.column("previewPath", .text)
                table.column("previewWidth", .integer)
                table.column("previewHeight", .integer)
                table.column("previewError", .text)
                table.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v7-consent-keyed-chain") { db in
            // Events logged so far keep their plain SHA-256 chain; every later one is keyed
            // (HMAC-SHA-256, key outside the catalog) and links to the last plain hash.
            try db.create(table: "consentChainVersion") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("keyedFrom", .integer).notNull()
                table.column("since", .datetime).notNull()
            }
            let highest =
                try [
                    Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'consentEvent'"),
                    Int64.fetchOne(db, sql: "SELECT max(seq) FROM consentEvent"),
                    Int64.fetchOne(db, sql: "SELECT seq FROM consentChainAnchor WHERE id = 1"),
                ].compactMap { $0 }.max() ?? 0
            try db.execute(
                sql: "INSERT INTO consentChainVersion (id, keyedFrom, since) VALUES (1, ?, ?)",
                arguments: [highest + 1, Date()])
            // The latest signed checkpoint, the catalog's copy of the checkpoint file's last line.
            try db.create(table: "consentCheckpointHead") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("checkpoint", .integer).notNull()
                table.column("seq", .integer).notNull()
                table.column("line", .text).notNull()
            }
        }
        migrator.registerMigration("v8-asset-warnings") { db in
            // What was ignored to publish a file (an unusable colour profile), for the admin.
            try db.alter(table: "asset") { table in
                table.add(column: "warnings", .jsonText).notNull().defaults(to: "[]")
            }
        }
        migrator.registerMigration("v9-rights-downloads") { db in
            // The gallery's rights terms (admin › sidecar, as JSON) and whether its photos
            // offer a download (that, else the site's setting).
            try db.alter(table: "gallery") { table in
                table.add(column: "rights", .jsonText)
                table.add(column: "downloads", .boolean).notNull().defaults(to: true)
            }
            try db.alter(table: "galleryOverride") { table in
                table.add(column: "rights", .jsonText)
            }
            // An asset's rights corrections (the rights fields of TextOverrides, as JSON).
            try db.alter(table: "assetOverride") { table in
                table.add(column: "rights", .jsonText)
            }
        }
        migrator.registerMigration("v10-job-leases") { db in
            // A claimed job is leased to its worker until a time; a worker that dies leaves
            // a lease that runs out (JobStore).
            try db.alter(table: "job") { table in
                table.add(column: "leaseOwner", .text)
                table.add(column: "leaseUntil", .double)
            }
        }
        migrator.registerMigration("v11-once-grants") { db in
            // `once` consents and the frame grants they lead to, until used (OnceGrantStore).
            try db.create(table: "onceGrant") { table in
                table.primaryKey("tokenHash", .text)
                table.column("services", .jsonText).notNull()
                table.column("policyVersion", .text).notNull()
                table.column("catalogHash", .text).notNull()
                table.column("embedId", .text)
                table.column("expiresAt", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v12-job-lease-owner") { db in
            // Whose leases are out (a pass or a daemon starting releases its machine's ended
            // processes'): a partial index, one entry per job in hand.
            try db.execute(
                sql: "CREATE INDEX job_by_lease_owner ON job (leaseOwner) WHERE leaseOwner IS NOT NULL")
        }
        migrator.registerMigration("v13-publication-erasure") { db in
            // Embargo and expiry: the gallery's resolved window (admin › sidecar), and the
            // admin's windows of galleries and photos (JSON, the whole window).
            try db.alter(table: "gallery") { table in
                table.add(column: "publishAt", .datetime)
                table.add(column: "unpublishAt", .datetime)
            }
            try db.alter(table: "galleryOverride") { table in
                table.add(column: "schedule", .jsonText)
            }
            try db.alter(table: "assetOverride") { table in
                table.add(column: "schedule", .jsonText)
            }
            // Whose rendition folder a retired one was: a replaced photo's old version keeps
            // its grace period only while that photo is public (NULL: retired before this).
            try db.alter(table: "retiredVariant") { table in
                table.add(column: "assetId", .text)
            }
            try db.create(index: "retiredVariant_by_source", on: "retiredVariant", columns: ["sourceHash"])
            // An erased photo's tombstone: nothing of its content, only what proves and
            // enforces the erasure (the same bytes dropped again are not published).
            try db.create(table: "erasure") { table in
                table.primaryKey("sourceHash", .text)
                table.column("assetId", .text).notNull()
                table.column("path", .text).notNull()
                table.column("erasedAt", .datetime).notNull()
                table.column("erasedBy", .text).notNull()
                table.column("reason", .text).notNull()
            }
            try db.create(index: "embed_by_preview", on: "embed", columns: ["previewPath"])
        }
        migrator.registerMigration("v14-job-claim-order") { db in
            // A claim reads the queue in its own order (downloads last, then the oldest): with
            // this index it reads the first few rows instead of sorting every queued job — a
            // pass over 100,000 new files had slowed to 23 files/s by 7,000.
            try db.execute(sql: "CREATE INDEX job_by_claim_order ON job (kind = 'download', enqueuedAt, path)")
            try db.create(index: "job_by_generation", on: "job", columns: ["generation"])
            // A photo's twin with the same renditions (the same bytes in another gallery): by
            // both columns, as PostgreSQL's asset_by_variant, not among every copy of the bytes.
            try db.create(index: "asset_by_variant", on: "asset", columns: ["sourceHash", "variantKey"])
        }
        return migrator
    }
}
