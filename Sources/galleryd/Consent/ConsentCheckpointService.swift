import Catalog
import GalleryCore
import Logging
import ServiceLifecycle

/// Writes a signed checkpoint of the consent log every `interval` when there were new
/// events, and one more on shutdown. (Every `consent.checkpointEvents` events the catalog
/// writes one itself, and pruning writes one in the same transaction.)
struct ConsentCheckpointService: Service {
    let consentLog: any ConsentLog
    let interval: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await checkpoint(reason: "interval")
                }
            }
        } catch is CancellationError {}
        await checkpoint(reason: "shutdown")
    }

    func checkpoint(reason: String) async {
        do {
            try await consentLog.writeConsentCheckpoint(reason: reason)
        } catch let finding as ConsentLogFinding {
            // Never sign a tampered log; `galleryd consent verify` names the same problem.
            logger.critical(
                "consent log tampered, no checkpoint written",
                metadata: ["problem": "\(finding.problem)", "seq": "\(finding.seq.map(String.init) ?? "")"])
        } catch {
            logger.error("consent checkpoint not written", metadata: ["error": "\(error)"])
        }
    }
}

extension GallerydConfiguration {
    var consentLogOptions: ConsentLogOptions {
        ConsentLogOptions(
            keyFile: consentLogKeyFile, checkpointEvents: consentCheckpointEvents,
            checkpointInterval: consentCheckpointInterval.seconds, dataDirectory: dataDirectory)
    }
}
