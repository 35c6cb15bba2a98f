public import Catalog
import Crypto
public import Foundation
public import GalleryCore
public import Logging
public import NIOPosix

/// Why an embed cannot be attached; the admin API answers 400 with this.
public struct EmbedRejection: Error, CustomStringConvertible, Sendable {
    public var field: String
    public var description: String
}

/// Publishes a gallery's embeds: those its sidecar declares (``syncEmbeds(of:settings:)``) and
/// those an admin attaches (``attachEmbed(galleryFolder:service:url:kind:title:uploadedPreview:actor:settings:)``),
/// each checked against the enabled services and given a preview (fetched from the
/// service's listed hosts, or uploaded).
public struct EmbedPublisher: Sendable {
    let catalog: any EmbedStore
    let consentLog: any ConsentLog
    let previews: PreviewFetcher
    let pool: NIOThreadPool
    let logger: Logger

    public init(
        catalog: any EmbedStore, consentLog: any ConsentLog, storage: any RenditionStorage, pool: NIOThreadPool,
        logger: Logger
    ) {
        self.catalog = catalog
        self.consentLog = consentLog
        self.previews = PreviewFetcher(storage: storage)
        self.pool = pool
        self.logger = logger
    }

    /// The consent settings in force (the admin's, else the configured ones).
    public func consentSettings(_ settings: IngestSettings) async throws -> ConsentSettings {
        try await consentLog.consentSettings(fallback: settings.consentDefaults)
    }

    /// Brings a gallery's sidecar-declared embeds into the catalog: new ones are validated
    /// and get their preview fetched once; ones the sidecar dropped are removed.
    func syncEmbeds(of gallery: GalleryRecord, settings: IngestSettings) async throws {
        let declared = gallery.sidecar?.embeds ?? []
        let consent = try await consentSettings(settings)
        var keep: Set<String> = []
        for (position, declaration) in declared.enumerated() {
            do {
                let embed = try validate(
                    service: declaration.service, url: declaration.url, kind: declaration.kind,
                    title: declaration.title, folder: gallery.folder, source: .sidecar, position: position,
                    consent: consent)
                keep.insert(embed.id)
                if try await catalog.embed(id: embed.id) == nil {
                    try await catalog.save(
                        await withPreview(embed, consent: consent, uploaded: nil, settings: settings))
                }
            } catch let rejection as EmbedRejection {
                logger.warning(
                    "sidecar embed ignored",
                    metadata: ["folder": "\(gallery.folder)", "url": "\(declaration.url)", "reason": "\(rejection)"])
            }
        }
        try await catalog.removeSidecarEmbeds(galleryFolder: gallery.folder, keeping: keep)
    }

    /// Attaches an embed an admin asked for: the URL must be one of the service's; the
    /// preview is fetched now (or the uploaded one used).
    public func attachEmbed(
        galleryFolder: String, service: String, url: String, kind: EmbedKind?, title: String?, uploadedPreview: Data?,
        actor: String, settings: IngestSettings
    ) async throws -> EmbedRecord {
        let consent = try await consentSettings(settings)
        let existing = try await catalog.embeds(galleryFolder: galleryFolder)
        let embed = try validate(
            service: service, url: url, kind: kind, title: title, folder: galleryFolder, source: .admin,
            position: (existing.map(\.position).max() ?? -1) + 1, consent: consent)
        if let previous = existing.first(where: { $0.id == embed.id }) { return previous }
        let stored = await withPreview(embed, consent: consent, uploaded: uploadedPreview, settings: settings)
        try await catalog.save(stored, actor: actor)
        return stored
    }

    private func validate(
        service serviceID: String, url: String, kind: EmbedKind?, title: String?, folder: String,
        source: EmbedRecord.Source, position: Int, consent: ConsentSettings
    ) throws -> EmbedRecord {
        guard let service = consent.service(serviceID) else {
            throw EmbedRejection(field: "service", description: "\"\(serviceID)\" is not an enabled service")
        }
        guard let externalID = service.externalID(of: url) else {
            throw EmbedRejection(field: "url", description: "this is not a \(service.name) URL galleryd can embed")
        }
        let kind = kind ?? service.kinds.first ?? .post
        guard service.kinds.contains(kind) else {
            throw EmbedRejection(
                field: "kind",
                description: "\(service.name) embeds are \(service.kinds.map(\.rawValue).joined(separator: ", "))")
        }
        let digest = SHA256.hash(data: Array("\(folder)\u{1F}\(url)".utf8)).hexString.prefix(12)
        return EmbedRecord(
            id: "\(service.id)-\(digest)", galleryFolder: folder, service: service.id, url: url,
            externalId: externalID, kind: kind, title: title.flatMap(TextNormalizer.clean), source: source,
            position: position, createdAt: Date())
    }

    private func withPreview(
        _ embed: EmbedRecord, consent: ConsentSettings, uploaded: Data?, settings: IngestSettings
    ) async -> EmbedRecord {
        var embed = embed
        let result: Result<(String, Int, Int), PreviewFetcher.Failure>
        if let uploaded {
            result = await previews.store(uploaded: uploaded, on: pool)
        } else if !settings.fetchPreviews {
            result = .failure(
                .init(description: "fetching previews is switched off (consent.fetchPreviews); upload one"))
        } else if let service = consent.service(embed.service) {
            result = await previews.fetch(embedURL: embed.url, service: service, on: pool)
        } else {
            result = .failure(.init(description: "service disabled"))
        }
        switch result {
        case .success(let (path, width, height)):
            (embed.previewPath, embed.previewWidth, embed.previewHeight, embed.previewError) = (
                path, width, height, nil
            )
        case .failure(let failure):
            embed.previewError = failure.description
            logger.notice("embed preview missing", metadata: ["embed": "\(embed.id)", "reason": "\(failure)"])
        }
        return embed
    }
}
