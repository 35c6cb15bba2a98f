import Configuration
import Ingest
import Logging
import ServiceLifecycle
import UnixSignals

/// On SIGHUP: reads the configuration again and applies what can change while running
/// (limits, renditions, credit, time zone, settle time), then reconciles so that the
/// catalog follows. Folders, address and workers need a restart.
struct ConfigurationReloader: Service {
    let common: CommonOptions
    let extraFlags: [AbsoluteConfigKey: ConfigValue]
    let settings: CurrentIngestSettings
    let reconciler: Reconciler
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let configuration = try await GallerydConfiguration.load(
                    file: common.config, flags: common.flags.merging(extraFlags) { _, new in new })
                settings.reload(configuration.ingestSettings)
                logger.info("configuration reloaded")
                try await reconciler.reconcile()
            } catch {
                logger.error("configuration not reloaded", metadata: ["error": "\(error)"])
            }
        }
    }
}
