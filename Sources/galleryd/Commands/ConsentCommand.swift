import ArgumentParser
import Catalog
import Foundation
import GalleryCore
import Logging

/// `galleryd consent …`: the consent log for audits.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent", abstract: "Export and verify the consent log.",
        subcommands: [Export.self, Verify.self, Checkpoint.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the consent log (JSON: events, signed checkpoints and their public key; or CSV).")

        @OptionGroup var common: CommonOptions

        @Option(help: "Only events at or after this time (ISO 8601).")
        var since: String?

        @Option(help: "json or csv.")
        var format: String = "json"

        @Option(help: "Also write the signed checkpoints and the public key (JSON) to this file.")
        var checkpoints: String?

        func validate() throws {
            guard ["json", "csv"].contains(format) else { throw ValidationError("--format must be json or csv") }
            if let since, (try? Date(since, strategy: .iso8601)) == nil {
                throw ValidationError("--since must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z")
            }
        }

        func run() async throws {
            let catalog = try await CatalogStores.open(common).consentLog
            let events = try await catalog.consentEvents(
                since: since.flatMap { try? Date($0, strategy: .iso8601) }, limit: nil)
            let signed = try catalog.consentCheckpoints()
            if let checkpoints {
                let data = try ConsentEventExport.json([], checkpoints: signed.checkpoints, publicKey: signed.publicKey)
                try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: checkpoints))
            }
            if format == "csv" {
                FileHandle.standardOutput.write(Data(ConsentEventExport.csv(events).utf8))
            } else {
                let json = try ConsentEventExport.json(
                    events, checkpoints: signed.checkpoints, publicKey: signed.publicKey)
                FileHandle.standardOutput.write(json + Data("\n".utf8))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the consent log's keyed hash chain against its signed checkpoints; exit 0 only if no entry was altered, removed or reordered."
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "The checkpoint public key (PEM) the auditor holds; default: the data folder's.")
        var publicKey: String?

        @Option(
            help:
                "A file of checkpoints kept outside the catalog: checkpoint file lines (JSON) or the journal's `consent checkpoint` lines (journalctl -u galleryd). Repeatable."
        )
        var witness: [String] = []

        func run() async throws {
            let pinned = try publicKey.map { path in
                guard let data = FileManager.default.contents(atPath: path),
                    let key = ConsentCheckpointPublicKey(pem: String(decoding: data, as: UTF8.self))
                else { throw ValidationError("--public-key \(path) is no Ed25519 public key in PEM") }
                return key
            }
            var witnesses: [ConsentCheckpoint] = []
            for path in witness {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("--witness \(path) cannot be read")
                }
                let found = String(decoding: data, as: UTF8.self).split(separator: "\n")
                    .compactMap(ConsentCheckpoint.init(witnessLine:))
                guard !found.isEmpty else { throw ValidationError("--witness \(path) holds no checkpoint") }
                witnesses += found
            }
            let catalog = try await CatalogStores.open(common).consentLog
            let result = try await catalog.verifyConsentChain(publicKey: pinned, witnesses: witnesses)
            if result.isIntact {
                print("consent log intact: \(result.eventsChecked) events, \(result.checkpointsChecked) checkpoints")
            } else {
                var named: [String] = []
                if let seq = result.brokenAt { named.append("seq=\(seq)") }
                if let eventId = result.eventId { named.append("eventId=\(eventId)") }
                if let checkpoint = result.checkpoint { named.append("checkpoint=\(checkpoint)") }
                printError(
                    "galleryd: consent log broken: \(result.problem ?? "unknown") [\(named.joined(separator: " "))]")
                throw ExitCode(2)
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a signed checkpoint of the consent log now (after checking the events since the last).")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try await common.load()
            let logger = bootstrapLogging(level: configuration.logLevel)
            let catalog = try await CatalogStores.open(configuration, logger: logger).consentLog
            do {
                let checkpoint = try await catalog.writeConsentCheckpoint(reason: "manual", now: Date(), force: true)
                print(checkpoint?.jsonLine ?? "")
            } catch let finding as ConsentLogFinding {
                printError("galleryd: consent log broken, no checkpoint written: \(finding.problem)")
                throw ExitCode(2)
            }
        }
    }
}
