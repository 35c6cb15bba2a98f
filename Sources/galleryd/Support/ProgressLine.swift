import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One line on a terminal that says how far long work is: done/total, the rate and the time
/// left (`█████░░░░░ 1,204/5,000 · 38/s · 1:40 left · Galerie/bild.jpg`), redrawn at most ten
/// times a second on standard error. When standard error is no terminal (a log, a pipe,
/// CI) it writes nothing: the command's plain lines are the record there.
final class ProgressLine: Sendable {
    let isTerminal: Bool
    private let unit: String
    private let state = Mutex<(started: ContinuousClock.Instant, drawn: ContinuousClock.Instant?)>((.now, nil))

    /// `unit`: what is counted ("files", "rows").
    init(unit: String, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.unit = unit
        self.isTerminal = isTerminal
    }

    /// Before the total is known: what is being done meanwhile.
    func status(_ text: String) {
        guard isTerminal else { return }
        draw(text)
    }

    /// `done` of `total` done; the rate counts from the first call after ``status(_:)``.
    func update(done: Int, total: Int, detail: String = "") {
        guard isTerminal else { return }
        let now = ContinuousClock.now
        let started: ContinuousClock.Instant? = state.withLock { state in
            if done <= 1 && state.drawn == nil { state.started = now }
            // At most ten redraws a second, and always the last.
            if let drawn = state.drawn, now - drawn < .milliseconds(100), done < total { return nil }
            state.drawn = now
            return state.started
        }
        guard let started else { return }
        draw(Self.line(done: done, total: total, elapsed: now - started, unit: unit, detail: detail))
    }

    /// Clears the line (the summary follows).
    func finish() {
        guard isTerminal else { return }
        write("\r\u{1B}[2K")
    }

    private func draw(_ text: String) {
        write("\r\u{1B}[2K\(text)")
    }

    /// A terminal that went away (the operator's SSH session closed) is no reason to stop
    /// the work: a failed write is dropped (FileHandle's old `write(_:)` would end the
    /// process).
    private func write(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    /// The line itself (no terminal codes), e.g. for 120 of 400 after 12 s:
    /// `█████████░░░░░░░░░░░░░░░░░░░░░ 120/400 files · 10.0/s · 0:28 left`.
    static func line(done: Int, total: Int, elapsed: Duration, unit: String, detail: String = "") -> String {
        let width = 30
        let filled = total <= 0 ? width : min(width, width * done / total)
        var parts = [
            String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                + " \(done)/\(total) \(unit)"
        ]
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if seconds > 0.5, done > 0 {
            let rate = Double(done) / seconds
            parts.append(rate >= 10 ? "\(Int(rate.rounded()))/s" : String(format: "%.1f/s", rate))
            let left = Int((Double(max(0, total - done)) / rate).rounded())
            parts.append(String(format: "%d:%02d left", left / 60, left % 60))
        }
        if !detail.isEmpty { parts.append(String(detail.suffix(40))) }
        return parts.joined(separator: " · ")
    }
}
