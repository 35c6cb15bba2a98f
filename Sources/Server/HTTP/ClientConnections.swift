import NIOCore
import Synchronization

/// Open connections per client address (`http.maxConnectionsPerClient`), so that one client
/// cannot take every slot of `http.maxConnections`: a client at its cap that opens another
/// connection loses its oldest idle one (no request under way); if none of its connections
/// is idle, the new one is closed at once. Connections from trusted proxies are not counted
/// per address (they carry many visitors).
final class ClientConnections: Sendable {
    /// Whether a connection has a request under way; written on its event loop, read here.
    final class Activity: Sendable {
        private let busy = Atomic<Bool>(false)
        var isIdle: Bool { !busy.load(ordering: .relaxed) }
        func set(busy value: Bool) { busy.store(value, ordering: .relaxed) }
    }

    private struct Entry {
        var channel: any Channel
        var activity: Activity
    }

    let limit: Int
    private let exempt: @Sendable (String) -> Bool
    private let clients = Mutex<[String: [Entry]]>([:])

    init(limit: Int, exempt: @escaping @Sendable (String) -> Bool) {
        self.limit = max(1, limit)
        self.exempt = exempt
    }

    /// Counts a new connection; false when it is to be closed at once. The address it was
    /// counted under is kept by the caller for ``remove(_:address:)``: a closed channel no
    /// longer tells its peer's address, and an entry not removed would keep its channel.
    func admit(_ channel: any Channel, activity: Activity) -> (admitted: Bool, address: String?) {
        guard let address = channel.remoteAddress?.ipAddress, !exempt(address) else { return (true, nil) }
        let (admitted, evicted) = clients.withLock { clients -> (Bool, (any Channel)?) in
            var entries = clients[address, default: []]
            var evicted: (any Channel)?
            if entries.count >= limit {
                // Oldest first: the list is in the order the connections came.
                guard let oldestIdle = entries.firstIndex(where: { $0.activity.isIdle }) else { return (false, nil) }
                evicted = entries.remove(at: oldestIdle).channel
            }
            entries.append(Entry(channel: channel, activity: activity))
            clients[address] = entries
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        return (admitted, admitted ? address : nil)
    }

    /// Forgets a connection that closed, counted under `address`.
    func remove(_ channel: any Channel, address: String) {
        clients.withLock { clients in
            clients[address]?.removeAll { $0.channel === channel }
            if clients[address]?.isEmpty == true { clients[address] = nil }
        }
    }

    /// Connections counted for `address`.
    func count(for address: String) -> Int {
        clients.withLock { $0[address]?.count ?? 0 }
    }
}
