import Catalog
import Foundation
import GalleryCore
import Hummingbird
import Logging

/// The visitor's own consent (API.md "Consent API"). Nothing is granted by default; a
/// grant is one request and so is a withdrawal; every decision is a chained log entry.
struct ConsentRoutes {
    let keeper: ConsentKeeper

    struct ServiceView: Encodable {
        var id, name, recipient, purpose, privacyPolicy, storage: String
        var hosts: [String]
        var kinds: [EmbedKind]
    }

    struct ServicesView: Encodable {
        var policyVersion, catalogHash, locale: String
        var lifetimeDays: Int
        var services: [ServiceView]
    }

    struct StatusView: Encodable {
        var policyVersion: String
        var consentId: String?
        var scope: ConsentScope?
        var granted: [String]
        var expiresAt: String?
        var reaskRequired: Bool
    }

    struct DecisionView: Encodable {
        var eventId: String
        var consentId: String?
        var scope: ConsentScope
        var granted: [String]
        var denied: [String]
        var policyVersion: String
        var expiresAt: String?
        var onceToken: String?
    }

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/api/v1/consent/services") { request, _ in
            let settings = try await keeper.settings()
            let locale = request.uri.queryParameters.get("locale").map { String($0) } ?? "de"
            guard ["de", "en"].contains(locale) else {
                throw ProblemDetails(
                    .badRequest, detail: "parameter \"locale\" must be de or en", extensions: ["field": "locale"])
            }
            let view = ServicesView(
                policyVersion: settings.policyVersion, catalogHash: settings.catalogHash, locale: locale,
                lifetimeDays: settings.lifetimeDays,
                services: settings.enabledServices.map { service in
                    ServiceView(
                        id: service.id, name: service.name, recipient: service.recipient,
                        purpose: service.purpose.text(for: locale), privacyPolicy: service.privacyPolicy,
                        storage: service.storage.text(for: locale), hosts: service.hosts, kinds: service.kinds)
                })
            return try JSONBody(view).response(to: request, cacheControl: "no-cache")
        }
        router.get("/api/v1/consent") { request, _ in
            let resolved = try await keeper.resolve(request, useOnceToken: false)
            return try JSONBody(status(resolved)).response(cacheControl: "private, no-store")
        }
        // Only the site's own pages may record or withdraw consent (no cross-site forgery).
        let decisions = router.group("/api/v1/consent")
            .add(middleware: SameOriginMiddleware(origins: keeper.options.origins))
        decisions.post { request, context in
            try await limit(request, context)
            return try await grant(request, context)
        }
        decisions.delete { request, context in
            try await limit(request, context)
            return try await withdraw(request, context)
        }
    }

    func status(_ resolved: ResolvedConsent) -> StatusView {
        let permanent = resolved.granted.values.contains { $0.scope == .permanent }
        return StatusView(
            policyVersion: resolved.settings.policyVersion, consentId: resolved.consentId,
            scope: resolved.granted.isEmpty ? nil : (permanent ? .permanent : .once),
            granted: resolved.granted.keys.sorted(),
            expiresAt: resolved.record.flatMap { $0.withdrawnAt == nil ? $0.expiresAt.formatted(.iso8601) : nil },
            reaskRequired: resolved.reaskRequired)
    }

    private func limit(_ request: Request, _ context: GalleryRequestContext) async throws {
        let key = context.clientAddress ?? "unknown"
        let now = keeper.options.now()
        guard await keeper.limiter.allow(key, now: now) else {
            if await keeper.limiter.shouldWarn(key, now: now) {
                context.logger.warning("consent requests rate-limited", metadata: ["client": "\(key)"])
            }
            throw ProblemDetails(
                .tooManyRequests, detail: "too many consent requests from this address; try again in a second",
                headers: [.retryAfter: "1"])
        }
    }

    private func grant(_ request: Request, _ context: GalleryRequestContext) async throws -> Response {
        let body = try await JSONRequest(
            request, allowedFields: ["services", "scope", "policyVersion", "locale"], maximumBodySize: 16 * 1024)
        let settings = try await keeper.settings()
        guard let services = try body.optionalStringArray("services", maximumCount: 50, maximumLength: 100),
            let services
        else { throw JSONRequest.invalid("services", "is required: the services granted ([] to reject all)") }
        if let unknown = services.first(where: { settings.service($0) == nil }) {
            throw JSONRequest.invalid("services", "names \"\(unknown)\", which is not an offered service")
        }
        let scopeText = try body.requiredString("scope", maximumLength: 20)
        guard let scope = ConsentScope(rawValue: scopeText) else {
            throw JSONRequest.invalid("scope", "must be \"once\" or \"permanent\"")
        }
        let version = try body.requiredString("policyVersion", maximumLength: 100)
        guard version == settings.policyVersion else {
            throw ProblemDetails(
                .conflict,
                detail:
                    "the policy changed (now \(settings.policyVersion)); show the visitor the current texts and ask again",
                extensions: ["policyVersion": settings.policyVersion])
        }
        let locale =
            (try body.optionalString("locale", maximumLength: 10) ?? nil)?.lowercased().hasPrefix("en") == true
            ? "en" : "de"
        let now = keeper.options.now()
        let granted = Set(services)
        let decisions = settings.decisions(granting: granted)
        let (browser, ipHash) = await keeper.visitor(request, context: context)
        let expiresAt =
            scope == .permanent
            ? now.addingTimeInterval(settings.lifetime) : now.addingTimeInterval(keeper.options.onceLifetime)
        let consentId =
            scope == .permanent
            ? (keeper.cookieConsentId(request) ?? randomBase64URL(bytes: 16)) : "once-" + randomBase64URL(bytes: 12)
        let record =
            scope == .permanent
            ? ConsentRecord(
                consentId: consentId, granted: granted.sorted(), policyVersion: settings.policyVersion,
                catalogHash: settings.catalogHash, grantedAt: now, expiresAt: expiresAt)
            : nil
        let event = try await keeper.stores.consent.record(
            ConsentEventDraft(
                consentId: consentId, kind: granted.isEmpty ? .deny : .grant, scope: scope, decisions: decisions,
                policyVersion: settings.policyVersion, catalogHash: settings.catalogHash, locale: locale, at: now,
                expiresAt: expiresAt, browser: browser, ipHash: ipHash),
            updating: record)
        var view = DecisionView(
            eventId: event.eventId, consentId: scope == .permanent ? consentId : nil, scope: scope,
            granted: granted.sorted(), denied: decisions.filter { !$0.value }.keys.sorted(),
            policyVersion: settings.policyVersion, expiresAt: expiresAt.formatted(.iso8601))
        var response = try JSONBody(view).response(status: .created, cacheControl: "private, no-store")
        switch scope {
        case .permanent:
            response.setCookie(
                Cookie(
                    name: ConsentOptions.cookieName, value: keeper.cookie.value(for: consentId),
                    maxAge: settings.lifetimeDays * 86_400, path: "/", secure: keeper.options.secureCookies,
                    httpOnly: true,
                    sameSite: .lax))
        case .once:
            let (token, _) = try await keeper.once.issue(
                services: granted, policyVersion: settings.policyVersion, catalogHash: settings.catalogHash, now: now)
            view.onceToken = token
            response = try JSONBody(view).response(status: .created, cacheControl: "private, no-store")
        }
        return response
    }

    private func withdraw(_ request: Request, _ context: GalleryRequestContext) async throws -> Response {
        let service = request.uri.queryParameters.get("service")
        let resolved = try await keeper.resolve(request, useOnceToken: false)
        let settings = resolved.settings
        if let service, settings.service(service) == nil {
            throw ProblemDetails(
                .badRequest, detail: "\"\(service)\" is not an offered service", extensions: ["field": "service"])
        }
        var remaining: [String] = []
        if let id = resolved.consentId, var record = resolved.record, record.withdrawnAt == nil {
            let now = keeper.options.now()
            let withdrawn = service.map { [$0] } ?? record.granted
            remaining = record.granted.filter { !withdrawn.contains($0) }
            record.granted = remaining
            if remaining.isEmpty { record.withdrawnAt = now }
            let (browser, ipHash) = await keeper.visitor(request, context: context)
            try await keeper.stores.consent.record(
                ConsentEventDraft(
                    consentId: id, kind: .withdraw, scope: .permanent,
                    decisions: settings.decisions(granting: Set(remaining)),
                    policyVersion: record.policyVersion, catalogHash: record.catalogHash, locale: "", at: now,
                    expiresAt: record.expiresAt, browser: browser, ipHash: ipHash),
                updating: record)
        }
        var view = status(resolved)
        view.granted = remaining.filter { resolved.granted[$0] != nil }.sorted()
        view.scope = view.granted.isEmpty ? nil : .permanent
        if view.granted.isEmpty { view.expiresAt = nil }
        var response = try JSONBody(view).response(cacheControl: "private, no-store")
        if remaining.isEmpty {
            response.setCookie(
                Cookie(
                    name: ConsentOptions.cookieName, value: "", maxAge: 0, path: "/",
                    secure: keeper.options.secureCookies, httpOnly: true, sameSite: .lax))
        }
        return response
    }
}
