import ArgumentParser
import Configuration
import Foundation
import Logging

/// Options every subcommand takes, so that all of them work on the same catalog.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (default: $GALLERYD_CONFIG, else config/galleryd.yaml).")
    var config: String?

    @Option(name: .long, help: "Media folder: one sub-folder per gallery (read-only to galleryd).")
    var media: String?

    @Option(name: .long, help: "Data folder: catalog and renditions.")
    var data: String?

    var flags: [AbsoluteConfigKey: ConfigValue] {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        if let media { flags["media"] = .init(.string(media), isSecret: false) }
        if let data { flags["data"] = .init(.string(data), isSecret: false) }
        return flags
    }

    /// Loads the configuration with these flags (and `extra` ones) on top; a bad
    /// configuration ends the command with a clear message and exit status 1.
    func load(extra: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> GallerydConfiguration {
        do {
            return try await GallerydConfiguration.load(file: config, flags: flags.merging(extra) { _, new in new })
        } catch {
            printError("galleryd: \(error)")
            throw ExitCode.failure
        }
    }
}

func printError(_ message: String) {
    try? FileHandle.standardError.write(contentsOf: Data((message + "\n").utf8))
}

/// Logs go to standard error as `key=value` lines; systemd's journal stores them.
func bootstrapLogging(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = EscapingLogHandler(StreamLogHandler.standardError(label: label))
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: "galleryd")
    logger.logLevel = level
    return logger
}
