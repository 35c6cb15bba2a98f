import Catalog
import Crypto
import Foundation
import GalleryCore
import Hummingbird

/// `GET /embeds/{id}/frame`: the same-origin page that holds a granted embed's iframe. Its
/// Content-Security-Policy allows frames from exactly that service's hosts, and only when
/// the request carries the consent (a permanent cookie, or a single-use frame grant from a
/// `once` consent). The portal page itself never allows any third-party frame.
struct EmbedFrameRoutes {
    let catalog: any EmbedStore
    let keeper: ConsentKeeper

    static let style =
        "html,body{margin:0;height:100%;overflow:hidden;background:#fff}iframe{border:0;width:100%;height:100%}"
    static let styleHash = "'sha256-" + Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString() + "'"

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/embeds/:id/frame") { request, context in
            let id = try context.parameters.require("id")
            guard let embed = try await catalog.embed(id: id), id.count <= 80 else {
                return Self.page(status: .notFound, body: "<p>Dieser Inhalt existiert nicht.</p>", frameSources: [])
            }
            let consent = try await keeper.resolve(request, useOnceToken: false)
            guard let service = consent.settings.service(embed.service) else {
                return Self.page(status: .notFound, body: "<p>Dieser Dienst ist nicht verfügbar.</p>", frameSources: [])
            }
            var granted = consent.granted[service.id]?.scope == .permanent
            if !granted, let grant = request.uri.queryParameters.get("grant") {
                granted = try await keeper.once.redeemFrame(String(grant), embedId: id, now: keeper.options.now())
            }
            guard granted else {
                return Self.page(
                    status: .forbidden,
                    body: "<p>Für \(HTML.escape(service.name)) liegt keine Einwilligung vor.</p>", frameSources: [])
            }
            let source = service.embedSource(id: embed.externalId, url: embed.url)
            let frame = """
                <iframe src="\(HTML.escape(source))" title="\(HTML.escape(embed.title ?? service.name))" \
                width="\(service.width)" height="\(service.height)" allow="\(HTML.escape(service.allow))" \
                sandbox="\(HTML.escape(service.sandbox))" referrerpolicy="strict-origin-when-cross-origin" \
                loading="lazy" allowfullscreen></iframe>
                """
            // Only the embed's own origin may be framed here, nothing else of the service.
            let origin = URL(string: source).flatMap { url in url.host.map { "https://\($0)" } }
            return Self.page(status: .ok, body: frame, frameSources: origin.map { [$0] } ?? [])
        }
    }

    static func page(status: HTTPResponse.Status, body: String, frameSources: [String]) -> Response {
        let html = """
            <!doctype html><html lang="de"><head><meta charset="utf-8"><title>Eingebetteter Inhalt</title>\
            <meta name="viewport" content="width=device-width,initial-scale=1"><style>\(style)</style></head>\
            <body>\(body)</body></html>
            """
        let frames = frameSources.isEmpty ? "'none'" : frameSources.joined(separator: " ")
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "private, no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src \(styleHash); frame-src \(frames); frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
                .init("Referrer-Policy")!: "strict-origin-when-cross-origin",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// `GET /previews/<sha256>.jpg`: embed previews, stored once, immutable.
struct PreviewRoutes {
    let directory: String
    let files: ImmutableFileCache
    let access: FileAccessCache

    func register(on router: Router<GalleryRequestContext>) {
        let resolvedDirectory = RenditionRoutes.resolve(directory) ?? directory
        router.get("/previews/:file") { request, context in
            let name = try context.parameters.require("file")
            let hash = name.dropLast(4)
            guard name.hasSuffix(".jpg"), hash.count == 64, hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
            else { throw ProblemDetails(.notFound, detail: "no preview at this address") }
            // A preview is public while an embed of a public gallery shows it; one whose
            // embeds are gone (or whose gallery is withdrawn) is gone too, if it existed.
            let keys: [String]
            if let decided = try await access.access(preview: name) {
                keys = try FileAccess.require(decided, "preview")
            } else if FileManager.default.fileExists(atPath: directory + "/" + name) {
                throw ProblemDetails(.gone, detail: "this preview was withdrawn and is no longer published")
            } else {
                throw ProblemDetails(.notFound, detail: "no preview at this address")
            }
            let etag = "\"\(hash.prefix(32))\""
            if EntityTag.matches(request.headers[.ifNoneMatch], etag) {
                return EntityTag.notModified(etag: etag, cacheControl: RenditionRoutes.cacheControl)
            }
            let bytes = await files.bytes(at: directory + "/" + name) { path in
                RenditionRoutes.resolve(path)?.hasPrefix(resolvedDirectory + "/") == true
            }
            guard let bytes else { throw ProblemDetails(.notFound, detail: "no preview at this address") }
            var response = try RenditionRoutes.response(
                bytes, request: request, etag: etag, contentType: "image/jpeg",
                cacheControl: RenditionRoutes.cacheControl)
            response.setCacheKeys(keys)
            return response
        }
    }
}
