import Catalog
import Foundation
import GalleryCore
import Ingest
import Server
import Yams

/// `consent.*`: the services offered, how consent is kept and how its log is proven.
struct ConsentConfiguration: Sendable {
    /// The consent service catalog (beside the config file unless configured).
    var servicesFile: String
    var hashAddresses: Bool
    var fetchPreviews: Bool
    var retention: Duration
    /// The services file's settings, in force until an admin saves others.
    var defaults: ConsentSettings
    // Consent log integrity (see Daemon/ConsentCheckpoints.swift).
    var logKeyFile: String?
    /// The consent cookie's signing key; nil: `<data>/secrets/consent-cookie.key`. Web nodes
    /// behind one load balancer share one (a cookie signed by one is read by all).
    var cookieKeyFile: String?
    var checkpointEvents: Int
    var checkpointInterval: Duration

    init(config: ConfigScope, paths: GallerydConfiguration.PathResolver) throws {
        let serverDefaults = ServerSettings(dataDirectory: "")
        // Beside the config file unless configured; only this default may be missing.
        let servicesDefault = paths.fileFolder.map { $0 + "/consent.yaml" } ?? "./config/consent.yaml"
        servicesFile = paths.path("servicesFile", in: config, default: servicesDefault)
        hashAddresses = config.bool("hashAddresses", default: serverDefaults.consent.hashAddresses)
        fetchPreviews = config.bool(
            "fetchPreviews", default: IngestSettings(mediaRoot: "", dataDirectory: "").fetchPreviews)
        retention = .seconds(try config.int("retentionDays", default: 1095, in: 1...36_500) * 86_400)
        defaults = try Self.loadServices(servicesFile, required: config.string("servicesFile") != nil)
        logKeyFile =
            config.string("logKeyFile", default: "").isEmpty ? nil : paths.path("logKeyFile", in: config, default: "")
        cookieKeyFile =
            config.string("cookieKeyFile", default: "").isEmpty
            ? nil : paths.path("cookieKeyFile", in: config, default: "")
        checkpointEvents = try config.int(
            "checkpointEvents", default: ConsentLogOptions().checkpointEvents, in: 1...1_000_000)
        checkpointInterval = .milliseconds(
            Int(try config.double("checkpointMinutes", default: 10, in: 0.01...1440) * 60_000))
    }

    /// The consent service catalog file. A configured file that cannot be read is an error
    /// naming it; only the unconfigured default may be missing (no services are offered then,
    /// so every embed stays hidden). A broken file is an error.
    static func loadServices(_ path: String, required: Bool) throws -> ConsentSettings {
        guard FileManager.default.fileExists(atPath: path) || required else {
            return ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: [])
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigurationError(description: "consent.servicesFile \(path) cannot be read")
        }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let settings = try YAMLDecoder().decode(ConsentSettings.self, from: text)
            if let problem = settings.problem { throw ConfigurationError(description: problem) }
            return settings
        } catch {
            throw ConfigurationError(description: "consent services file \(path) is not valid: \(error)")
        }
    }
}
