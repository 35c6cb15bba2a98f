import Foundation
import Server

/// `http.*`: where and how galleryd listens.
struct HTTPConfiguration: Sendable {
    var host: String
    var port: Int
    /// Reverse proxies whose `X-Forwarded-For` names the visitor.
    var trustedProxies: [AddressRange]
    var timeouts: ConnectionTimeouts
    var maxConnections: Int
    var maxConnectionsPerClient: Int
    var adminAuthenticationBurst: Int
    var galleryCacheBytes: Int

    /// Defaults are ``ServerSettings``'s: said once, by the type that uses them.
    init(config: ConfigScope) throws {
        let defaults = ServerSettings(dataDirectory: "")
        host = config.string("host", default: defaults.host)
        port = try config.int("port", default: defaults.port, in: 0...65535)
        // `GALLERYD_HTTP_TRUSTED_PROXIES="10.0.0.1, ::1"` and an empty variable both work.
        let entries = config.strings("trustedProxies").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        trustedProxies = try entries.map { entry in
            guard let range = AddressRange(entry) else {
                throw ConfigurationError(
                    description:
                        "\(config.name("trustedProxies")): \(entry) is not an address or network (e.g. 10.0.0.0/8)")
            }
            return range
        }
        timeouts = ConnectionTimeouts(
            idle: try config.seconds("idleTimeoutSeconds", default: defaults.timeouts.idle, in: 0.1...86_400),
            header: try config.seconds("headerTimeoutSeconds", default: defaults.timeouts.header, in: 0.1...86_400))
        maxConnections = try config.int("maxConnections", default: defaults.maxConnections, in: 1...1_000_000)
        maxConnectionsPerClient = try config.int(
            "maxConnectionsPerClient", default: defaults.maxConnectionsPerClient, in: 1...1_000_000)
        adminAuthenticationBurst = try config.int(
            "adminAuthenticationBurst", default: defaults.adminAuthenticationBurst, in: 1...1_000_000)
        galleryCacheBytes =
            try config.int("galleryCacheMegabytes", default: defaults.galleryCacheBytes >> 20, in: 1...65_536) << 20
    }
}
