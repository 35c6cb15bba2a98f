import ArgumentParser
import Catalog
import Configuration
import Foundation
import GalleryCore
import Logging

/// `galleryd backup …`: an online backup of the catalog and the consent files that belong to
/// it, and the proof of one.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the catalog and the consent log while galleryd runs; verify a backup.",
        subcommands: [Create.self, Verify.self], defaultSubcommand: Create.self)

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract:
                "Write one consistent snapshot of the catalog (either store, any role) and its consent checkpoints into a new folder. Renditions are not backed up: they are made again from the media folder, which is yours to back up."
        )

        @OptionGroup var common: CommonOptions

        @Option(
            help: "The new backup folder; default: backup.folder/galleryd-<UTC time>, keeping the newest backup.keep.")
        var to: String?

        @Flag(
            help:
                "Also copy the consent chain key, checkpoint signing key and cookie key (into secrets.json, mode 0600). Without them the backup's consent log verifies against the public key only, and a restore needs the keys put in place first."
        )
        var includeSecrets = false

        func run() async throws {
            let configuration = try await common.load()
            var logger = Logger(label: "galleryd")
            logger.logLevel = .error
            let stores = try await CatalogStores.open(configuration, logger: logger)
            defer { stores.close() }
            let destination =
                to.map { GallerydConfiguration.absolute($0) }
                ?? configuration.backup.folder + "/" + CatalogBackup.folderName(at: Date())
            let started = ContinuousClock.now
            let manifest: BackupManifest
            do {
                manifest = try await CatalogBackup(configuration: configuration, stores: stores, logger: logger)
                    .write(to: destination, includeSecrets: includeSecrets)
            } catch let error as BackupError {
                printError("galleryd: backup not written: \(error)")
                throw ExitCode.failure
            } catch let finding as ConsentLogFinding {
                printError("galleryd: consent log broken, backup not written: \(finding.problem)")
                throw ExitCode(2)
            }
            let bytes = manifest.files.values.reduce(0) { $0 + $1.bytes }
            let counts = manifest.counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            print(
                "backed up to \(destination) in \((ContinuousClock.now - started).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))), \(bytes) bytes: \(counts.joined(separator: ", "))\(includeSecrets ? "; secrets included (secrets.json, 0600)" : "; no secrets (see --include-secrets)")"
            )
            if to == nil {
                for removed in try CatalogBackup.prune(configuration.backup.folder, keep: configuration.backup.keep) {
                    print("removed the older backup \(removed) (backup.keep: \(configuration.backup.keep))")
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a backup: every file against its manifest (SHA-256), SQLite's integrity check, and the consent chain inside the copy. Exit 0 only if all hold."
        )

        @Argument(help: "The backup folder.")
        var path: String

        func run() async throws {
            var logger = Logger(label: "galleryd")
            logger.logLevel = .error
            let result: BackupVerification
            do {
                result = try await BackupVerification.run(GallerydConfiguration.absolute(path), logger: logger)
            } catch let error as BackupError {
                printError("galleryd: \(error)")
                throw ExitCode(2)
            }
            for line in result.checked { print(line) }
            guard result.isSound else {
                for problem in result.problems { printError("galleryd: backup broken: \(problem)") }
                throw ExitCode(2)
            }
            print("backup sound: \(path)")
        }
    }
}

/// `galleryd restore`: a backup put back into an empty data folder and catalog.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract:
            "Restore a backup into an empty data folder (and the catalog catalog.url or --catalog-url names: a new SQLite file, or an empty PostgreSQL database)."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "The backup folder (written by galleryd backup).")
    var from: String

    @Option(help: "The catalog to restore into (sqlite:<path> or postgres://…); default: catalog.url.")
    var catalogURL: String?

    func run() async throws {
        var extra: [AbsoluteConfigKey: ConfigValue] = [:]
        if let catalogURL { extra["catalog.url"] = .init(.string(catalogURL), isSecret: false) }
        let configuration = try await common.load(extra: extra)
        var logger = Logger(label: "galleryd")
        logger.logLevel = .error
        do {
            let summary = try await CatalogRestore(configuration: configuration, logger: logger)
                .run(from: GallerydConfiguration.absolute(from))
            let counts = summary.counts.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            print("restored into \(configuration.catalogLocation): \(counts)")
            print(
                "consent log verified: \(summary.consentEvents) events, \(summary.checkpoints) checkpoints; "
                    + (summary.cookieKeyRestored
                        ? "cookie key restored"
                        : "no cookie key in the backup: a new one is made, so visitors are asked for consent again")
            )
            print(
                "renditions are made again from the media folder by the next `galleryd serve` or `galleryd ingest`")
        } catch let error as BackupError {
            printError("galleryd: restore refused: \(error)")
            throw ExitCode.failure
        } catch let error as CatalogTransferError {
            printError("galleryd: restore refused: \(error)")
            throw ExitCode.failure
        }
    }
}
