import Foundation
import Server

/// `cache.*`: what a shared cache in front (Varnish, a CDN) is told and sent.
struct CacheConfiguration: Sendable {
    var sharedCache: SharedCachePolicy
    var purge: CachePurgeSettings

    init(config: ConfigScope) throws {
        let urls = config.strings("purgeURLs")
        for url in urls {
            guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme ?? ""),
                parts.host?.isEmpty == false
            else { throw ConfigurationError(description: "\(config.name("purgeURLs")): \(url) is not an http(s) URL") }
        }
        let defaults = CachePurgeSettings()
        purge = CachePurgeSettings(
            urls: urls, method: config.string("purgeMethod", default: defaults.method),
            header: config.string("purgeHeader", default: defaults.header))
        let tagHeader = config.string("tagHeader", default: "xkey")
        guard tagHeader.isEmpty || SharedCachePolicy.isFieldName(tagHeader) else {
            throw ConfigurationError(
                description: "\(config.name("tagHeader")): \(tagHeader) is not a header field name")
        }
        // A shared cache may keep public answers long only while galleryd purges it.
        let sharedMaxAge = try config.int("sharedMaxAgeSeconds", default: 86_400, in: 0...31_536_000)
        sharedCache = SharedCachePolicy(tagHeader: tagHeader, sharedMaxAge: urls.isEmpty ? nil : sharedMaxAge)
    }
}
