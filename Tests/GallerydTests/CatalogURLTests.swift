import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Logging
import PostgresCatalog
import PostgresNIO
import SQLiteCatalog
import Testing

/// `catalog.url` (`GALLERYD_CATALOG_URL`) picks the catalog every subcommand works on.
@Suite("catalog.url on the command line", .timeLimit(.minutes(3)))
struct CatalogURLTests {
    @Test("consent verify|export|checkpoint and admin token work on the PostgreSQL catalog GALLERYD_CATALOG_URL names")
    func consentCommandsOnPostgres() async throws {
        let env = try TestEnvironment()
        // A data folder of its own: the test environment keeps a SQLite catalog in env.data.
        let data = env.root.appendingPathComponent("node")
        let url = try await PostgresCluster.shared.newDatabase()
        guard case .postgres(let location) = try CatalogLocation(url: url) else { throw CancellationError() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await PostgresDatabase(location: location, password: nil, logger: logger)
        defer { database.close() }
        let log = PostgresConsentLog(
            database: database, dataDirectory: data.path, options: ConsentLogOptions(checkpointEvents: 2))
        var recorded: [ConsentEvent] = []
        for index in 1...3 {
            recorded.append(
                try await log.record(
                    ConsentEventDraft(
                        consentId: "visitor-\(index)", kind: .grant, scope: .permanent, decisions: ["youtube": true],
                        policyVersion: "1", catalogHash: "abc", locale: "de", at: Date(), expiresAt: nil,
                        browser: "firefox", ipHash: nil)))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_CATALOG_URL"] = url
        func galleryd(_ arguments: String...) async throws -> ChildProcessResult {
            try await GallerydProcess.run(
                arguments + ["--data", data.path], in: env.root, environment: environment)
        }

        let verified = try await galleryd("consent", "verify")
        #expect(verified.status == 0, "\(verified.error)")
        #expect(
            verified.output.contains("consent log intact: 3 events, 2 checkpoints"), "the first event's, then every 2nd"
        )
        let export = try await galleryd("consent", "export")
        #expect(export.status == 0, "\(export.error)")
        for event in recorded { #expect(export.output.contains(event.eventId)) }
        let checkpoint = try await galleryd("consent", "checkpoint")
        #expect(checkpoint.status == 0 && checkpoint.output.contains(#""seq":3"#), "\(checkpoint.error)")
        // Nothing of this went to a SQLite catalog in the data folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("sqlite") } == [])

        try await database.client.query("UPDATE consent_event SET locale = 'en' WHERE seq = 2", logger: logger)
        let broken = try await galleryd("consent", "verify")
        #expect(broken.status == 2)
        #expect(broken.error.contains("event 2 was altered") && broken.error.contains("seq=2"), "\(broken.error)")

        // A token made by the command authenticates through the database (every node).
        let created = try await galleryd("admin", "token", "create", "--name", "redaktion", "--scope", "admin")
        #expect(created.status == 0, "\(created.error)")
        let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await PostgresAdminTokenStore(database: database).authenticate(token)?.scope == .admin)
        #expect(try await galleryd("admin", "token", "list").output.contains("admin  redaktion  active"))

        // A one-shot pass works on the PostgreSQL catalog too (and nothing goes to SQLite).
        try env.write("Termine/bild.jpg", photo())
        let ingest = try await GallerydProcess.run(
            ["ingest", "--media", env.media.path, "--data", data.path], in: env.root, environment: environment)
        #expect(ingest.status == 0 && ingest.output.contains("ingested: 1"), "\(ingest.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("sqlite") } == [])
    }

    @Test("a server that cannot be reached is named with its reason at once")
    func unreachable() async throws {
        let env = try TestEnvironment()
        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_CATALOG_URL"] = "postgres://galleryd@/galleryd?host=\(env.root.path)"
        let started = ContinuousClock.now
        let result = try await GallerydProcess.run(
            ["consent", "verify", "--data", env.data.path], in: env.root, environment: environment)
        #expect(result.status == 1)
        #expect(result.error.contains("cannot connect to postgres://galleryd@/galleryd"), "\(result.error)")
        #expect(result.error.contains("\(env.root.path)/.s.PGSQL.5432"))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("sqlite: in the config file is taken from the file's folder; a password there is refused")
    func sqliteURLAndPassword() async throws {
        let env = try TestEnvironment()
        let folder = env.root.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("galleryd.yaml")
        try Data("catalog:\n  url: sqlite:catalogs/press.sqlite\n".utf8).write(to: config)
        let data = env.root.appendingPathComponent("node")
        let result = try await GallerydProcess.run(
            ["ingest", "--config", config.path, "--media", env.media.path, "--data", data.path], in: env.root)
        #expect(result.status == 0, "\(result.error)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("catalogs/press.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path))

        try Data("catalog:\n  url: postgres://galleryd@db/galleryd\n  password: hunter2\n".utf8).write(to: config)
        let refused = try await GallerydProcess.run(
            ["consent", "verify", "--config", config.path, "--data", env.data.path], in: env.root)
        #expect(refused.status == 1)
        #expect(refused.error.contains("catalog.password must not be written in the config file"))
        #expect(!refused.error.contains("hunter2"))

        try Data("catalog:\n  url: postgres://galleryd@db/galleryd\n  passwordFile: missing.secret\n".utf8).write(
            to: config)
        let missing = try await GallerydProcess.run(
            ["consent", "verify", "--config", config.path, "--data", env.data.path], in: env.root)
        #expect(missing.status == 1)
        #expect(missing.error.contains("catalog.passwordFile \(folder.path)/missing.secret cannot be read"))
    }
}

/// `galleryd catalog copy`: moving a catalog between SQLite and PostgreSQL.
@Suite("catalog copy", .timeLimit(.minutes(3)))
struct CatalogCopyTests {
    @Test(
        "SQLite → PostgreSQL → SQLite keeps galleries, corrections, tokens, audit and the consent log, which verifies on each copy; a non-empty target is refused"
    )
    func roundTrip() async throws {
        let env = try TestEnvironment(consentLog: ConsentLogOptions(checkpointEvents: 3))
        for index in 0..<3 { try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8))) }
        _ = try await env.pass()
        let token = try await env.catalog.createToken(name: "redaktion", scope: .editor)
        _ = try await env.catalog.patchAsset(
            id: AssetID(relativePath: "Termine/bild-1.jpg"), AssetPatch(hidden: true), actor: "token:redaktion")
        for index in 0..<5 {
            try await env.catalog.record(
                ConsentEventDraft(
                    consentId: "visitor-\(index)", kind: .grant, scope: .permanent, decisions: ["youtube": true],
                    policyVersion: "1", catalogHash: "abc", locale: "de", at: Date(), expiresAt: nil,
                    browser: "firefox",
                    ipHash: nil))
        }
        let original = try #require(try await env.catalog.gallery(slug: "termine"))
        #expect(original.document.items.count == 2)

        let url = try await PostgresCluster.shared.newDatabase()
        let sqlite = "sqlite:" + env.data.appendingPathComponent("catalog.sqlite").path
        func galleryd(_ arguments: [String], catalog: String? = nil) async throws -> ChildProcessResult {
            var environment = ProcessInfo.processInfo.environment
            if let catalog { environment["GALLERYD_CATALOG_URL"] = catalog }
            return try await GallerydProcess.run(
                arguments + ["--data", env.data.path], in: env.root, environment: environment)
        }
        let toPostgres = try await galleryd(["catalog", "copy", "--from", sqlite, "--to", url])
        #expect(toPostgres.status == 0, "\(toPostgres.error)")
        #expect(
            toPostgres.output.contains("galleries: 1, assets: 3") && toPostgres.output.contains("consent events: 5"))
        let verified = try await galleryd(["consent", "verify"], catalog: url)
        #expect(verified.status == 0 && verified.output.contains("5 events"), "\(verified.error)")

        guard case .postgres(let location) = try CatalogLocation(url: url) else { throw CancellationError() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await PostgresDatabase(location: location, password: nil, logger: logger)
        defer { database.close() }
        let copied = try #require(try await PostgresGalleryStore(database: database).gallery(slug: "termine"))
        #expect(copied.document.items == original.document.items)
        #expect(copied.revision == original.revision)
        #expect(try await PostgresAdminTokenStore(database: database).authenticate(token.text)?.name == "redaktion")
        #expect(
            try await PostgresAdminTokenStore(database: database).audit(since: nil, limit: 10).contains {
                $0.field == "hidden"
            })

        let again = try await galleryd(["catalog", "copy", "--from", sqlite, "--to", url])
        #expect(again.status == 1 && again.error.contains("not empty"))

        let back = "sqlite:" + env.root.appendingPathComponent("back/catalog.sqlite").path
        let toSQLite = try await galleryd(["catalog", "copy", "--from", url, "--to", back])
        #expect(toSQLite.status == 0, "\(toSQLite.error)")
        #expect(try await galleryd(["consent", "verify"], catalog: back).status == 0)
        let returned = try SQLiteStore(
            path: env.root.appendingPathComponent("back/catalog.sqlite").path, logger: logger)
        #expect(try await returned.gallery(slug: "termine")?.document.items == original.document.items)
        #expect(try await returned.consentEvents() == (try await env.catalog.consentEvents()))
    }
}
