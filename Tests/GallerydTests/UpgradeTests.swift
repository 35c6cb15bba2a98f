import Catalog
import Foundation
import GRDB
import GalleryCore
import GalleryFixtures
import Logging
import PostgresNIO
import Testing

@testable import PostgresCatalog
@testable import SQLiteCatalog

/// Catalogs written by every earlier galleryd, opened by today's: each earlier schema is
/// built by running only the migrations up to it, then filled with the rows of a real
/// installation (each table and column that schema had), as that galleryd would have held
/// them. Today's galleryd must migrate it with every row intact, publish the same gallery
/// JSON, verify the consent log, and migrate a second time to no change.
@Suite("Upgrades from every earlier catalog", .timeLimit(.minutes(6)))
struct UpgradeTests {
    /// A real installation, rows in (almost) every table: photos, a quarantined file, a
    /// replaced photo's retired renditions, an embed, overrides and their audit, an admin
    /// token, consent settings, grants with checkpoints, a queued job and a once grant.
    struct Reference {
        let env: TestEnvironment
        let document: GalleryDocument

        init() async throws {
            env = try TestEnvironment(
                consent: ConsentFixtures.settings(), fetchPreviews: false,
                consentLog: ConsentLogOptions(checkpointEvents: 3))
            for index in 0..<3 {
                try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8)))
            }
            try env.write("Termine/leer.jpg", [])
            try env.write(
                "Termine/gallery.yaml",
                Array(
                    "title: Termine\nembeds:\n  - {service: youtube, url: \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"}\n"
                        .utf8))
            _ = try await env.pass()
            try env.write("Termine/bild-2.jpg", photo(caption: Array("Bild 2, neu".utf8)))
            _ = try await env.pass()
            _ = try await env.catalog.createToken(name: "redaktion", scope: .editor)
            _ = try await env.catalog.patchAsset(
                id: AssetID(relativePath: "Termine/bild-1.jpg"), AssetPatch(hidden: true), actor: "token:redaktion")
            _ = try await env.catalog.patchGallery(
                slug: "termine", GalleryPatch(summary: "Aus dem Ministerium"), actor: "token:redaktion",
                now: Date())
            let settings = ConsentSettings(policyVersion: "2", lifetimeDays: 90, services: [])
            try await env.catalog.saveConsentSettings(
                settings, previous: ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: []),
                actor: "token:redaktion")
            for index in 0..<5 {
                let now = Date()
                _ = try await env.catalog.record(
                    ConsentEventDraft(
                        consentId: "visitor-\(index)", kind: .grant, scope: .permanent,
                        decisions: ["youtube": true], policyVersion: "2", catalogHash: "abc", locale: "de",
                        at: now, expiresAt: nil, browser: "firefox", ipHash: nil),
                    updating: ConsentRecord(
                        consentId: "visitor-\(index)", granted: ["youtube"], policyVersion: "2", catalogHash: "abc",
                        grantedAt: now, expiresAt: now.addingTimeInterval(86_400 * 90)))
            }
            try await env.catalog.enqueue(
                ["Termine/bild-0.jpg"], kind: .download, notBefore: Date().addingTimeInterval(86_400), now: Date())
            try await env.catalog.storeOnceGrant(
                OnceGrant(
                    services: ["youtube"], policyVersion: "2", catalogHash: "abc", embedId: nil,
                    expiresAt: Date().addingTimeInterval(3600)), tokenHash: "hash-of-a-token")
            document = try #require(try await env.catalog.gallery(slug: "termine")).document
            try env.catalog.checkpoint()
        }

        var catalogPath: String { env.data.appendingPathComponent("catalog.sqlite").path }
    }

    /// Every row of every table (its columns named), for comparing a catalog before and
    /// after today's migrations: a row holds what it held, in the columns it had.
    static func rows(_ db: Database, columns: [String: [String]]) throws -> [String: [[DatabaseValue]]] {
        var rows: [String: [[DatabaseValue]]] = [:]
        for (table, names) in columns {
            let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
            rows[table] = try Row.fetchAll(db, sql: "SELECT \(list) FROM \"\(table)\" ORDER BY \(list)").map {
                Array($0.databaseValues)
            }
        }
        return rows
    }

    static func columns(_ db: Database, schema: String = "main") throws -> [String: [String]] {
        var columns: [String: [String]] = [:]
        for table in try String.fetchAll(
            db,
            sql:
                "SELECT name FROM \(schema).sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'"
        ) {
            columns[table] = try Row.fetchAll(db, sql: "PRAGMA \(schema).table_info(\"\(table)\")").map { $0["name"] }
        }
        return columns
    }

    @Test("every earlier SQLite schema opens with its rows intact, the same gallery JSON and a verifying consent log")
    func sqlite() async throws {
        let reference = try await Reference()
        let migrations = SQLiteStore.migrator.migrations
        let keyed = try #require(migrations.firstIndex(of: "v7-consent-keyed-chain"))
        let admin = try #require(migrations.firstIndex(of: "v5-admin"))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let referenceColumns = try await DatabaseQueue(path: reference.catalogPath).read { try Self.columns($0) }
        #expect(referenceColumns.keys.allSatisfy { table in referenceColumns[table] != nil })

        for (index, version) in migrations.dropLast().enumerated() {
            let folder = reference.env.root.appendingPathComponent("at-\(version)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("catalog.sqlite").path
            // The schema of that galleryd, with the reference's rows in the columns it had.
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: version)
            let columns = try await queue.writeWithoutTransaction { db -> [String: [String]] in
                try db.execute(sql: "ATTACH DATABASE ? AS reference", arguments: [reference.catalogPath])
                try db.execute(sql: "PRAGMA foreign_keys = OFF")  // tables in any order
                let columns = try Self.columns(db)
                try db.inTransaction {
                    for (table, names) in columns {
                        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
                        try db.execute(
                            sql:
                                "INSERT OR REPLACE INTO main.\"\(table)\" (\(list)) SELECT \(list) FROM reference.\"\(table)\""
                        )
                    }
                    return .commit
                }
                try db.execute(sql: "DETACH DATABASE reference")
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                if index < keyed, columns["consentEvent"] != nil {
                    try Self.unkeyChain(db)
                }
                return columns
            }
            #expect(!columns.isEmpty)
            let tablesWithRows = try await queue.read { db in
                try columns.keys.filter { try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\($0)\"")! > 0 }
            }
            let before = try await queue.read { try Self.rows($0, columns: columns) }
            try queue.close()
            if index >= keyed {
                // That galleryd kept checkpoints and keys in the data folder.
                for name in ["consent-checkpoints.log", "consent-checkpoint.pub", "secrets"] {
                    try FileManager.default.copyItem(
                        at: reference.env.data.appendingPathComponent(name), to: folder.appendingPathComponent(name))
                }
            }

            let store = try SQLiteStore(
                path: path, logger: logger, consentLog: ConsentLogOptions(dataDirectory: folder.path))
            let after = try await store.pool.read { try Self.rows($0, columns: columns) }
            #expect(after == before, "\(version): rows changed")
            let applied = try await store.pool.read { try SQLiteStore.migrator.appliedIdentifiers($0) }
            #expect(applied == Set(migrations), "\(version)")
            let document = try #require(try await store.gallery(slug: "termine")?.document, "\(version)")
            if index >= admin {
                #expect(document == reference.document, "\(version): gallery JSON differs")
            } else {
                // No overrides before v5: the hidden photo is shown, the summary is the sidecar's.
                #expect(document.items.count == reference.document.items.count + 1, "\(version)")
                #expect(
                    Set(reference.document.items.map(\.caption)).isSubset(of: Set(document.items.map(\.caption))),
                    "\(version)")
            }
            let consent = try await store.verifyConsentChain()
            #expect(consent.isIntact, "\(version): \(consent.problem ?? "")")
            #expect(consent.eventsChecked == (tablesWithRows.contains("consentEvent") ? 5 : 0), "\(version)")
            let migrated = try await store.pool.read { try Self.rows($0, columns: try Self.columns($0)) }
            try store.close()
            // Idempotent: opened again, nothing changes.
            let again = try SQLiteStore(
                path: path, logger: logger, consentLog: ConsentLogOptions(dataDirectory: folder.path))
            #expect(try await again.pool.read { try Self.rows($0, columns: try Self.columns($0)) } == migrated)
            try again.close()
        }
        // What the reference fills: every table of today's schema but the erasure tombstones
        // and the pruning anchor (each needs a later action of its own).
        let filled = try await DatabaseQueue(path: reference.catalogPath).read { db in
            try referenceColumns.keys.filter { try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\($0)\"")! > 0 }
        }
        #expect(
            Set(referenceColumns.keys).subtracting(filled) == ["erasure", "consentChainAnchor"],
            "\(Set(referenceColumns.keys).subtracting(filled))")
    }

    @Test(
        "every earlier PostgreSQL schema opens with its rows intact, the same gallery JSON and a verifying consent log")
    func postgres() async throws {
        let reference = try await Reference()
        let contents = try await reference.env.catalog.contents()
        let migrations = PostgresDatabase.migrations
        let galleries = try #require(migrations.firstIndex { $0.name == "v5-galleries" })
        var logger = Logger(label: "test")
        logger.logLevel = .critical

        for index in 0..<(migrations.count - 1) {
            let version = migrations[index].name
            guard
                case .postgres(let location) = try CatalogLocation(url: try await PostgresCluster.shared.newDatabase())
            else { throw CancellationError() }
            // The reference in today's schema, then set aside in a schema of its own.
            let full = try await PostgresDatabase(location: location, password: nil, logger: logger)
            try await PostgresCatalogTransfer(database: full).load(contents)
            full.close()
            let connection = try await PostgresConnection.connect(
                configuration: .init(
                    unixSocketPath: try #require(location.socketPath), username: location.user, password: nil,
                    database: location.database), id: 1, logger: logger)
            func run(_ sql: String) async throws {
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
            try await run("ALTER SCHEMA public RENAME TO reference")
            try await run("CREATE SCHEMA public")
            // That galleryd's schema: its migrations only, recorded as it recorded them.
            try await run(
                "CREATE TABLE galleryd_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for migration in migrations[...index] {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await run("INSERT INTO galleryd_migration (name) VALUES ('\(migration.name)')")
            }
            let columns = try await Self.columns(connection, logger: logger)
            // The reference's rows in the columns that schema had (foreign keys unchecked: any order).
            try await run("SET session_replication_role = replica")
            for (table, names) in columns {
                let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
                try await run("DELETE FROM public.\"\(table)\"")
                try await run("INSERT INTO public.\"\(table)\" (\(list)) SELECT \(list) FROM reference.\"\(table)\"")
            }
            for try await name in try await connection.query(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'",
                logger: logger
            ).decode(String.self) {
                try await run("SELECT setval('public.\(name)', (SELECT last_value FROM reference.\(name)))")
            }
            try await run("SET session_replication_role = origin")
            try await run("DROP SCHEMA reference CASCADE")
            let before = try await Self.rows(connection, columns: columns, logger: logger)
            #expect(before.values.contains { !$0.isEmpty }, "\(version)")

            let database = try await PostgresDatabase(location: location, password: nil, logger: logger)
            #expect(try await Self.rows(connection, columns: columns, logger: logger) == before, "\(version)")
            var applied: [String] = []
            for try await name in try await connection.query("SELECT name FROM galleryd_migration", logger: logger)
                .decode(String.self)
            {
                applied.append(name)
            }
            #expect(Set(applied) == Set(migrations.map(\.name)), "\(version)")
            let document = try await PostgresGalleryStore(database: database).gallery(slug: "termine")?.document
            if index >= galleries {
                #expect(document == reference.document, "\(version): gallery JSON differs")
            }
            // Before v2 there was no consent log: its files are not this catalog's.
            let hadConsentLog = columns["consent_event"] != nil
            let consentFolder =
                hadConsentLog
                ? reference.env.data.path : reference.env.root.appendingPathComponent("empty-\(index)").path
            let consent = try await PostgresConsentLog(
                database: database, dataDirectory: consentFolder,
                options: ConsentLogOptions(dataDirectory: consentFolder)
            ).verifyConsentChain()
            #expect(
                consent.isIntact && consent.eventsChecked == (hadConsentLog ? 5 : 0),
                "\(version): \(consent.problem ?? "")")
            let migrated = try await Self.rows(
                connection, columns: try await Self.columns(connection, logger: logger), logger: logger)
            database.close()
            // Idempotent: opened again, nothing changes.
            let again = try await PostgresDatabase(location: location, password: nil, logger: logger)
            #expect(
                try await Self.rows(
                    connection, columns: try await Self.columns(connection, logger: logger), logger: logger)
                    == migrated, "\(version)")
            again.close()
            try await connection.close()
        }
    }

    static func columns(_ connection: PostgresConnection, logger: Logger) async throws -> [String: [String]] {
        var columns: [String: [String]] = [:]
        for try await (table, column) in try await connection.query(
            """
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name != 'galleryd_migration' ORDER BY table_name, ordinal_position
            """, logger: logger
        ).decode((String, String).self) {
            columns[table, default: []].append(column)
        }
        return columns
    }

    static func rows(_ connection: PostgresConnection, columns: [String: [String]], logger: Logger) async throws
        -> [String: [String]]
    {
        var rows: [String: [String]] = [:]
        for (table, names) in columns {
            let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
            var texts: [String] = []
            for try await text in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT row(\(list))::text FROM public.\"\(table)\" ORDER BY 1"),
                logger: logger
            ).decode(String.self) {
                texts.append(text)
            }
            rows[table] = texts
        }
        return rows
    }

    /// Before v7 the chain was not keyed (chain version 1): the reference's events hashed
    /// again as that galleryd hashed them, and no checkpoint yet.
    static func unkeyChain(_ db: Database) throws {
        var previous = ConsentChainAnchor.genesis.hash
        for event in try ConsentEvent.order(Column("seq")).fetchAll(db) {
            let unkeyed = ConsentEvent(
                eventId: event.eventId, consentId: event.consentId, kind: event.kind, scope: event.scope,
                decisions: event.decisions, policyVersion: event.policyVersion, catalogHash: event.catalogHash,
                locale: event.locale, at: event.at, expiresAt: event.expiresAt, browser: event.browser,
                ipHash: event.ipHash, previousHash: previous, key: nil)
            try db.execute(
                sql: "UPDATE consentEvent SET previousHash = ?, hash = ? WHERE seq = ?",
                arguments: [unkeyed.previousHash, unkeyed.hash, event.seq])
            previous = unkeyed.hash
        }
    }
}
