import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Pets the systemd watchdog while running; says STOPPING=1 when shutdown begins, and from
/// then on holds the process's deadline.
struct SystemdLifecycle: Service {
    let notifier: SystemdNotifier
    let logger: Logger
    /// How long a shutdown may take in all: the service group's 10 s of graceful shutdown
    /// and most of its 3 s of cancellation. Past it the process ends at once, saying so —
    /// rather than through the group's fatal error, whose backtrace (symbolicated by the
    /// Swift runtime) took longer than systemd's 15 s on this machine's debug build, once in
    /// a CI run of Tests/System/fault.
    static let shutdownDeadline: Duration = .milliseconds(12_500)

    func run() async throws {
        if let interval = notifier.watchdogInterval {
            do {
                try await cancelWhenGracefulShutdown {
                    while true {
                        notifier.notify("WATCHDOG=1")
                        try await Task.sleep(for: interval)
                    }
                }
            } catch is CancellationError {}
        } else {
            try? await gracefulShutdown()
        }
        notifier.notify("STOPPING=1")
        Self.endProcess(after: Self.shutdownDeadline, logger: logger)
    }

    /// A plain thread, not a task: it must run even if every task is stuck.
    static func endProcess(after deadline: Duration, logger: Logger) {
        let thread = Thread {
            Thread.sleep(
                forTimeInterval: Double(deadline.components.seconds) + Double(deadline.components.attoseconds) / 1e18)
            logger.critical(
                "shutdown did not finish in time; ending the process",
                metadata: ["deadline": "\(deadline)"])
            _exit(70)  // EX_SOFTWARE
        }
        thread.start()
    }
}
