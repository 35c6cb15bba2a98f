import Catalog
import GalleryCore
import Ingest
import Logging

/// Writes a signed checkpoint of the consent log every `interval` when there were new
/// events, and one more on shutdown. (Every `consent.checkpointEvents` events the catalog
/// writes one itself, and pruning writes one in the same transaction.)
struct ConsentCheckpoints {
    let consentLog: any ConsentLog
    let logger: Logger

    /// The service: a ``PeriodicTask`` whose last round runs once shutdown began.
    static func service(consentLog: any ConsentLog, interval: Duration, logger: Logger) -> PeriodicTask {
        let checkpoints = ConsentCheckpoints(consentLog: consentLog, logger: logger)
        return PeriodicTask(
            "consent checkpoint", every: interval, startsAtOnce: false, logger: logger,
            round: { await checkpoints.write(reason: "interval") },
            finalRound: { await checkpoints.write(reason: "shutdown") })
    }

    func write(reason: String) async {
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
            keyFile: consent.logKeyFile, checkpointEvents: consent.checkpointEvents,
            checkpointInterval: consent.checkpointInterval.seconds, dataDirectory: dataDirectory)
    }
}
