public import ArgumentParser
import Catalog
import Foundation
import GalleryCore
import Logging
import SQLiteCatalog

/// `galleryd admin …`: administration from the shell, on the same catalog as `serve`.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer galleryd (tokens).", subcommands: [TokenCommand.self])
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke admin API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once, alone on the last line, and stored only as a hash.")

        @OptionGroup var common: CommonOptions

        @Option(help: "Who or what uses the token; it appears in the audit trail.")
        var name: String

        @Option(help: "editor (read, correct asset texts) or admin (everything).")
        var scope: AdminScope = .editor

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
                throw ValidationError("--name must be 1 to 100 characters")
            }
        }

        func run() async throws {
            let catalog = try await CatalogStores.open(common).adminTokens
            let token = try await catalog.createToken(name: name, scope: scope)
            printError("token for \"\(name)\" (scope \(scope.rawValue)); it will not be shown again:")
            print(token.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let catalog = try await CatalogStores.open(common).adminTokens
            for token in try await catalog.tokens() {
                let state = token.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                let used = token.lastUsedAt.map { "last used \($0.formatted(.iso8601))" } ?? "never used"
                print("\(token.id)  \(token.scope.rawValue)  \(token.name)  \(state), \(used)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke tokens by name or id.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The token's name or id.")
        var token: String

        func run() async throws {
            let catalog = try await CatalogStores.open(common).adminTokens
            let count = try await catalog.revokeToken(token)
            guard count > 0 else {
                printError("galleryd: no active token named \"\(token)\"")
                throw ExitCode.failure
            }
            print("revoked \(count) token(s)")
        }
    }
}

extension AdminScope: ExpressibleByArgument {}

/// Opens the SQLite catalog of a configuration, creating its folder if needed.
func openSQLiteCatalog(_ configuration: GallerydConfiguration, logger: Logger) throws -> SQLiteStore {
    do {
        try FileManager.default.createDirectory(
            atPath: (configuration.catalogPath as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        return try SQLiteStore(
            path: configuration.catalogPath, logger: logger, consentLog: configuration.consentLogOptions)
    } catch {
        printError("galleryd: cannot open the catalog at \(configuration.catalogPath): \(error)")
        throw ExitCode.failure
    }
}
