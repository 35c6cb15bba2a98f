import Catalog
import Crypto
import Foundation
import GRDB
import GalleryCore
import Logging
import SQLiteCatalog
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Someone who can write the catalog (and the checkpoint file) but does not hold the chain
/// key or the signing key tampers with the consent log; `galleryd consent verify` must
/// notice every time, exit non-zero and name the first bad event or checkpoint.
@Suite("Consent log tampering", .timeLimit(.minutes(5)))
struct ConsentLogTamperTests {
    /// A catalog with `count` events, a checkpoint every `every` events (written by the
    /// catalog itself as it records).
    struct Log {
        let env: TestEnvironment
        let events: [ConsentEvent]

        var data: String { env.data.path }
        var catalogPath: String { env.data.appendingPathComponent("catalog.sqlite").path }
        var checkpointFile: URL { env.data.appendingPathComponent("consent-checkpoints.log") }

        func verify(_ extra: [String] = []) async throws -> ChildProcessResult {
            try await GallerydProcess.run(["consent", "verify", "--data", data] + extra, in: env.root)
        }

        func sql(_ statements: String...) async throws {
            let queue = try DatabaseQueue(path: catalogPath)
            try await queue.write { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        }

        /// Rewrites every hash from genesis with `hash`, as an attacker recomputing the chain.
        func recompute(_ hash: @escaping @Sendable (ConsentEvent) -> String, changing seq: Int64? = nil) async throws {
            let queue = try DatabaseQueue(path: catalogPath)
            try await queue.write { db in
                var previous = ConsentEvent.genesisHash
                for var event in try ConsentEvent.order(Column("seq")).fetchAll(db) {
                    if event.seq == seq { event.decisions = event.decisions.mapValues { _ in false } }
                    event.previousHash = previous
                    event.hash = hash(event)
                    try event.update(db)
                    previous = event.hash
                }
            }
        }
    }

    func log(count: Int = 6, every: Int = 3, at: @Sendable (Int) -> Date = { _ in Date() }) async throws -> Log {
        let env = try TestEnvironment(consentLog: ConsentLogOptions(checkpointEvents: every))
        var events: [ConsentEvent] = []
        for index in 0..<count {
            events.append(
                try await env.catalog.record(
                    ConsentEventDraft(
                        consentId: "consent-\(index)", kind: .grant, scope: .permanent,
                        decisions: ["youtube": true, "vimeo": index.isMultiple(of: 2)], policyVersion: "1",
                        catalogHash: "c", locale: "de", at: at(index), expiresAt: nil, browser: "firefox",
                        ipHash: nil)))
        }
        return Log(env: env, events: events)
    }

    // MARK: An intact log

    @Test("an untouched log verifies with exit 0, against every checkpoint")
    func intact() async throws {
        let log = try await log()
        let result = try await log.verify()
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("6 events, 3 checkpoints"), "\(result.output)")
        let lines = try String(contentsOf: log.checkpointFile, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3, "the first event's, then every third")
    }

    @Test("the key files are made on first use, readable by the owner only")
    func keyFiles() async throws {
        let log = try await log(count: 3)
        for name in ["secrets/consent-log.key", "secrets/consent-checkpoint.key", "secrets/consent-checkpoints.head"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: log.data + "/" + name)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name)")
        }
        let pem = try String(contentsOfFile: log.data + "/consent-checkpoint.pub", encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        // Keyed: the plain SHA-256 recipe does not give the stored hash.
        #expect(log.events[0].hash != log.events[0].computedHash)
    }

    // MARK: Tampering with events

    @Test("an edited row is named by seq and eventId")
    func editedRow() async throws {
        let log = try await log()
        try await log.sql(#"UPDATE consentEvent SET decisions = '{"vimeo":false,"youtube":false}' WHERE seq = 4"#)
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 4 was altered"), "\(result.error)")
        #expect(result.error.contains("eventId=\(log.events[3].eventId)"), "\(result.error)")
    }

    @Test("a row deleted in the middle is named")
    func deletedMiddle() async throws {
        let log = try await log()
        try await log.sql("DELETE FROM consentEvent WHERE seq = 2")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 2 is missing"), "\(result.error)")
        #expect(result.error.contains("seq=2"), "\(result.error)")
    }

    @Test("a deleted checkpointed row is named with the eventId the checkpoint signed")
    func deletedCheckpointedRow() async throws {
        let log = try await log()
        try await log.sql("DELETE FROM consentEvent WHERE seq = 3")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 3 is missing (eventId \(log.events[2].eventId))"), "\(result.error)")
    }

    @Test("a deleted tail is caught by the latest checkpoint")
    func deletedTail() async throws {
        let log = try await log()
        try await log.sql("DELETE FROM consentEvent WHERE seq >= 5")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 5 is missing"), "\(result.error)")
        #expect(result.error.contains("checkpoint=3"), "\(result.error)")
        #expect(result.error.contains(log.events[5].eventId), "\(result.error)")
    }

    @Test("an emptied log is caught, also when dressed up as pruning")
    func emptied() async throws {
        let log = try await log()
        try await log.sql("DELETE FROM consentEvent")
        let emptied = try await log.verify()
        #expect(emptied.status != 0)
        #expect(emptied.error.contains("event 1 is missing"), "\(emptied.error)")

        // The checkpoint's head hash is public: pretend everything was pruned up to it.
        let head = log.events[5]
        try await log.sql(
            "INSERT OR REPLACE INTO consentChainAnchor (id, seq, hash, prunedAt) VALUES (1, 6, '\(head.hash)', '2026-01-01')"
        )
        let disguised = try await log.verify()
        #expect(disguised.status != 0)
        #expect(disguised.error.contains("no signed checkpoint records that pruning"), "\(disguised.error)")
    }

    @Test("reordered rows are named")
    func reordered() async throws {
        let log = try await log()
        try await log.sql(
            "UPDATE consentEvent SET seq = 100 WHERE seq = 4", "UPDATE consentEvent SET seq = 4 WHERE seq = 5",
            "UPDATE consentEvent SET seq = 5 WHERE seq = 100")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 4 does not link to the one before"), "\(result.error)")
        #expect(result.error.contains(log.events[4].eventId), "\(result.error)")
    }

    @Test("a chain recomputed with plain SHA-256 after turning a grant into a denial is caught")
    func recomputedPlain() async throws {
        let log = try await log()
        try await log.recompute({ $0.computedHash }, changing: 2)
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 1 was altered"), "\(result.error)")
    }

    @Test("a plain recomputation with the keyed chain's start moved past it is caught as a downgrade")
    func downgraded() async throws {
        let log = try await log()
        try await log.recompute({ $0.computedHash }, changing: 2)
        try await log.sql("UPDATE consentChainVersion SET keyedFrom = 100")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("the chain was downgraded"), "\(result.error)")
    }

    // MARK: Downgrades without any key (issue 22)

    /// Every copy of the checkpoints removed: the file, the head marker and the catalog's.
    func removeEveryCheckpointCopy(_ log: Log) async throws {
        try FileManager.default.removeItem(at: log.checkpointFile)
        try FileManager.default.removeItem(atPath: log.data + "/secrets/consent-checkpoints.head")
        try await log.sql("DELETE FROM consentCheckpointHead")
    }

    @Test("every checkpoint copy removed, the keyed start moved past the end and the chain recomputed plain: caught")
    func downgradedWithoutCheckpoints() async throws {
        let hoursAgo = Date().addingTimeInterval(-7200)
        let log = try await log(count: 6, every: 3) { hoursAgo.addingTimeInterval(Double($0)) }
        try await removeEveryCheckpointCopy(log)
        try await log.sql("UPDATE consentChainVersion SET keyedFrom = 100")
        try await log.recompute({ $0.computedHash }, changing: 2)
        let result = try await log.verify()
        #expect(result.status != 0, "\(result.output)")
        #expect(result.error.contains("no signed checkpoint covers it"), "\(result.error)")
        #expect(result.error.contains("seq=1"), "\(result.error)")
    }

    @Test("the tail deleted once the checkpoint copies are gone: caught by the events' age")
    func tailDeletedWithoutCheckpoints() async throws {
        let hoursAgo = Date().addingTimeInterval(-7200)
        let log = try await log(count: 6, every: 3) { hoursAgo.addingTimeInterval(Double($0)) }
        try await removeEveryCheckpointCopy(log)
        try await log.sql("DELETE FROM consentEvent WHERE seq >= 4")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("no signed checkpoint covers it"), "\(result.error)")
    }

    @Test("the first event is signed at once: no window in which the tail can be cut or the log emptied unseen")
    func firstEventSigned() async throws {
        let log = try await log(count: 1, every: 100)
        let checkpoints = try log.env.catalog.consentCheckpoints().checkpoints
        #expect(checkpoints.map(\.seq) == [1])
        try await log.sql("DELETE FROM consentEvent")
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 1 is missing"), "\(result.error)")
    }

    @Test("removing one copy of the checkpoints is a finding: the head marker, the catalog's copy")
    func oneCopyRemoved() async throws {
        let marker = try await log()
        try FileManager.default.removeItem(atPath: marker.data + "/secrets/consent-checkpoints.head")
        let withoutMarker = try await marker.verify()
        #expect(withoutMarker.status != 0)
        #expect(withoutMarker.error.contains("head marker"), "\(withoutMarker.error)")
        let catalogCopy = try await log()
        try await catalogCopy.sql("DELETE FROM consentCheckpointHead")
        let withoutCopy = try await catalogCopy.verify()
        #expect(withoutCopy.status != 0)
        #expect(withoutCopy.error.contains("catalog's copy"), "\(withoutCopy.error)")
    }

    @Test("an auditor's witnesses (the latest checkpoint line, the journal's lines) catch a rollback of everything")
    func witnesses() async throws {
        let log = try await log(count: 6, every: 3)
        let lines = try String(contentsOf: log.checkpointFile, encoding: .utf8).split(separator: "\n").map(String.init)
        let last = try #require(lines.last)
        let latest = try #require(ConsentCheckpoint(jsonLine: last))
        // The auditor's copy of the latest line; and the same checkpoint as the journal shows it.
        let kept = log.env.root.appendingPathComponent("latest-checkpoint.json")
        try (lines.last! + "\n").write(to: kept, atomically: true, encoding: .utf8)
        let journalLine =
            "Dec 07 08:00:00 host galleryd[42]: 2026-12-07T08:00:00+0000 notice galleryd: anchorHash=\(latest.anchorHash) at=\(latest.at) checkpoint=\(latest.checkpoint) events=\(latest.events) headEventId=\(latest.headEventId) headHash=\(latest.headHash) keyedFrom=\(latest.keyedFrom) previous=\(latest.previous) prunedThrough=\(latest.prunedThrough) reason=\(latest.reason) seq=\(latest.seq) signature=\(latest.signature) [Catalog] consent checkpoint"
        let journal = log.env.root.appendingPathComponent("journal.txt")
        try ("something else\n" + journalLine + "\n").write(to: journal, atomically: true, encoding: .utf8)
        #expect(try await log.verify(["--witness", kept.path, "--witness", journal.path]).status == 0)

        // Everything rolled back to the first checkpoint: the file, the marker, the catalog.
        try (lines[0] + "\n").write(to: log.checkpointFile, atomically: true, encoding: .utf8)
        try (lines[0] + "\n").write(
            toFile: log.data + "/secrets/consent-checkpoints.head", atomically: true, encoding: .utf8)
        try await log.sql(
            "DELETE FROM consentEvent WHERE seq > 1", "UPDATE consentCheckpointHead SET line = '\(lines[0])', seq = 1")
        for witness in [kept, journal] {
            let result = try await log.verify(["--witness", witness.path])
            #expect(result.status != 0, "\(witness.lastPathComponent): \(result.output)")
            #expect(result.error.contains("missing from the checkpoint file"), "\(result.error)")
        }
    }

    @Test("a chain recomputed with HMAC under a wrong key is caught")
    func recomputedWrongKey() async throws {
        let log = try await log()
        let wrong = try #require(ConsentChainKey(bytes: Array(repeating: 0x42, count: 32)))
        try await log.recompute({ $0.computedHash(key: wrong) }, changing: 5)
        let result = try await log.verify()
        #expect(result.status != 0)
        #expect(result.error.contains("event 1 was altered"), "\(result.error)")
    }

    // MARK: Tampering with checkpoints

    @Test("the checkpoint file replaced with an older copy is caught, also with the log cut back to it")
    func olderCheckpointFile() async throws {
        let env = try TestEnvironment(consentLog: ConsentLogOptions(checkpointEvents: 3))
        let log = Log(env: env, events: [])
        for index in 0..<3 { try await record(env, index) }
        let older = try Data(contentsOf: log.checkpointFile)
        for index in 3..<6 { try await record(env, index) }
        #expect(try await log.verify().status == 0)

        try older.write(to: log.checkpointFile)
        let replaced = try await log.verify()
        #expect(replaced.status != 0)
        #expect(replaced.error.contains("checkpoint #3"), "\(replaced.error)")
        #expect(replaced.error.contains("replaced by an older one"), "\(replaced.error)")

        // Cut the catalog back to the old checkpoint and drop its copy there: the head marker remains.
        try await log.sql("DELETE FROM consentEvent WHERE seq > 3", "DELETE FROM consentCheckpointHead")
        let cutBack = try await log.verify()
        #expect(cutBack.status != 0)
        #expect(cutBack.error.contains("head marker"), "\(cutBack.error)")
    }

    @Test("an edited or removed checkpoint line is caught")
    func editedCheckpoint() async throws {
        let log = try await log(count: 9)
        let lines = try String(contentsOf: log.checkpointFile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "the first event's, then every third")
        try
            (lines[0] + "\n" + lines[1].replacingOccurrences(of: "\"seq\":3", with: "\"seq\":2") + "\n" + lines[2]
            + "\n" + lines[3] + "\n").write(to: log.checkpointFile, atomically: true, encoding: .utf8)
        let edited = try await log.verify()
        #expect(edited.status != 0)
        #expect(edited.error.contains("checkpoint #2: the signature does not verify"), "\(edited.error)")

        try (lines[0] + "\n" + lines[2] + "\n" + lines[3] + "\n").write(
            to: log.checkpointFile, atomically: true, encoding: .utf8)
        let removed = try await log.verify()
        #expect(removed.status != 0)
        #expect(removed.error.contains("checkpoint #2 is missing"), "\(removed.error)")
    }

    @Test("checkpoints re-signed with another key are refused when the auditor pins the public key")
    func pinnedKey() async throws {
        let log = try await log()
        let pinned = log.env.root.appendingPathComponent("auditor.pub")
        try FileManager.default.copyItem(atPath: log.data + "/consent-checkpoint.pub", toPath: pinned.path)
        #expect(try await log.verify(["--public-key", pinned.path]).status == 0)
        // Swap in a new key pair and re-sign every checkpoint with it.
        let forged = ConsentCheckpointSigningKey.generate()
        let resigned = try String(contentsOf: log.checkpointFile, encoding: .utf8).split(separator: "\n").map {
            try forged.sign(try #require(ConsentCheckpoint(jsonLine: $0))).jsonLine
        }
        try (resigned.joined(separator: "\n") + "\n").write(to: log.checkpointFile, atomically: true, encoding: .utf8)
        try (resigned.last! + "\n").write(
            toFile: log.data + "/secrets/consent-checkpoints.head", atomically: true, encoding: .utf8)
        try await log.sql("UPDATE consentCheckpointHead SET line = '\(resigned.last!)'")
        try Data(forged.rawRepresentation).write(to: URL(fileURLWithPath: log.data + "/secrets/consent-checkpoint.key"))
        try forged.publicKey.pem.write(toFile: log.data + "/consent-checkpoint.pub", atomically: true, encoding: .utf8)
        let result = try await log.verify(["--public-key", pinned.path])
        #expect(result.status != 0)
        #expect(result.error.contains("not the given public key"), "\(result.error)")
    }

    // MARK: Pruning, old catalogs, shutdown

    @Test("a pruned log verifies: pruned checkpoints are no tamper sign, the anchor matches")
    func pruned() async throws {
        let old = Date().addingTimeInterval(-400 * 86_400)
        let log = try await log(count: 8, every: 3) { $0 < 4 ? old.addingTimeInterval(Double($0)) : Date() }
        let pruned = try await log.env.catalog.pruneConsentEvents(before: Date().addingTimeInterval(-86_400))
        #expect(pruned == 4)
        let result = try await log.verify()
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("4 events, 4 checkpoints"), "\(result.output)")
        let last = try #require(try log.env.catalog.consentCheckpoints().checkpoints.last)
        #expect(last.reason == "prune")
        #expect(last.prunedThrough == 4)

        // A wrong anchor is caught by the pruning checkpoint.
        try await log.sql("UPDATE consentChainAnchor SET hash = '\(String(repeating: "1", count: 64))'")
        let broken = try await log.verify()
        #expect(broken.status != 0)
        #expect(broken.error.contains("the pruning anchor (seq 4) does not match"), "\(broken.error)")
    }

    @Test("events chained with plain SHA-256 before the upgrade keep verifying; the keyed chain links to them")
    func upgradedCatalog() async throws {
        let env = try TestEnvironment()
        let path = env.data.appendingPathComponent("catalog.sqlite").path
        // Undo the keyed-chain migration and log two events the old way.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    DROP TABLE consentChainVersion; DROP TABLE consentCheckpointHead;
                    DELETE FROM grdb_migrations WHERE identifier = 'v7-consent-keyed-chain'
                    """)
            var previous = ConsentEvent.genesisHash
            for index in 0..<2 {
                var event = ConsentEvent(
                    eventId: "legacy-\(index)", consentId: "c\(index)", kind: .deny, scope: .once, decisions: [:],
                    policyVersion: "1", catalogHash: "c", locale: "de", at: Date(), expiresAt: nil, browser: "other",
                    ipHash: nil, previousHash: previous)
                try event.insert(db)
                previous = event.hash
            }
        }
        try queue.close()
        let catalog = try SQLiteStore(path: path, logger: .init(label: "test"))
        let keyed = try await catalog.record(
            ConsentEventDraft(
                consentId: "new", kind: .grant, scope: .once, decisions: ["youtube": true], policyVersion: "1",
                catalogHash: "c", locale: "de", at: Date(), expiresAt: nil, browser: "chrome", ipHash: nil))
        try await catalog.writeConsentCheckpoint(reason: "manual")
        #expect(keyed.seq == 3)
        #expect(keyed.hash != keyed.computedHash, "the new event is keyed")
        let log = Log(env: env, events: [])
        let intact = try await log.verify()
        #expect(intact.status == 0, "\(intact.error)")
        #expect(intact.output.contains("3 events"))
        try await log.sql("UPDATE consentEvent SET kind = 'grant' WHERE seq = 1")
        let edited = try await log.verify()
        #expect(edited.status != 0)
        #expect(edited.error.contains("event 1 was altered (eventId legacy-0)"), "\(edited.error)")
    }

    @Test("serve writes a checkpoint on clean shutdown covering events logged since the last")
    func shutdownCheckpoint() async throws {
        let env = try TestEnvironment()
        let daemon = try Daemon(env)
        try await daemon.waitUntilReady()
        for index in 0..<2 { try await record(env, index) }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(30)) == 0)
        let checkpoints = try env.catalog.consentCheckpoints().checkpoints
        #expect(checkpoints.last?.reason == "shutdown")
        #expect(checkpoints.last?.seq == 2)
        #expect(daemon.logText.contains("consent checkpoint"))
        #expect(try await Log(env: env, events: []).verify().status == 0)
    }

    // MARK: Export

    @Test("the JSON export holds the events, the checkpoints and the public key; the signatures and heads check out")
    func export() async throws {
        let log = try await log(count: 7)
        let result = try await GallerydProcess.run(
            ["consent", "export", "--format", "json", "--data", log.data], in: log.env.root)
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let events = try #require(object["events"] as? [[String: Any]])
        let checkpoints = try #require(object["checkpoints"] as? [[String: Any]])
        let pem = try #require(object["publicKey"] as? String)
        #expect(events.count == 7)
        #expect(checkpoints.count == 3, "the first event's, then every third")
        // Checked the way an auditor would, from the PEM and the documented canonical text.
        let der = try #require(
            Data(base64Encoded: pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()))
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
        let fields = [
            "checkpoint", "seq", "events", "headHash", "headEventId", "prunedThrough", "anchorHash", "keyedFrom", "at",
            "reason", "previous",
        ]
        for checkpoint in checkpoints {
            let text = fields.reduce("galleryd-consent-checkpoint-v1\n") { $0 + "\($1)=\(checkpoint[$1] ?? "")\n" }
            let signature = try #require(Data(base64Encoded: checkpoint["signature"] as? String ?? ""))
            #expect(key.isValidSignature(signature, for: Data(text.utf8)), "\(text)")
            let head = try #require(events.first { ($0["seq"] as? Int) == checkpoint["seq"] as? Int })
            #expect(head["hash"] as? String == checkpoint["headHash"] as? String)
            #expect(head["eventId"] as? String == checkpoint["headEventId"] as? String)
        }
        for (earlier, later) in zip(events, events.dropFirst()) {
            #expect(later["previousHash"] as? String == earlier["hash"] as? String)
        }
        // The data-protection officer, given the chain key, recomputes every hash from the export.
        let chainKey = SymmetricKey(
            data: try Data(contentsOf: URL(fileURLWithPath: log.data + "/secrets/consent-log.key")))
        for event in events {
            let hash = HMAC<SHA256>.authenticationCode(for: Data(Self.material(event).utf8), using: chainKey)
            #expect(hash.map { String(format: "%02x", $0) }.joined() == event["hash"] as? String, "\(event)")
        }

        let checkpointFile = log.env.root.appendingPathComponent("checkpoints.json")
        let csv = try await GallerydProcess.run(
            ["consent", "export", "--format", "csv", "--checkpoints", checkpointFile.path, "--data", log.data],
            in: log.env.root)
        #expect(csv.output.split(separator: "\r\n").count == 8, "CSV rows unchanged")
        let written = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: checkpointFile)) as? [String: Any])
        #expect((written["checkpoints"] as? [[String: Any]])?.count == 3)
        #expect(written["publicKey"] as? String == pem)
    }

    @Test(
        "the README's auditor procedure (scripts/consent-audit.py and openssl) accepts an export and names a tampered one"
    )
    func auditorProcedure() async throws {
        let log = try await log(count: 7)
        let folder = log.env.root.appendingPathComponent("audit")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let export = folder.appendingPathComponent("consent.json")
        let result = try await GallerydProcess.run(["consent", "export", "--data", log.data], in: log.env.root)
        try Data(result.output.utf8).write(to: export)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/consent-audit.py").path
        let chainKey = log.data + "/secrets/consent-log.key"
        let audit = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"), ["-O", script, export.path, chainKey], in: folder)
        #expect(audit.status == 0, "\(audit.output) \(audit.error)")
        #expect(audit.output.contains("7 events, 3 checkpoints: linked and continuous, every hash recomputed"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        try Data((object["publicKey"] as? String ?? "").utf8).write(to: folder.appendingPathComponent("key.pub"))
        for number in 1...3 {
            let verified = try await ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/openssl"),
                [
                    "pkeyutl", "-verify", "-pubin", "-inkey", "key.pub", "-rawin", "-in", "checkpoint-\(number).txt",
                    "-sigfile", "checkpoint-\(number).sig",
                ], in: folder)
            #expect(verified.status == 0 && verified.output.contains("Signature Verified Successfully"))
        }
        // An event's decision edited in the export: named, even under `python3 -O`.
        let tampered = result.output.replacingOccurrences(of: "\"youtube\":true", with: "\"youtube\":false")
        #expect(tampered != result.output)
        try Data(tampered.utf8).write(to: export)
        let caught = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"), ["-O", script, export.path, chainKey], in: folder)
        #expect(caught.status != 0)
        #expect(caught.error.contains("was altered"), "\(caught.error)")
    }

    /// The documented hash input, rebuilt from an exported event: each field as
    /// `<UTF-8 byte count>:<value>`, joined with `|`; times in milliseconds since 1970.
    static func material(_ event: [String: Any]) -> String {
        func milliseconds(_ value: Any?) -> String {
            guard let text = value as? String,
                let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
            else { return "" }
            return String(Int64((date.timeIntervalSince1970 * 1000).rounded()))
        }
        let decisions = (event["decisions"] as? [String: Bool] ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value ? 1 : 0)" }.joined(separator: ",")
        let fields: [String] =
            ["previousHash", "eventId", "consentId", "kind", "scope"].map { event[$0] as? String ?? "" } + [decisions]
            + ["policyVersion", "catalogHash", "locale"].map { event[$0] as? String ?? "" }
            + [
                milliseconds(event["at"]), milliseconds(event["expiresAt"]), event["browser"] as? String ?? "",
                event["ipHash"] as? String ?? "",
            ]
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    func record(_ env: TestEnvironment, _ index: Int) async throws {
        try await env.catalog.record(
            ConsentEventDraft(
                consentId: "consent-\(index)", kind: .withdraw, scope: .permanent, decisions: ["youtube": false],
                policyVersion: "1", catalogHash: "c", locale: "en", at: Date(), expiresAt: nil, browser: "safari",
                ipHash: nil))
    }
}
