public import ArgumentParser
import Catalog
import Foundation
import GalleryCore
import Server

/// `galleryd erase --asset ID --reason …`: the admin API's erasure from the shell (GDPR
/// Art. 17, KUG §22), on the same catalog as `serve`.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a photo for good: its renditions, download and texts; a tombstone keeps the reason.",
        discussion: """
            The same bytes dropped again are not published until the tombstone is lifted
            (POST /api/v1/admin/erasures/{sha256}/lift). galleryd never writes to the media
            folder: remove the original there, at the path printed.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "The asset's id, as the gallery JSON and the admin API give it.")
    var asset: String

    @Option(help: "Why (a request's reference, a law's article): kept in the tombstone and the audit trail.")
    var reason: String

    @Option(help: "Who erases, for the audit trail.")
    var actor: String = "cli"

    func validate() throws {
        guard AssetID(validating: asset) != nil else { throw ValidationError("--asset is not an asset id") }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, reason.count <= 2000 else {
            throw ValidationError("--reason must be 1 to 2000 characters")
        }
    }

    func run() async throws {
        let configuration = try await common.load()
        let stores = try await CatalogStores.open(common)
        defer { stores.close() }
        guard let id = AssetID(validating: asset),
            let tombstone = try await stores.server.admin.erase(id: id, reason: reason, actor: actor, now: Date())
        else {
            printError("galleryd: there is no asset \(asset)")
            throw ExitCode.failure
        }
        try? FileManager.default.removeItem(atPath: configuration.dataDirectory + "/renditions/" + tombstone.sourceHash)
        print("erased asset \(tombstone.assetId.value) (sha256 \(tombstone.sourceHash)); its renditions are deleted")
        print("the original still lies in the media folder: \(configuration.mediaRoot)/\(tombstone.path)")
        print("remove it there (galleryd never writes to the media folder)")
    }
}
