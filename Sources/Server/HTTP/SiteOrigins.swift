import Foundation
public import HTTPTypes

/// Which origins are the site's own: the origin of `site.publicURL`, and the origin of the
/// page the browser really loaded from this server — the request's own scheme and `Host`
/// (`X-Forwarded-Proto` and `X-Forwarded-Host` only from a trusted proxy) — provided its
/// host is one of the site's names: `site.publicURL`'s host, `site.hosts`, and the loopback
/// names while galleryd is served on loopback. A page of another name that resolves to this
/// server (DNS rebinding) is not the site's, whatever its `Origin` and `Host` say.
///
/// Origins are serialised as RFC 6454, section 6.2 says: lower-case scheme and host, the
/// port only when it is not the scheme's default.
public struct SiteOrigins: Sendable {
    /// The origin of `site.publicURL`; nil when it is not configured (or not http(s)).
    public var configured: String?
    /// Host names (lower case, without port) whose requests speak for the site.
    public var hosts: Set<String>

    /// The names loopback answers to.
    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// - Parameters:
    ///   - publicURL: `site.publicURL`, nil when it is not set.
    ///   - extraHosts: `site.hosts`.
    ///   - servedOnLoopback: `http.host` is a loopback address, so only this machine reaches it.
    public init(publicURL: String?, extraHosts: [String] = [], servedOnLoopback: Bool) {
        configured = publicURL.flatMap(Self.origin(of:))
        var hosts = Set(extraHosts.compactMap(Self.hostName))
        if let configured, let host = Self.host(ofOrigin: configured) { hosts.insert(host) }
        if servedOnLoopback { hosts.formUnion(Self.loopbackNames) }
        self.hosts = hosts
    }

    /// Whether `http.host` is a loopback address (or name).
    public static func isLoopback(_ address: String) -> Bool {
        let bare = address.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// The origin of the page that sent `request`, as the browser sees it; nil when the
    /// request names no host, or one that is not the site's.
    public func requestOrigin(
        scheme: String?, host: String?, forwardedProto: String?, forwardedHost: String?, viaTrustedProxy: Bool
    ) -> String? {
        let scheme = (viaTrustedProxy ? Self.first(forwardedProto) : nil) ?? scheme ?? "http"
        guard let authority = (viaTrustedProxy ? Self.first(forwardedHost) : nil) ?? host,
            let origin = Self.origin(of: "\(scheme)://\(authority)"),
            let name = Self.host(ofOrigin: origin), hosts.contains(name)
        else { return nil }
        return origin
    }

    /// Whether a request whose `Origin` is `origin`, sent to a page of `requestOrigin`, comes
    /// from the site itself.
    public func accepts(origin: String, requestOrigin: String?) -> Bool {
        guard let origin = Self.origin(of: origin) else { return false }
        return origin == configured || origin == requestOrigin
    }

    /// The serialised origin of a URL; nil for anything but http(s) with a host.
    public static func origin(of text: String) -> String? {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port = components.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? ""
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(port)"
    }

    /// The host of a serialised origin (IPv6 in brackets).
    static func host(ofOrigin origin: String) -> String? {
        guard let rest = origin.split(separator: "://", maxSplits: 1).last else { return nil }
        if rest.hasPrefix("["), let end = rest.firstIndex(of: "]") { return String(rest[...end]) }
        return rest.split(separator: ":").first.map(String.init)
    }

    /// A configured host name, lower case, without port; nil when it is not one.
    static func hostName(_ text: String) -> String? {
        origin(of: "http://" + text.trimmingCharacters(in: .whitespaces)).flatMap(host(ofOrigin:))
    }

    /// The first value of a comma-separated forwarded header (the client-facing hop).
    private static func first(_ value: String?) -> String? {
        value?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
            $0.isEmpty ? nil : $0
        }
    }
}

extension HTTPField.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let xForwardedHost = Self("X-Forwarded-Host")!
}
