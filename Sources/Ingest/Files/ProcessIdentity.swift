import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A process on a machine, as job leases and temp file names name their writer:
/// `<host>:<boot>:<pid>` (lease owners add a random part). The boot ID
/// (`/proc/sys/kernel/random/boot_id`, first 8 hex digits) tells whether a writer of this
/// host ran before the machine last started, when its PID may now belong to another
/// process. Host names contain no `:` or `+` (RFC 1123), so both separate fields.
struct ProcessIdentity: Equatable, Sendable {
    var host: String
    /// Empty: not known (a name written by an earlier galleryd, or no /proc).
    var boot: String
    var pid: pid_t

    /// This process.
    static let current = ProcessIdentity(
        host: ProcessInfo.processInfo.hostName, boot: Self.bootID(), pid: getpid())

    /// Whether the process still runs, as far as this machine can tell.
    enum Liveness: Equatable {
        case running
        case ended
        /// A process of another machine: it cannot be asked.
        case unknown
    }

    var liveness: Liveness {
        let here = Self.current
        guard host == here.host else { return .unknown }
        if !boot.isEmpty, !here.boot.isEmpty, boot != here.boot { return .ended }
        return kill(pid, 0) == 0 || errno == EPERM ? .running : .ended
    }

    /// The fields in their order, joined: `host:boot:pid` in lease owners, `host+boot+pid`
    /// in temp file names.
    func joined(by separator: String) -> String {
        [host, boot, String(pid)].joined(separator: separator)
    }

    /// `host:boot:pid`, or the older `host:pid` (no boot ID).
    init?(fields: [Substring]) {
        switch fields.count {
        case 3:
            guard let pid = pid_t(fields[2]) else { return nil }
            self.init(host: String(fields[0]), boot: String(fields[1]), pid: pid)
        case 2:
            guard let pid = pid_t(fields[1]) else { return nil }
            self.init(host: String(fields[0]), boot: "", pid: pid)
        default:
            return nil
        }
    }

    init(host: String, boot: String, pid: pid_t) {
        self.host = host
        self.boot = boot
        self.pid = pid
    }

    static func bootID() -> String {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else {
            return ""
        }
        return String(text.filter(\.isHexDigit).prefix(8))
    }
}
