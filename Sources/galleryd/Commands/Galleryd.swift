import ArgumentParser

@main
struct Galleryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "galleryd",
        abstract: "Publishes photo galleries from a media folder: renditions, captions, credits, JSON.",
        subcommands: [
            Serve.self, IngestCommand.self, AdminCommand.self, ConsentCommand.self, CatalogCommand.self,
            EraseCommand.self, BackupCommand.self, RestoreCommand.self,
        ])
}
