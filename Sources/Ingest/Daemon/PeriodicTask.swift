public import Logging
public import ServiceLifecycle

/// Runs a piece of upkeep every `interval` until graceful shutdown. A round that fails is
/// logged and the next one comes as planned: upkeep never ends the process, since what it
/// fails on (a database restarting, a full disk) is transient, and a service that returned
/// would take the whole service group down with it.
public struct PeriodicTask: Service {
    public let name: String
    public let interval: Duration
    /// Whether the first round runs at once (else after one interval).
    public let startsAtOnce: Bool
    let logger: Logger
    let round: @Sendable () async throws -> Void
    /// Run once more after graceful shutdown began (a last checkpoint), if given.
    let finalRound: (@Sendable () async throws -> Void)?

    public init(
        _ name: String, every interval: Duration, startsAtOnce: Bool = true, logger: Logger,
        round: @escaping @Sendable () async throws -> Void,
        finalRound: (@Sendable () async throws -> Void)? = nil
    ) {
        self.name = name
        self.interval = interval
        self.startsAtOnce = startsAtOnce
        self.logger = logger
        self.round = round
        self.finalRound = finalRound
    }

    public func run() async {
        do {
            try await cancelWhenGracefulShutdown {
                if !startsAtOnce { try await Task.sleep(for: interval) }
                while true {
                    do {
                        try await round()
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        logger.error(
                            "periodic task failed; trying again later",
                            metadata: ["task": "\(name)", "error": "\(error)", "in": "\(interval)"])
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch {}
        guard let finalRound else { return }
        do {
            try await finalRound()
        } catch {
            logger.error("periodic task's last round failed", metadata: ["task": "\(name)", "error": "\(error)"])
        }
    }
}
