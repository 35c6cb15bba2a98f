import Catalog
import Foundation
import GalleryCore
import Hummingbird

/// Admin routes for consent settings, the consent log and gallery embeds (admin scope).
struct AdminConsentRoutes {
    let stores: ServerStores
    let keeper: ConsentKeeper
    let actions: AdminActions
    let throttle: AdminAuthenticationThrottle

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
        let admin = router.group("/api/v1/admin").add(
            middleware: AdminAuthenticationMiddleware(catalog: stores.tokens, throttle: throttle))
        admin.get("/consent/settings") { _, context in
            _ = try context.requireScope(.admin)
            return try JSONBody(try await keeper.settings()).response(cacheControl: "no-store")
        }
        admin.put("/consent/settings") { request, context in
            let actor = try context.requireScope(.admin)
            let settings = try await Self.settings(from: request)
            try await stores.consent.saveConsentSettings(settings, previous: try await keeper.settings(), actor: actor)
            return try JSONBody(settings).response(cacheControl: "no-store")
        }
        admin.get("/consent/events") { request, context in
            _ = try context.requireScope(.admin)
            let since = try AdminQuery.since(request)
            let format = try AdminQuery.oneOf("format", ["json", "csv"], in: request) ?? "json"
            let events = try await stores.consent.consentEvents(since: since, limit: nil)
            if format == "csv" {
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
            let embeds = try await stores.galleries.embeds(galleryFolder: gallery.folder).map(EmbedView.init)
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
                let embed = try await stores.galleries.embed(id: String(id)), embed.galleryFolder == gallery.folder,
                try await stores.galleries.removeEmbed(id: String(id), actor: actor)
            else { throw ProblemDetails(.notFound, detail: "the gallery has no such embed") }
            return Response(status: .noContent)
        }
    }

    private func gallery(_ context: GalleryRequestContext) async throws -> GalleryRecord {
        let slug = try context.parameters.require("slug")
        guard let view = try await stores.admin.adminGallery(slug: slug) else {
            throw ProblemDetails(.notFound, detail: "there is no gallery \"\(slug)\"")
        }
        return view.gallery
    }

    /// Strictly validated consent settings from a PUT body.
    static func settings(from request: Request) async throws -> ConsentSettings {
        let body = try await JSONRequest(
            request, allowedFields: ["policyVersion", "lifetimeDays", "services"], maximumBodySize: 512 * 1024)
        let version = try body.requiredString("policyVersion", maximumLength: 100)
        guard !version.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
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

/// Query parameters of the admin API, read strictly: a value that is present but invalid is
/// a 400 problem naming the parameter, never silently ignored.
enum AdminQuery {
    /// `since`: absent → `nil`, else an RFC 3339 (ISO 8601) date-time.
    static func since(_ request: Request) throws -> Date? {
        guard let text = request.uri.queryParameters.get("since") else { return nil }
        guard let date = RFC3339.date(from: String(text)) else {
            throw ProblemDetails(
                .badRequest,
                detail: "parameter \"since\" must be an ISO 8601 date-time such as 2026-11-24T10:00:00Z",
                extensions: ["field": "since"])
        }
        return date
    }

    /// A parameter with a fixed set of values: absent → `nil`, else one of `values`.
    static func oneOf(_ name: String, _ values: [String], in request: Request) throws -> String? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard values.contains(String(text)) else {
            throw ProblemDetails(
                .badRequest,
                detail: "parameter \"\(name)\" must be one of \(values.joined(separator: ", "))",
                extensions: ["field": name])
        }
        return String(text)
    }
}

/// RFC 3339 date-times (the OpenAPI `date-time` format): `2026-11-24T10:00:00Z`, with an
/// optional fraction and a `Z` or `±hh:mm` offset. Foundation's ISO 8601 parser is more
/// lenient (it rolls 2026-02-30 over into March), so the fields are checked here.
enum RFC3339 {
    static func date(from text: String) -> Date? {
        let pattern =
            /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$/
        guard let match = text.wholeMatch(of: pattern),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
            let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6),
            (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        var offset = 0
        if let sign = match.9, let hours = match.10.flatMap({ Int($0) }), let minutes = match.11.flatMap({ Int($0) }) {
            guard (0...23).contains(hours), (0...59).contains(minutes) else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: 0)
        guard let start = calendar.date(from: components) else { return nil }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        return start.addingTimeInterval(TimeInterval(second - offset) + fraction)
    }
}
