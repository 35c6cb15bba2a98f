import Catalog
import Foundation
import GRDB
import GalleryCore
import GalleryFixtures
import Hummingbird
import HummingbirdTesting
import Ingest
import SQLiteCatalog
import Server
import Synchronization
import Testing

/// Every statement the hot paths run, planned by SQLite: none may read a whole table of
/// photos, renditions or consent records (at 100,000 photos a scan costs tens of
/// milliseconds per request). The statements are the ones actually executed (traced),
/// not a list kept by hand, so a new query on these paths is checked without anyone
/// remembering to add it.
@Suite("Query plans of the hot paths", .timeLimit(.minutes(5)))
struct QueryPlanTests {
    /// Statements that read a whole table on purpose, and why that is bounded.
    static let deliberateScans: [(sqlPrefix: String, reason: String)] = [
        // Reconcile compares every file with the catalog: it must read every row once.
        ("SELECT path, fileSize, modifiedAt, sourceHash FROM asset", "reconcile reads every file's size and mtime"),
        ("SELECT path, fileSize, modifiedAt FROM quarantine", "reconcile reads every held file"),
        (#"SELECT * FROM "quarantine" ORDER BY "path""#, "a pass reports every held file"),
        // The chain's head: a walk down the rowid that stops at the first row.
        ("SELECT hash FROM consentEvent ORDER BY seq DESC LIMIT 1", "the newest event, by rowid"),
        ("SELECT seq, hash, eventId FROM consentEvent ORDER BY seq DESC LIMIT 1", "the newest event, by rowid"),
        // The queue in its claim order (job_by_claim_order): a walk that stops at LIMIT,
        // passing only the jobs in hand or held (before it, sorting every queued job took
        // 22 ms at 92,000).
        ("SELECT * FROM job INDEXED BY job_by_claim_order", "a claim stops at its first due jobs"),
        // The highest generation: a walk down its index that stops at the first entry.
        ("SELECT generation FROM job ORDER BY generation DESC LIMIT 1", "the newest generation, by its index"),
    ]

    @Test("gallery JSON, the list, consent, admin edits and ingest use indexes, not scans")
    func hotPathsUseIndexes() async throws {
        let traced = Mutex<[String]>([])
        let recording = Atomic<Bool>(false)
        let settings = ConsentFixtures.settings()
        let env = try TestEnvironment(
            consent: settings, fetchPreviews: false,
            statementTrace: { sql in if recording.load(ordering: .relaxed) { traced.withLock { $0.append(sql) } } })
        for gallery in ["Auftakt", "Digitalgipfel", "Landtag"] {
            for name in ["eins", "zwei"] {
                try env.write("\(gallery)/\(name).jpg", photo(caption: Array("\(gallery) \(name)".utf8)))
            }
        }
        try env.write(
            "Landtag/gallery.yaml",
            Array("embeds:\n  - {service: youtube, url: \"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"}\n".utf8))
        recording.store(true, ordering: .relaxed)
        _ = try await env.pass()
        let admin = try await env.catalog.createToken(name: "Redaktion", scope: .admin).text
        let server = GalleryServer(
            catalog: env.catalog,
            settings: ServerSettings(
                dataDirectory: env.data.path,
                consent: ConsentOptions(defaults: settings, cookieKey: Array(repeating: 7, count: 32))),
            readiness: Readiness())
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let document = try await client.execute(uri: "/api/v1/galleries/landtag", method: .get) { response in
                #expect(response.status == .ok)
                return try JSONDecoder.iso8601.decode(GalleryDocument.self, from: response.body.data)
            }
            for uri in [
                "/api/v1/galleries", "/api/v1/galleries?limit=1", "/", "/galleries/landtag",
                "/api/v1/consent/services", document.items[0].renditions[0].url,
            ] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok, "\(uri)") }
            }
            let bearer: HTTPFields = [.authorization: "Bearer \(admin)", .contentType: "application/json"]
            let id = document.items[0].id.value
            try await client.execute(
                uri: "/api/v1/admin/assets/\(id)", method: .patch, headers: bearer,
                body: ByteBuffer(string: #"{"caption": "Neue Bildunterschrift"}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/admin/assets/\(id)", method: .get, headers: bearer) {
                #expect($0.status == .ok)
            }
            // After a commit the cache asks the gallery's revision again.
            try await client.execute(uri: "/api/v1/galleries/landtag", method: .get) { #expect($0.status == .ok) }
            let grant =
                #"{"services": ["youtube"], "scope": "permanent", "policyVersion": "2026-11-01", "locale": "de"}"#
            let cookie = try await client.execute(
                uri: "/api/v1/consent", method: .post,
                headers: [.contentType: "application/json", .origin: "http://127.0.0.1:8080"],
                body: ByteBuffer(string: grant)
            ) { response in
                #expect(response.status == .created)
                return String(response.headers[.setCookie]?.split(separator: ";").first ?? "")
            }
            try await client.execute(uri: "/api/v1/galleries/landtag", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/api/v1/consent", method: .delete,
                headers: [.cookie: cookie, .origin: "http://127.0.0.1:8080"]
            ) { #expect($0.status == .ok || $0.status == .noContent) }
        }
        // A changed file and a new one: the ingest path's own statements.
        try env.write("Auftakt/eins.jpg", photo(caption: Array("geändert".utf8), width: 300))
        try env.write("Auftakt/drei.jpg", photo(caption: Array("neu".utf8)))
        _ = try await env.pass()
        recording.store(false, ordering: .relaxed)

        let statements = Set(traced.withLock { $0 }).filter { sql in
            let head = sql.prefix(7).uppercased()
            return ["SELECT ", "UPDATE ", "DELETE ", "WITH "].contains { head.hasPrefix($0) }
                || head.hasPrefix("INSERT") && sql.uppercased().contains(" SELECT ")
        }
        #expect(statements.count > 20, "the hot paths ran: \(statements.count) statements traced")
        let queue = try DatabaseQueue(path: env.data.appendingPathComponent("catalog.sqlite").path)
        let scans = try await queue.read { db in
            var scans: [String] = []
            for sql in statements.sorted() {
                if Self.deliberateScans.contains(where: { sql.hasPrefix($0.sqlPrefix) }) { continue }
                let explain = try db.makeStatement(sql: "EXPLAIN QUERY PLAN " + sql)
                // Unbound parameters are NULL: the plan does not depend on them.
                explain.setUncheckedArguments(StatementArguments())
                for row in try Row.fetchAll(explain) {
                    let detail: String = row["detail"]
                    // "SCAN t" reads every row; "SCAN t USING (COVERING) INDEX" walks an
                    // index in order, also every entry; only SEARCH is bounded.
                    if detail.hasPrefix("SCAN "), Self.isPhotoSizedTable(detail) {
                        scans.append("\(detail) ← \(sql)")
                    }
                }
            }
            return scans
        }
        #expect(scans.isEmpty, "full scans on hot paths:\n\(scans.joined(separator: "\n"))")
    }

    /// Tables that grow with the photos and visitors (not the handful of galleries or
    /// settings rows).
    static func isPhotoSizedTable(_ detail: String) -> Bool {
        let table = detail.dropFirst("SCAN ".count).split(separator: " ").first.map(String.init) ?? ""
        return [
            "asset", "rendition", "consentRecord", "consentEvent", "assetOverride", "audit", "job", "quarantine",
            "embed", "retiredVariant",
        ].contains(table)
    }
}
