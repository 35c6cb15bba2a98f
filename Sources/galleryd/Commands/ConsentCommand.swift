import ArgumentParser
import Catalog
import Foundation
import GalleryCore

/// `galleryd consent …`: the consent log for audits.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent", abstract: "Export and verify the consent log.", subcommands: [Export.self, Verify.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the consent log (JSON or CSV).")

        @OptionGroup var common: CommonOptions

        @Option(help: "Only events at or after this time (ISO 8601).")
        var since: String?

        @Option(help: "json or csv.")
        var format: String = "json"

        func validate() throws {
            guard ["json", "csv"].contains(format) else { throw ValidationError("--format must be json or csv") }
            if let since, (try? Date(since, strategy: .iso8601)) == nil {
                throw ValidationError("--since must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z")
            }
        }

        func run() async throws {
            let catalog = try await openCatalog(common)
            let events = try await catalog.consentEvents(since: since.flatMap { try? Date($0, strategy: .iso8601) })
            if format == "csv" {
                FileHandle.standardOutput.write(Data(ConsentEventExport.csv(events).utf8))
            } else {
                FileHandle.standardOutput.write(try ConsentEventExport.json(events) + Data("\n".utf8))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the consent log's hash chain; exit 0 only if no entry was altered, removed or reordered.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let catalog = try await openCatalog(common)
            let result = try await catalog.verifyConsentChain()
            if result.isIntact {
                print("consent log intact: \(result.eventsChecked) events")
            } else {
                printError(
                    "galleryd: consent log broken: \(result.problem ?? "unknown") (after \(result.eventsChecked) events)"
                )
                throw ExitCode(2)
            }
        }
    }
}
