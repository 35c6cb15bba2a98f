import ArgumentParser
import Catalog
import Foundation
import GalleryCore
import Ingest
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `galleryd ingest`: one pass over the media folder, a summary, exit.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Process every file of the media folder once, print a summary and exit.",
        discussion: """
            Exit status 0 when the pass completed, even if files were quarantined (the summary \
            lists them with their reasons); 1 when it could not run (bad configuration, missing \
            media folder, catalog cannot be opened).
            """)

    @OptionGroup var common: CommonOptions

    @Flag(name: .shortAndLong, help: "Log every file (info level) to standard error.")
    var verbose = false

    func run() async throws {
        let configuration = try await common.load()
        let logger = bootstrapLogging(level: verbose ? .info : .error)
        let stores = try await CatalogStores.open(configuration, logger: logger)
        // Downloads are claimed after every web set (the queue's order): no pause to wait for.
        let settings = CurrentIngestSettings(configuration.ingestSettings)
        let stages = try IngestStages(settings: settings.value, stores: stores.ingest, logger: logger)
        let display = ProgressDisplay()
        display.scanning()
        let summary: IngestSummary
        do {
            summary = try await IngestPass(
                stages: stages, jobs: stores.jobs, settings: settings, downloadQuietPeriod: 0, logger: logger
            ).run {
                display.show($0)
            }
        } catch let error as MediaRootError {
            await stages.shutdown()
            stores.close()
            printError("galleryd: \(error)")
            throw ExitCode.failure
        }
        display.finish()
        await stages.shutdown()
        stores.close()
        print(summary.report())
    }
}

extension IngestSummary {
    /// The summary `galleryd ingest` prints.
    func report() -> String {
        var lines = [
            "ingested: \(ingested.count), unchanged: \(unchanged), quarantined: \(quarantined.count), "
                + "removed: \(removed.count)" + (updated.isEmpty ? "" : ", texts updated: \(updated.count)")
                + (failed.isEmpty ? "" : ", failed: \(failed.count)")
        ]
        if !quarantined.isEmpty {
            lines.append("quarantined:")
            for entry in quarantined.sorted(by: { $0.path < $1.path }) {
                lines.append("  \(printable(entry.path)): \(entry.reason.message) [\(entry.reason.code)]")
            }
        }
        if !failed.isEmpty {
            lines.append("failed (will be retried):")
            for entry in failed { lines.append("  \(printable(entry.path)): \(entry.message)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// A path safe to print on one line: control characters (a newline in a file name) escaped.
func printable(_ path: String) -> String {
    guard path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return path }
    return String(path.debugDescription.dropFirst().dropLast())
}

/// A progress line on a terminal (``ProgressLine``: done/total, rate, time left); one plain
/// line per file otherwise (logs, pipes, CI).
final class ProgressDisplay: Sendable {
    let line = ProgressLine(unit: "files")

    /// While the reconcile scan runs, the total is not known yet.
    func scanning() {
        line.status("scanning the media folder (the total is known once the scan is done) …")
    }

    func show(_ progress: IngestProgress) {
        if line.isTerminal {
            line.update(done: progress.done, total: progress.total, detail: printable(progress.path))
        } else if let word = progress.outcome.word {
            print("\(word) \(printable(progress.path))")
        }
    }

    func finish() { line.finish() }
}

extension IngestOutcome {
    var word: String? {
        switch self {
        case .ingested: "ingested"
        case .unchanged: "unchanged"
        case .updated: "updated"
        case .deferred: "deferred"
        case .quarantined: "quarantined"
        case .removed: "removed"
        case .failed: "failed"
        case .ignored: nil
        }
    }
}
