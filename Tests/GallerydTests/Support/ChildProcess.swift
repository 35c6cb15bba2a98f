import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process printed, and how it ended.
struct ChildProcessResult: Sendable {
    var status: Int32
    var output: String
    var error: String
}

/// Runs programs from async tests without parking a thread. Foundation's `waitUntilExit`
/// spins a run loop and, on Linux under load, can miss the child's end and block a
/// cooperative thread for good (a two-core machine has two); reading one pipe to its end
/// before the other deadlocks once the child fills the other. So output goes to files, and
/// the end is awaited with a deadline, after which the child is killed.
enum ChildProcess {
    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, in directory: URL? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ChildProcessResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-child-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputFile = scratch.appendingPathComponent("stdout")
        let errorFile = scratch.appendingPathComponent("stderr")
        try Data().write(to: outputFile)
        try Data().write(to: errorFile)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let output = try FileHandle(forWritingTo: outputFile)
        let error = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        try spawn(process)
        try output.close()
        try error.close()

        guard await hasEnded(process, within: timeout) else {
            kill(process.processIdentifier, SIGKILL)
            throw TimeoutError(
                description: """
                    `\(executable.lastPathComponent) \(arguments.joined(separator: " "))` did not end within \(timeout)
                    stdout: \(text(of: outputFile))
                    stderr: \(text(of: errorFile))
                    """)
        }
        return ChildProcessResult(
            status: process.terminationStatus, output: text(of: outputFile), error: text(of: errorFile))
    }

    /// Starts `process`, one at a time. Foundation notices a child's end when the child's
    /// end of a socket pair closes; a child spawned at the same moment from another thread can
    /// inherit that socket and keep a finished child "running" for as long as it lives.
    static func spawn(_ process: Process) throws {
        try spawning.withLock { try process.run() }
    }

    private static let spawning = NSLock()

    /// Whether `process` ended within `timeout` (and before the test was cancelled); polls,
    /// so no thread waits on a run loop.
    static func hasEnded(_ process: Process, within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    private static func text(of file: URL) -> String {
        String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
    }
}
