public import Catalog
public import Foundation
public import GalleryCore
import Hummingbird

/// What the admin API needs from the ingest side when something changed: the executable
/// wires these to the ingest stages and the job queue.
public struct AdminActions: Sendable {
    /// Binds an asset's texts again now (and renders it again if its credit changed).
    public var refreshAsset: @Sendable (_ path: String) async -> Void
    /// Binds every asset of a gallery folder again (in the background).
    public var refreshGallery: @Sendable (_ folder: String) async -> Void
    /// Tries a file again (after its quarantine entry was released).
    public var retryFile: @Sendable (_ path: String) async -> Void
    /// Attaches an embed to a gallery folder (fetching or storing its preview); throws
    /// ``EmbedRequestRejected`` for a URL that is not the service's.
    public var attachEmbed: @Sendable (EmbedAttachment) async throws -> EmbedRecord

    public init(
        refreshAsset: @escaping @Sendable (String) async -> Void,
        refreshGallery: @escaping @Sendable (String) async -> Void,
        retryFile: @escaping @Sendable (String) async -> Void,
        attachEmbed: @escaping @Sendable (EmbedAttachment) async throws -> EmbedRecord = { _ in
            throw EmbedRequestRejected(field: "service", message: "embeds cannot be attached here")
        }
    ) {
        self.refreshAsset = refreshAsset
        self.refreshGallery = refreshGallery
        self.retryFile = retryFile
        self.attachEmbed = attachEmbed
    }

    /// No ingest side (tests of the HTTP layer alone).
    public static let none = AdminActions(refreshAsset: { _ in }, refreshGallery: { _ in }, retryFile: { _ in })
}

/// An admin's request to attach an embed to a gallery.
public struct EmbedAttachment: Sendable {
    public var galleryFolder: String
    public var service: String
    public var url: String
    public var kind: EmbedKind?
    public var title: String?
    /// An uploaded preview image instead of fetching one.
    public var preview: Data?
    public var actor: String
}

/// The admin API: assets, galleries, quarantine, audit (API.md "Admin API").
struct AdminRoutes {
    let stores: ServerStores
    let actions: AdminActions
    let throttle: AdminAuthenticationThrottle
    let clock: PublicationClock
    /// The renditions of any photo, public or not, for the admin page (no-store).
    let renditions: RenditionRoutes
    static let maximumTextLength = TextNormalizer.maximumLength

    func register(on router: Router<GalleryRequestContext>) {
        let admin = router.group("/api/v1/admin").add(
            middleware: AdminAuthenticationMiddleware(catalog: stores.tokens, throttle: throttle))
        admin.get("/galleries") { _, context in
            _ = try context.requireScope(.editor)
            let galleries = try await stores.admin.adminGalleries().map(AdminGalleryDocument.init)
            return try JSONBody(["galleries": galleries]).response(cacheControl: "no-store")
        }
        admin.get("/galleries/:slug") { _, context in
            _ = try context.requireScope(.editor)
            return try JSONBody(AdminGalleryDocument(try await gallery(context))).response(cacheControl: "no-store")
        }
        admin.put("/galleries/:slug") { request, context in
            let actor = try context.requireScope(.admin)
            let slug = try context.parameters.require("slug")
            let patch = try await Self.galleryPatch(request, zone: clock.timeZone)
            guard
                let updated = try await Self.refusingTimes({
                    try await stores.admin.patchGallery(slug: slug, patch, actor: actor)
                })
            else {
                throw ProblemDetails(.notFound, detail: "there is no gallery \"\(slug)\"")
            }
            // A new default credit changes items' credits (and their renditions' EXIF).
            await actions.refreshGallery(updated.folder)
            return try JSONBody(AdminGalleryDocument(try await gallery(context))).response(cacheControl: "no-store")
        }
        admin.get("/assets/:id") { _, context in
            _ = try context.requireScope(.editor)
            return try JSONBody(AdminAssetDocument(try await asset(context))).response(cacheControl: "no-store")
        }
        admin.patch("/assets/:id") { request, context in
            let actor = try context.requireScope(.editor)
            let id = try assetID(context)
            let patch = try await Self.assetPatch(request, context: context, zone: clock.timeZone)
            guard
                let updated = try await Self.refusingTimes({
                    try await stores.admin.patchAsset(id: id, patch, actor: actor)
                })
            else {
                throw ProblemDetails(.notFound, detail: "there is no asset \(id.value)")
            }
            await actions.refreshAsset(updated.path)
            return try JSONBody(AdminAssetDocument(try await asset(context))).response(cacheControl: "no-store")
        }
        admin.post("/assets/:id/erase") { request, context in
            let actor = try context.requireScope(.admin)
            let id = try assetID(context)
            let body = try await JSONRequest(request, allowedFields: ["reason"])
            let reason = try Self.reason(body)
            guard let tombstone = try await stores.admin.erase(id: id, reason: reason, actor: actor, now: clock.now())
            else { throw ProblemDetails(.notFound, detail: "there is no asset \(id.value)") }
            // Every folder of these bytes, whatever variant: nothing of the photo stays served.
            try? FileManager.default.removeItem(atPath: renditions.renditionsRoot + "/" + tombstone.sourceHash)
            return try JSONBody(ErasureDocument(tombstone)).response(cacheControl: "no-store")
        }
        admin.get("/erasures") { _, context in
            _ = try context.requireScope(.admin)
            return try JSONBody(["erasures": try await stores.admin.erasures().map(ErasureDocument.init)])
                .response(cacheControl: "no-store")
        }
        admin.post("/erasures/:sha256/lift") { request, context in
            let actor = try context.requireScope(.admin)
            let hash = try context.parameters.require("sha256")
            let body = try await JSONRequest(request, allowedFields: ["reason"])
            let reason = try Self.reason(body)
            guard
                let lifted = try await stores.admin.liftErasure(
                    sourceHash: hash, reason: reason, actor: actor, now: clock.now())
            else { throw ProblemDetails(.notFound, detail: "there is no erasure of \(hash)") }
            await actions.retryFile(lifted.path)
            return Response(status: .noContent)
        }
        admin.get("/schedule") { _, context in
            _ = try context.requireScope(.editor)
            return try JSONBody(ScheduleDocument(try await stores.admin.adminGalleries()))
                .response(cacheControl: "no-store")
        }
        renditions.register(on: admin, path: "/renditions/**")
        admin.get("/quarantine") { _, context in
            _ = try context.requireScope(.admin)
            return try JSONBody(QuarantineDocument(quarantine: try await stores.admin.quarantined()))
                .response(cacheControl: "no-store")
        }
        admin.post("/quarantine/retry") { request, context in
            let actor = try context.requireScope(.admin)
            let body = try await JSONRequest(request, allowedFields: ["path"])
            let path = try body.requiredString("path", maximumLength: 4096)
            guard try await stores.admin.releaseFromQuarantine(path: path, actor: actor) else {
                throw ProblemDetails(.notFound, detail: "\"\(path)\" is not in quarantine")
            }
            await actions.retryFile(path)
            return Response(status: .accepted)
        }
        admin.get("/audit") { request, context in
            _ = try context.requireScope(.admin)
            let since = try AdminQuery.since(request)
            let limit = try Self.limit(request, default: 200, maximum: 10_000)
            return try JSONBody(AuditDocument(entries: try await stores.audit.audit(since: since, limit: limit)))
                .response(cacheControl: "no-store")
        }
    }

    private func assetID(_ context: GalleryRequestContext) throws -> AssetID {
        let raw = try context.parameters.require("id")
        guard let id = AssetID(validating: raw) else {
            throw ProblemDetails(.notFound, detail: "there is no asset \(raw)")
        }
        return id
    }

    private func asset(_ context: GalleryRequestContext) async throws -> AdminAssetView {
        let id = try assetID(context)
        guard let view = try await stores.admin.adminAsset(id: id) else {
            throw ProblemDetails(.notFound, detail: "there is no asset \(id.value)")
        }
        return view
    }

    private func gallery(_ context: GalleryRequestContext) async throws -> AdminGalleryView {
        let slug = try context.parameters.require("slug")
        guard let view = try await stores.admin.adminGallery(slug: slug) else {
            throw ProblemDetails(.notFound, detail: "there is no gallery \"\(slug)\"")
        }
        return view
    }

    /// The scope each field of `PATCH /api/v1/admin/assets/{id}` needs (API.md "Admin API"):
    /// editors correct texts; only admins unpublish.
    static let assetFieldScopes: [String: AdminScope] =
        Dictionary(uniqueKeysWithValues: EditableAssetField.allCases.map { ($0.rawValue, .editor) })
        .merging([
            "hidden": .admin, "usageTerms": .editor, "aiGenerated": .editor, "publishAt": .admin,
            "unpublishAt": .admin, "reason": .editor, "keywords": .editor, "persons": .editor, "location": .editor,
            "event": .editor,
        ]) { $1 }

    /// An erasure's or a lift's `reason`: required, and it must say something once control
    /// characters are dropped and spaces trimmed.
    static func reason(_ body: JSONRequest) throws -> String {
        guard let reason = TextNormalizer.clean(try body.requiredString("reason", maximumLength: 2000)) else {
            throw JSONRequest.invalid("reason", "must say why, in visible text")
        }
        return reason
    }

    /// A store's refusal of a window (`unpublishAt` not after `publishAt`) as a 400 naming the field.
    static func refusingTimes<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PublicationTimeError {
            throw JSONRequest.invalid(error.field, error.message)
        }
    }

    /// `publishAt` / `unpublishAt` of a request: absent (nil), `null` (lift it), or a time.
    static func time(_ body: JSONRequest, _ field: String, zone: TimeZone) throws -> Date?? {
        guard let value = try body.optionalString(field, maximumLength: 64) else { return nil }
        guard let text = value else { return .some(nil) }
        switch PublicationTime.parse(text, field: field, zone: zone) {
        case .success(let date): return .some(date)
        case .failure(let error): throw JSONRequest.invalid(field, error.message)
        }
    }

    static func assetPatch(_ request: Request, context: GalleryRequestContext, zone: TimeZone) async throws
        -> AssetPatch
    {
        let body = try await JSONRequest(request, allowedFields: Set(assetFieldScopes.keys))
        for field in body.object.keys.sorted() {
            guard let needed = assetFieldScopes[field], let admin = context.admin, !admin.scope.allows(needed) else {
                continue
            }
            throw ProblemDetails(
                .forbidden,
                detail:
                    "field \"\(field)\" needs a token with scope \(needed.rawValue); \"\(admin.name)\" has \(admin.scope.rawValue)",
                extensions: ["field": field])
        }
        var patch = AssetPatch()
        for field in EditableAssetField.allCases {
            if let value = try body.optionalString(field.rawValue, maximumLength: maximumTextLength) {
                patch.texts[field] = try Self.checked(field.rawValue, raw: value)
            }
        }
        patch.usageTerms = try body.optionalLanguageAlternative("usageTerms", maximumLength: maximumTextLength)
        patch.aiGenerated = try body.optionalBool("aiGenerated")
        if let hidden = try body.optionalBool("hidden") {
            guard let hidden else { throw JSONRequest.invalid("hidden", "must be true or false") }
            patch.hidden = hidden
        }
        patch.publishAt = try time(body, "publishAt", zone: zone)
        patch.unpublishAt = try time(body, "unpublishAt", zone: zone)
        patch.reason = try body.optionalString("reason", maximumLength: 2000).flatMap { $0 }.flatMap(
            TextNormalizer.clean)
        // An empty list or place removes the override, as `null` does.
        patch.keywords = try body.optionalStringArray("keywords", maximumCount: 200, maximumLength: 200).map(
            NameList.cleaned)
        patch.persons = try body.optionalStringArray("persons", maximumCount: 200, maximumLength: 200).map(
            NameList.cleaned)
        patch.location = try Self.location(body)
        patch.event = try body.optionalString("event", maximumLength: 2000).map { $0.flatMap(TextNormalizer.clean) }
        guard !patch.isEmpty else { throw ProblemDetails(.badRequest, detail: "the request changes nothing") }
        return patch
    }

    /// `location`: absent (nil), `null` (remove the override), or an object of the five
    /// fields (strings of at most 200 characters; a missing field stays unknown).
    static func location(_ body: JSONRequest) throws -> PhotoLocation?? {
        switch body.object["location"] {
        case nil: return nil
        case .null: return .some(nil)
        case .object(let fields):
            var location = PhotoLocation()
            let paths: [String: WritableKeyPath<PhotoLocation, String?>] = [
                "sublocation": \.sublocation, "city": \.city, "region": \.region, "country": \.country,
                "countryCode": \.countryCode,
            ]
            for (name, value) in fields {
                guard let path = paths[name] else {
                    throw JSONRequest.invalid(
                        "location", "has \"\(name)\"; its fields are sublocation, city, region, country, countryCode")
                }
                switch value {
                case .null: continue
                case .string(let text) where text.count <= 200 && !text.unicodeScalars.contains { $0.value == 0 }:
                    location[keyPath: path] = text
                default:
                    throw JSONRequest.invalid("location", "field \(name) must be a string of at most 200 characters")
                }
            }
            if let code = location.countryCode.flatMap(TextNormalizer.clean),
                !(2...3).contains(code.count) || !code.allSatisfy({ $0.isASCII && $0.isLetter })
            {
                throw JSONRequest.invalid("location", "countryCode must be an ISO 3166 code of two or three letters")
            }
            return .some(location.cleaned)
        default: throw JSONRequest.invalid("location", "must be an object or null")
        }
    }

    /// Rights addresses must be http(s) URLs (they become links, JSON-LD and XMP); a
    /// Digital Source Type a URI or a code of the IPTC vocabulary (stored as its URI).
    /// ``checked(_:_:)`` of a value as sent: an address or source type that is not blank but
    /// has nothing left once control characters are dropped is refused, not taken for
    /// "remove the override".
    static func checked(_ field: String, raw: String?) throws -> String? {
        let cleaned = raw.flatMap(TextNormalizer.clean)
        if cleaned == nil, let raw, !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            ["license", "acquireLicensePage", "digitalSourceType"].contains(field)
        {
            _ = try checked(field, raw)
        }
        return try checked(field, cleaned)
    }

    static func checked(_ field: String, _ value: String?) throws -> String? {
        guard let value else { return nil }
        switch field {
        case "license", "acquireLicensePage":
            guard let address = RightsTerms.webAddress(value) else {
                throw JSONRequest.invalid(field, "must be an absolute http or https URL")
            }
            return address
        case "digitalSourceType":
            guard let type = DigitalSourceType(validating: value) else {
                throw JSONRequest.invalid(
                    field, "must be a URI of the IPTC Digital Source Type vocabulary or one of its codes")
            }
            return type.uri
        default: return value
        }
    }

    static func galleryPatch(_ request: Request, zone: TimeZone) async throws -> GalleryPatch {
        let body = try await JSONRequest(
            request,
            allowedFields: [
                "title", "summary", "defaultCredit", "order", "published", "license", "acquireLicensePage",
                "usageTerms", "licensor", "downloads", "publishAt", "unpublishAt",
            ])
        func text(_ field: String) throws -> String?? {
            try body.optionalString(field, maximumLength: 2048).map { try checked(field, raw: $0) }
        }
        var patch = GalleryPatch(
            title: try body.optionalString("title", maximumLength: 500).map { $0.flatMap(TextNormalizer.clean) },
            summary: try body.optionalString("summary", maximumLength: maximumTextLength).map {
                $0.flatMap(TextNormalizer.clean)
            },
            defaultCredit: try body.optionalString("defaultCredit", maximumLength: 500).map {
                $0.flatMap(TextNormalizer.clean)
            },
            order: try body.optionalStringArray("order", maximumCount: 10_000, maximumLength: 1000),
            published: try body.optionalBool("published"), license: try text("license"),
            acquireLicensePage: try text("acquireLicensePage"),
            usageTerms: try body.optionalLanguageAlternative("usageTerms", maximumLength: maximumTextLength),
            licensor: try text("licensor"), downloads: try body.optionalBool("downloads"))
        patch.publishAt = try time(body, "publishAt", zone: zone)
        patch.unpublishAt = try time(body, "unpublishAt", zone: zone)
        return patch
    }

    /// The `limit` query parameter: absent → `default`, else a whole number in 1...maximum
    /// (anything else is a 400 naming the parameter).
    static func limit(_ request: Request, default defaultLimit: Int, maximum: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return defaultLimit }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw ProblemDetails(
                .badRequest, detail: "parameter \"limit\" must be a whole number from 1 to \(maximum)",
                extensions: ["field": "limit"])
        }
        return value
    }
}
