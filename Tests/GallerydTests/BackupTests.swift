import Catalog
import Foundation
import GRDB
import GalleryCore
import GalleryFixtures
import Logging
import NIOHTTP1
import PostgresCatalog
import PostgresNIO
import SQLiteCatalog
import Testing

@testable import galleryd

/// `galleryd backup`, `backup verify` and `restore`, run as an operator would: on a running
/// installation, on both stores and across them, with and without the secrets.
@Suite("Backup and restore", .timeLimit(.minutes(5)))
struct BackupTests {
    /// An installation with photos, an editor's correction, an admin token and a consent log
    /// with checkpoints.
    struct Installation {
        let env: TestEnvironment
        let token: String

        init() async throws {
            env = try TestEnvironment(consentLog: ConsentLogOptions(checkpointEvents: 3))
            for index in 0..<3 {
                try env.write("Termine/bild-\(index).jpg", photo(caption: Array("Bild \(index)".utf8)))
            }
            _ = try await env.pass()
            token = try await env.catalog.createToken(name: "redaktion", scope: .editor).text
            _ = try await env.catalog.patchAsset(
                id: AssetID(relativePath: "Termine/bild-1.jpg"), AssetPatch(hidden: true), actor: "token:redaktion")
            for index in 0..<5 { try await grant(index) }
        }

        func grant(_ index: Int) async throws {
            try await env.catalog.record(
                ConsentEventDraft(
                    consentId: "visitor-\(index)", kind: .grant, scope: .permanent, decisions: ["youtube": true],
                    policyVersion: "1", catalogHash: "abc", locale: "de", at: Date(), expiresAt: nil,
                    browser: "firefox", ipHash: nil))
        }

        /// galleryd on this installation's media with `data` (default: its own) and `catalog`.
        func galleryd(_ arguments: [String], data: URL? = nil, catalog: String? = nil) async throws
            -> ChildProcessResult
        {
            var environment = ProcessInfo.processInfo.environment
            if let catalog { environment["GALLERYD_CATALOG_URL"] = catalog }
            return try await GallerydProcess.run(
                arguments + ["--media", env.media.path, "--data", (data ?? env.data).path], in: env.root,
                environment: environment)
        }

        func folder(_ name: String) -> URL { env.root.appendingPathComponent(name) }
    }

    @Test(
        "a backup of a serving SQLite installation verifies; restored into an empty folder, serve answers the same gallery JSON and ETag, the token authenticates and the consent log verifies"
    )
    func sqliteRoundTrip() async throws {
        let installation = try await Installation()
        let env = installation.env
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        // Settled: the daemon's own settings are in force and every print download is made.
        try await eventually(timeout: .seconds(60), "the installation's downloads") {
            (try? await daemon.gallery("termine"))?.items.allSatisfy { $0.download != nil } ?? false
        }
        try await Task.sleep(for: .milliseconds(500))
        let before = try await daemon.get("/api/v1/galleries/termine")
        #expect(before.status == .ok)

        let backup = installation.folder("backup")
        let written = try await installation.galleryd(["backup", "--to", backup.path, "--include-secrets"])
        #expect(written.status == 0, "\(written.error)")
        #expect(written.output.contains("backed up to \(backup.path)"), "\(written.output)")
        #expect(written.output.contains("consent events: 5") && written.output.contains("secrets included"))
        let secrets = try FileManager.default.attributesOfItem(
            atPath: backup.appendingPathComponent("secrets.json").path)
        #expect((secrets[.posixPermissions] as? Int) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: backup.appendingPathComponent("renditions").path))

        let verified = try await GallerydProcess.run(["backup", "verify", backup.path], in: env.root)
        #expect(verified.status == 0, "\(verified.error)")
        #expect(verified.output.contains("consent log intact: 5 events"), "\(verified.output)")
        #expect(verified.output.contains("integrity ok") && verified.output.contains("backup sound"))

        let restored = installation.folder("restored")
        let restore = try await installation.galleryd(["restore", "--from", backup.path], data: restored)
        #expect(restore.status == 0, "\(restore.error)")
        #expect(
            restore.output.contains("consent log verified: 5 events") && restore.output.contains("cookie key restored"))
        #expect(try await installation.galleryd(["consent", "verify"], data: restored).status == 0)

        // Renditions are not in the backup: the restored node makes them again at start.
        let node = try Daemon(
            env, data: restored, extraEnvironment: ["GALLERYD_SITE_PUBLIC_URL": "http://127.0.0.1:\(daemon.port)"])
        try await node.waitUntilReady()
        let after = try await node.get("/api/v1/galleries/termine")
        #expect(after.headers.first(name: "ETag") == before.headers.first(name: "ETag"))
        #expect(after.body == before.body)
        let document = try #require(try await node.gallery("termine"))
        let urls = try document.items.flatMap { item in item.renditions.map(\.url) + [try #require(item.download?.url)]
        }
        #expect(urls.count == 2 * 7)
        try await eventually(timeout: .seconds(60), "the restored node's renditions and downloads") {
            for url in urls where (try? await node.get(url).status) != .ok { return false }
            return true
        }
        // Made again as they were: the gallery JSON and its ETag did not move meanwhile.
        #expect(
            try await node.get("/api/v1/galleries/termine").headers.first(name: "ETag")
                == before.headers.first(name: "ETag"))
        let admin = try await node.get(
            "/api/v1/admin/galleries", headers: [("Authorization", "Bearer \(installation.token)")])
        #expect(admin.status == .ok)

        let again = try await installation.galleryd(["restore", "--from", backup.path], data: restored)
        #expect(again.status == 1 && again.error.contains("catalog.sqlite exists"), "\(again.error)")
    }

    @Test("a damaged backup fails verification naming the file; a restore of it is refused")
    func damaged() async throws {
        let installation = try await Installation()
        let backup = installation.folder("backup")
        #expect(try await installation.galleryd(["backup", "--to", backup.path]).status == 0)
        let log = backup.appendingPathComponent("consent-checkpoints.log")
        var lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        lines.removeLast()
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: log)
        let verified = try await GallerydProcess.run(["backup", "verify", backup.path], in: installation.env.root)
        #expect(verified.status == 2)
        #expect(verified.error.contains("consent-checkpoints.log is not the file backed up"), "\(verified.error)")
        let restore = try await installation.galleryd(
            ["restore", "--from", backup.path], data: installation.folder("restored"))
        #expect(restore.status == 1 && restore.error.contains("damaged"), "\(restore.error)")
        #expect(!FileManager.default.fileExists(atPath: installation.folder("restored/catalog.sqlite").path))
    }

    @Test(
        "without --include-secrets the backup verifies against its public key only (and says so); restore refuses until the keys are in place, then verifies"
    )
    func withoutSecrets() async throws {
        let installation = try await Installation()
        let backup = installation.folder("backup")
        let written = try await installation.galleryd(["backup", "--to", backup.path])
        #expect(written.status == 0 && written.output.contains("no secrets"), "\(written.output)")
        #expect(!FileManager.default.fileExists(atPath: backup.appendingPathComponent("secrets.json").path))
        let verified = try await GallerydProcess.run(["backup", "verify", backup.path], in: installation.env.root)
        #expect(verified.status == 0, "\(verified.error)")
        #expect(verified.output.contains("signed by the backup's public key"), "\(verified.output)")
        #expect(verified.output.contains("the chain key is not in this backup"))

        let restored = installation.folder("restored")
        let refused = try await installation.galleryd(["restore", "--from", backup.path], data: restored)
        #expect(refused.status == 1)
        #expect(refused.error.contains("secrets/consent-log.key"), "\(refused.error)")
        #expect(refused.error.contains("secrets/consent-checkpoint.key"))
        #expect(!FileManager.default.fileExists(atPath: restored.appendingPathComponent("catalog.sqlite").path))

        // The operator kept the keys apart (config/galleryd.yaml advises it) and puts them back.
        try FileManager.default.createDirectory(
            at: restored.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        for name in ["consent-log.key", "consent-checkpoint.key"] {
            try FileManager.default.copyItem(
                at: installation.env.data.appendingPathComponent("secrets/\(name)"),
                to: restored.appendingPathComponent("secrets/\(name)"))
        }
        let restore = try await installation.galleryd(["restore", "--from", backup.path], data: restored)
        #expect(restore.status == 0, "\(restore.error)")
        #expect(restore.output.contains("visitors are asked for consent again"))
        let consent = try await installation.galleryd(["consent", "verify"], data: restored)
        #expect(consent.status == 0 && consent.output.contains("5 events"), "\(consent.error)")

        // Another installation's key is refused, not mixed in.
        let other = installation.folder("other")
        try FileManager.default.createDirectory(
            at: other.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        try Data(repeating: 7, count: 32).write(to: other.appendingPathComponent("secrets/consent-log.key"))
        try FileManager.default.copyItem(
            at: installation.env.data.appendingPathComponent("secrets/consent-checkpoint.key"),
            to: other.appendingPathComponent("secrets/consent-checkpoint.key"))
        let wrongKey = try await installation.galleryd(["restore", "--from", backup.path], data: other)
        #expect(wrongKey.status == 1 && wrongKey.error.contains("does not verify"), "\(wrongKey.error)")
    }

    @Test(
        "consents granted during a backup are in it with an intact chain, or not at all",
        arguments: ["sqlite", "postgres"])
    func consentsDuringBackup(_ store: String) async throws {
        let installation = try await Installation()
        var catalog: String?
        var consentLog: any ConsentLog = installation.env.catalog
        var database: PostgresCatalog.PostgresDatabase?
        if store == "postgres" {
            let url = try await PostgresCluster.shared.newDatabase()
            let sqlite = "sqlite:" + installation.env.data.appendingPathComponent("catalog.sqlite").path
            #expect(try await installation.galleryd(["catalog", "copy", "--from", sqlite, "--to", url]).status == 0)
            guard case .postgres(let location) = try CatalogLocation(url: url) else { throw CancellationError() }
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            database = try await PostgresDatabase(location: location, password: nil, logger: logger)
            consentLog = PostgresConsentLog(
                database: database!, dataDirectory: installation.env.data.path,
                options: ConsentLogOptions(checkpointEvents: 3))
            catalog = url
        }
        defer { database?.close() }
        let log = consentLog
        let granting = Task {
            var index = 100
            while !Task.isCancelled {
                _ = try await log.record(
                    ConsentEventDraft(
                        consentId: "visitor-\(index)", kind: .grant, scope: .permanent, decisions: ["youtube": true],
                        policyVersion: "1", catalogHash: "abc", locale: "de", at: Date(), expiresAt: nil,
                        browser: "firefox", ipHash: nil), updating: nil)
                index += 1
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        var backups: [URL] = []
        for round in 0..<3 {
            let backup = installation.folder("backup-\(round)")
            let written = try await installation.galleryd(
                ["backup", "--to", backup.path, "--include-secrets"], catalog: catalog)
            #expect(written.status == 0, "\(written.error)")
            backups.append(backup)
        }
        granting.cancel()
        _ = await granting.result
        let total = try await consentLog.consentEventCount()
        var counts: [Int] = []
        for backup in backups {
            let verified = try await GallerydProcess.run(["backup", "verify", backup.path], in: installation.env.root)
            #expect(verified.status == 0, "\(verified.error)")
            let match = try #require(verified.output.firstMatch(of: /consent log intact: (\d+) events/))
            counts.append(Int(match.1)!)
        }
        #expect(counts == counts.sorted() && counts.first! > 5 && counts.last! <= total, "\(counts) of \(total)")
    }

    @Test(
        "a PostgreSQL installation's backup restores onto SQLite, and that backup back onto PostgreSQL; both serve the same gallery and verify"
    )
    func acrossStores() async throws {
        let installation = try await Installation()
        let original = try #require(try await installation.env.catalog.gallery(slug: "termine"))
        let postgres = try await PostgresCluster.shared.newDatabase()
        let sqlite = "sqlite:" + installation.env.data.appendingPathComponent("catalog.sqlite").path
        let copied = try await installation.galleryd(["catalog", "copy", "--from", sqlite, "--to", postgres])
        #expect(copied.status == 0, "\(copied.error)")

        let fromPostgres = installation.folder("from-postgres")
        let written = try await installation.galleryd(
            ["backup", "--to", fromPostgres.path, "--include-secrets"], catalog: postgres)
        #expect(written.status == 0, "\(written.error)")
        let manifest = try BackupManifest.read(from: fromPostgres.path)
        #expect(manifest.source == "postgres" && manifest.counts["consent events"] == 5)

        let onSQLite = installation.folder("on-sqlite")
        let restore = try await installation.galleryd(["restore", "--from", fromPostgres.path], data: onSQLite)
        #expect(restore.status == 0, "\(restore.error)")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let restored = try SQLiteStore(path: onSQLite.appendingPathComponent("catalog.sqlite").path, logger: logger)
        #expect(try await restored.gallery(slug: "termine")?.document == original.document)
        #expect(try await restored.authenticate(installation.token)?.name == "redaktion")
        try restored.close()
        #expect(try await installation.galleryd(["consent", "verify"], data: onSQLite).status == 0)

        let fromSQLite = installation.folder("from-sqlite")
        #expect(
            try await installation.galleryd(["backup", "--to", fromSQLite.path, "--include-secrets"], data: onSQLite)
                .status == 0)
        let target = try await PostgresCluster.shared.newDatabase()
        let onPostgres = installation.folder("on-postgres")
        let back = try await installation.galleryd(
            ["restore", "--from", fromSQLite.path, "--catalog-url", target], data: onPostgres)
        #expect(back.status == 0, "\(back.error)")
        let consent = try await installation.galleryd(["consent", "verify"], data: onPostgres, catalog: target)
        #expect(consent.status == 0 && consent.output.contains("5 events"), "\(consent.error)")
        guard case .postgres(let location) = try CatalogLocation(url: target) else { throw CancellationError() }
        let database = try await PostgresDatabase(location: location, password: nil, logger: logger)
        defer { database.close() }
        #expect(
            try await PostgresGalleryStore(database: database).gallery(slug: "termine")?.document == original.document)
        let notEmpty = try await installation.galleryd(
            ["restore", "--from", fromSQLite.path, "--catalog-url", target], data: installation.folder("third"))
        #expect(notEmpty.status == 1 && notEmpty.error.contains("not empty"), "\(notEmpty.error)")
    }

    @Test("galleryd backup without --to writes into backup.folder and keeps the newest backup.keep")
    func retention() async throws {
        let installation = try await Installation()
        let folder = installation.folder("backups")
        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_BACKUP_FOLDER"] = folder.path
        environment["GALLERYD_BACKUP_KEEP"] = "2"
        for _ in 0..<3 {
            let result = try await GallerydProcess.run(
                ["backup", "--media", installation.env.media.path, "--data", installation.env.data.path],
                in: installation.env.root, environment: environment)
            #expect(result.status == 0, "\(result.error)")
            try await Task.sleep(for: .seconds(1.1))  // one name per second
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 2 && names.allSatisfy { $0.hasPrefix("galleryd-") }, "\(names)")
    }
}

/// Catalogs from other galleryd versions: a newer one is refused unchanged; the file a copy
/// names is the whole catalog.
@Suite("Catalog versions", .timeLimit(.minutes(3)))
struct CatalogVersionTests {
    @Test("a SQLite catalog written by a newer galleryd is refused at start, naming both versions, and left unchanged")
    func newerSQLite() async throws {
        let env = try TestEnvironment()
        try env.write("Termine/bild.jpg", photo(caption: Array("Bild".utf8)))
        _ = try await env.pass()
        try env.catalog.close()
        let path = env.data.appendingPathComponent("catalog.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        _ = try await queue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try queue.close()
        let before = try BackupManifest.digest(of: path)
        for command in [["serve", "--port", "0"], ["ingest"], ["consent", "verify"]] {
            let result = try await GallerydProcess.run(
                command + ["--media", env.media.path, "--data", env.data.path], in: env.root)
            #expect(result.status == 1, "\(command): \(result.error)")
            #expect(result.error.contains("v99-from-the-future"), "\(result.error)")
            #expect(result.error.contains(SQLiteStore.schemaVersion))
        }
        #expect(try BackupManifest.digest(of: path) == before)
    }

    @Test("a PostgreSQL catalog written by a newer galleryd is refused at start, naming both versions")
    func newerPostgres() async throws {
        let url = try await PostgresCluster.shared.newDatabase()
        guard case .postgres(let location) = try CatalogLocation(url: url) else { throw CancellationError() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await PostgresDatabase(location: location, password: nil, logger: logger)
        _ = try await database.client.query("INSERT INTO galleryd_migration (name) VALUES ('v99-from-the-future')")
        database.close()
        let env = try TestEnvironment()
        var environment = ProcessInfo.processInfo.environment
        environment["GALLERYD_CATALOG_URL"] = url
        let result = try await GallerydProcess.run(
            ["consent", "verify", "--media", env.media.path, "--data", env.data.path], in: env.root,
            environment: environment)
        #expect(result.status == 1)
        #expect(
            result.error.contains("v99-from-the-future") && result.error.contains("v8-job-claim-order"),
            "\(result.error)")
    }

    @Test("catalog copy --to sqlite:PATH leaves the whole catalog in PATH: that file alone, copied, is the catalog")
    func copiedFileIsWhole() async throws {
        let env = try TestEnvironment()
        try env.write("Termine/bild.jpg", photo(caption: Array("Bild".utf8)))
        _ = try await env.pass()
        let copy = env.root.appendingPathComponent("copy/catalog.sqlite")
        let result = try await GallerydProcess.run(
            [
                "catalog", "copy", "--from", "sqlite:" + env.data.appendingPathComponent("catalog.sqlite").path, "--to",
                "sqlite:" + copy.path, "--data", env.data.path,
            ], in: env.root)
        #expect(result.status == 0, "\(result.error)")
        let alone = env.root.appendingPathComponent("alone/catalog.sqlite")
        try FileManager.default.createDirectory(
            at: alone.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: copy, to: alone)
        let queue = try DatabaseQueue(path: alone.path)
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM asset") } == 1)
    }
}
