import Catalog
import Foundation
import GalleryCore
import Hummingbird

/// Admin routes for consent settings, the consent log and gallery embeds (admin scope).
struct AdminConsentRoutes {
    let catalog: Catalog
    let keeper: ConsentKeeper
    let actions: AdminActions

    struct EmbedView: Encodable {
        var id, service, url: String
        var kind: EmbedKind
        var title: String?
        var source: String
        var preview: PreviewImage?
        var previewError: String?

        init(_ record: EmbedRecord) {
            id = record.id
            service = record.service
            url = record.url
            kind = record.kind
            title = record.title
            source = record.source.rawValue
            preview = record.previewPath.map {
                PreviewImage(url: "/previews/\($0)", width: record.previewWidth ?? 0, height: record.previewHeight ?? 0)
            }
            previewError = record.previewError
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(service, forKey: .service)
            try container.encode(url, forKey: .url)
            try container.encode(kind, forKey: .kind)
            try container.encode(title, forKey: .title)
            try container.encode(source, forKey: .source)
            try container.encode(preview, forKey: .preview)
            try container.encode(previewError, forKey: .previewError)
        }

        enum CodingKeys: String, CodingKey { case id, service, url, kind, title, source, preview, previewError }
    }

    func register(on router: Router<GalleryRequestContext>) {
        let admin = router.group("/api/v1/admin").add(middleware: AdminAuthenticationMiddleware(catalog: catalog))
        admin.get("/consent/settings") { _, context in
            _ = try context.requireScope(.admin)
            return try JSONBody(try await keeper.settings()).response(cacheControl: "no-store")
        }
        admin.put("/consent/settings") { request, context in
            let actor = try context.requireScope(.admin)
            let settings = try await Self.settings(from: request)
            try await catalog.saveConsentSettings(settings, previous: try await keeper.settings(), actor: actor)
            return try JSONBody(settings).response(cacheControl: "no-store")
        }
        admin.get("/consent/events") { request, context in
            _ = try context.requireScope(.admin)
            let since = request.uri.queryParameters.get("since").flatMap { try? Date(String($0), strategy: .iso8601) }
            let events = try await catalog.consentEvents(since: since)
            if request.uri.queryParameters.get("format") == "csv" {
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                        .contentDisposition: "attachment; filename=\"consent-events.csv\"",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: ConsentEventExport.csv(events))))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: try ConsentEventExport.json(events))))
        }
        admin.get("/galleries/:slug/embeds") { _, context in
            _ = try context.requireScope(.admin)
            let gallery = try await gallery(context)
            let embeds = try await catalog.embeds(galleryFolder: gallery.folder).map(EmbedView.init)
            return try JSONBody(["embeds": embeds]).response(cacheControl: "no-store")
        }
        admin.post("/galleries/:slug/embeds") { request, context in
            let actor = try context.requireScope(.admin)
            let gallery = try await gallery(context)
            let body = try await JSONRequest(
                request, allowedFields: ["service", "url", "kind", "title", "preview"],
                maximumBodySize: 12 * 1024 * 1024)
            let service = try body.requiredString("service", maximumLength: 100)
            let url = try body.requiredString("url", maximumLength: 2048)
            let kindText = try body.optionalString("kind", maximumLength: 20) ?? nil
            let kind = try kindText.map { text in
                guard let kind = EmbedKind(rawValue: text) else {
                    throw JSONRequest.invalid("kind", "must be video, post or feed")
                }
                return kind
            }
            let title = try body.optionalString("title", maximumLength: 500) ?? nil
            let preview = try (body.optionalString("preview", maximumLength: 12 * 1024 * 1024) ?? nil).map { text in
                guard let data = Data(base64Encoded: text) else {
                    throw JSONRequest.invalid("preview", "must be a base64-encoded image")
                }
                return data
            }
            do {
                let embed = try await actions.attachEmbed(
                    EmbedAttachment(
                        galleryFolder: gallery.folder, service: service, url: url, kind: kind, title: title,
                        preview: preview, actor: actor))
                return try JSONBody(EmbedView(embed)).response(status: .created, cacheControl: "no-store")
            } catch let rejection as EmbedRequestRejected {
                throw JSONRequest.invalid(rejection.field, rejection.message)
            }
        }
        admin.delete("/galleries/:slug/embeds") { request, context in
            let actor = try context.requireScope(.admin)
            let gallery = try await gallery(context)
            guard let id = request.uri.queryParameters.get("id"),
                let embed = try await catalog.embed(id: String(id)), embed.galleryFolder == gallery.folder,
                try await catalog.removeEmbed(id: String(id), actor: actor)
            else { throw ProblemDetails(.notFound, detail: "the gallery has no such embed") }
            return Response(status: .noContent)
        }
    }

    private func gallery(_ context: GalleryRequestContext) async throws -> GalleryRecord {
        let slug = try context.parameters.require("slug")
        guard let view = try await catalog.adminGallery(slug: slug) else {
            throw ProblemDetails(.notFound, detail: "there is no gallery \"\(slug)\"")
        }
        return view.gallery
    }

    /// Strictly validated consent settings from a PUT body.
    static func settings(from request: Request) async throws -> ConsentSettings {
        let body = try await JSONRequest(
            request, allowedFields: ["policyVersion", "lifetimeDays", "services"], maximumBodySize: 512 * 1024)
        let version = try body.requiredString("policyVersion", maximumLength: 100)
        guard !version.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw JSONRequest.invalid("policyVersion", "must not be empty")
        }
        guard let lifetime = try body.optionalInt("lifetimeDays", range: 1...ConsentSettings.maximumLifetimeDays) else {
            throw JSONRequest.invalid("lifetimeDays", "is required (1 to \(ConsentSettings.maximumLifetimeDays))")
        }
        guard case .array(let values)? = body.object["services"] else {
            throw JSONRequest.invalid("services", "is required: an array of services")
        }
        let encoded = try JSONEncoder().encode(values)
        let services: [ConsentService]
        do {
            services = try JSONDecoder().decode([ConsentService].self, from: encoded)
        } catch {
            throw JSONRequest.invalid("services", "has an invalid entry: \(error)")
        }
        var seen: Set<String> = []
        for service in services {
            let field = "services"
            guard service.id.count <= 40, !service.id.isEmpty,
                service.id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
                seen.insert(service.id).inserted
            else { throw JSONRequest.invalid(field, "has a missing, invalid or repeated id \"\(service.id)\"") }
            guard service.embed.hasPrefix("https://"), service.privacyPolicy.hasPrefix("https://") else {
                throw JSONRequest.invalid(field, "\(service.id): embed and privacyPolicy must be https URLs")
            }
            guard !service.hosts.isEmpty, !service.urlPatterns.isEmpty else {
                throw JSONRequest.invalid(field, "\(service.id): hosts and urlPatterns must not be empty")
            }
            for pattern in service.urlPatterns {
                guard pattern.contains("(?<id>"), (try? NSRegularExpression(pattern: pattern)) != nil else {
                    throw JSONRequest.invalid(
                        field, "\(service.id): pattern \(pattern) is not a regular expression with an id group")
                }
            }
            for text in [
                service.name, service.recipient, service.purpose.de, service.purpose.en, service.storage.de,
                service.storage.en,
            ]
            where text.isEmpty || text.count > 4000 {
                throw JSONRequest.invalid(field, "\(service.id): names and texts must be 1 to 4000 characters")
            }
        }
        return ConsentSettings(policyVersion: version, lifetimeDays: lifetime, services: services)
    }
}

/// An embed the admin asked for that cannot be attached (wrong service or URL).
public struct EmbedRequestRejected: Error, Sendable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
