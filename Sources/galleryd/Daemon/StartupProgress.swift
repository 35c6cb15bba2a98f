import Synchronization

/// Sends READY=1 once both the HTTP port is bound and the first reconcile has queued its
/// work, in whichever order they happen.
final class StartupProgress: Sendable {
    private let state = Mutex<(bound: Bool, reconciled: Bool, announced: Bool)>((false, false, false))
    let notifier: SystemdNotifier

    init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    func serverBound() { update { $0.bound = true } }
    func reconcileQueued() { update { $0.reconciled = true } }

    private func update(_ change: (inout (bound: Bool, reconciled: Bool, announced: Bool)) -> Void) {
        let announce = state.withLock { state in
            change(&state)
            guard state.bound && state.reconciled && !state.announced else { return false }
            state.announced = true
            return true
        }
        if announce { notifier.notify("READY=1") }
    }
}
