import Configuration
import Foundation
import GalleryCore
import Ingest
import Logging
import Server
import SystemPackage
import Yams

/// galleryd's settings, resolved from flags, environment variables (`GALLERYD_…`), the
/// config file and built-in defaults, in that order of precedence.
struct GallerydConfiguration: Sendable {
    var mediaRoot: String
    var dataDirectory: String
    var host: String
    var port: Int
    var trustedProxies: [AddressRange]
    var houseCredit: String
    var timeZone: TimeZone
    var workers: Int
    var limits: IngestLimits
    var renditions: RenditionSettings
    var logLevel: Logger.Level
    var settleInterval: Duration
    var rescanInterval: Duration?
    var pollInterval: Duration
    var gracePeriod: Duration
    var publicURL: String
    var consentServicesFile: String
    var hashAddresses: Bool
    var fetchPreviews: Bool
    var consentRetention: Duration
    var consentDefaults: ConsentSettings

    var catalogPath: String { dataDirectory + "/catalog.sqlite" }

    var ingestSettings: IngestSettings {
        IngestSettings(
            mediaRoot: mediaRoot, dataDirectory: dataDirectory, limits: limits, renditions: renditions,
            houseCredit: houseCredit, timeZone: timeZone, workers: workers, settleInterval: settleInterval,
            consentDefaults: consentDefaults, fetchPreviews: fetchPreviews)
    }

    func serverSettings() throws -> ServerSettings {
        ServerSettings(
            host: host, port: port, dataDirectory: dataDirectory,
            consent: ConsentOptions(
                defaults: consentDefaults, cookieKey: try cookieKey(), publicURL: publicURL,
                hashAddresses: hashAddresses),
            trustedProxies: trustedProxies)
    }

    /// The config file used when `--config` is not given: `GALLERYD_CONFIG`, else
    /// `config/galleryd.yaml` if present.
    static func defaultFile() -> String? {
        if let path = ProcessInfo.processInfo.environment["GALLERYD_CONFIG"], !path.isEmpty { return path }
        let local = "config/galleryd.yaml"
        return FileManager.default.fileExists(atPath: local) ? local : nil
    }

    /// Loads the configuration; `flags` are the command line's overrides.
    static func load(file: String?, flags: [AbsoluteConfigKey: ConfigValue]) async throws -> GallerydConfiguration {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "command line", values: flags),
            EnvironmentVariablesProvider().prefixKeys(with: "galleryd"),
        ]
        if let path = file ?? defaultFile() {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError(description: "config file \(path) cannot be read")
            }
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path)))
            } catch {
                throw ConfigurationError(description: "config file \(path) is not valid: \(error)")
            }
        }
        return try GallerydConfiguration(reader: ConfigReader(providers: providers))
    }

    init(reader config: ConfigReader) throws {
        mediaRoot = Self.absolute(config.string(forKey: "media", default: "./media"))
        dataDirectory = Self.absolute(config.string(forKey: "data", default: "./var"))
        host = config.string(forKey: "http.host", default: "127.0.0.1")
        port = config.int(forKey: "http.port", default: 8080)
        guard (0...65535).contains(port) else {
            throw ConfigurationError(description: "http.port \(port) is not a port")
        }
        // `GALLERYD_HTTP_TRUSTED_PROXIES="10.0.0.1, ::1"` and an empty variable both work.
        let proxyEntries = config.stringArray(forKey: "http.trustedProxies", default: [])
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        trustedProxies = try proxyEntries.map { entry in
            guard let range = AddressRange(entry) else {
                throw ConfigurationError(
                    description: "http.trustedProxies: \(entry) is not an address or network (e.g. 10.0.0.0/8)")
            }
            return range
        }
        houseCredit = config.string(forKey: "credit.house", default: "© MWIDE NRW/E. Lichtenscheidt")
        let zoneName = config.string(forKey: "timeZone", default: "Europe/Berlin")
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ConfigurationError(description: "timeZone \(zoneName) is not a known time zone")
        }
        timeZone = zone
        let configuredWorkers = config.int(forKey: "ingest.workers", default: 0)
        workers = configuredWorkers > 0 ? configuredWorkers : ProcessInfo.processInfo.activeProcessorCount
        let formatNames = config.stringArray(forKey: "ingest.formats", default: SourceFormat.allCases.map(\.rawValue))
        let formats = try formatNames.map { name in
            guard let format = SourceFormat(rawValue: name) else {
                throw ConfigurationError(description: "ingest.formats: unknown format \(name)")
            }
            return format
        }
        limits = IngestLimits(
            maxPixels: config.int(forKey: "ingest.maxPixels", default: 100_000_000),
            maxBytes: config.int(forKey: "ingest.maxBytes", default: 256 * 1024 * 1024),
            maxFrames: config.int(forKey: "ingest.maxFrames", default: 1000),
            allowedFormats: Set(formats))
        let outputNames = config.stringArray(forKey: "renditions.formats", default: ["webp", "jpeg"])
        let outputs = try outputNames.map { name in
            guard let format = OutputFormat(rawValue: name) else {
                throw ConfigurationError(description: "renditions.formats: unknown format \(name)")
            }
            return format
        }
        renditions = RenditionSettings(
            thumbnailWidth: config.int(forKey: "renditions.thumbnailWidth", default: 320),
            carouselWidths: config.intArray(forKey: "renditions.carouselWidths", default: [640, 1024, 1600, 2048]),
            formats: outputs,
            jpegQuality: config.int(forKey: "renditions.jpegQuality", default: 80),
            webpQuality: config.int(forKey: "renditions.webpQuality", default: 78),
            avifQuality: config.int(forKey: "renditions.avifQuality", default: 55),
            webpEffort: config.int(forKey: "renditions.webpEffort", default: 2),
            burnCredit: config.bool(forKey: "renditions.burnCredit", default: false))
        let levelName = config.string(forKey: "log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ConfigurationError(description: "log.level \(levelName) is not a log level")
        }
        logLevel = level
        settleInterval = .milliseconds(Int(config.double(forKey: "watch.settleSeconds", default: 2) * 1000))
        let rescan = config.int(forKey: "watch.rescanSeconds", default: 900)
        rescanInterval = rescan > 0 ? .seconds(rescan) : nil
        pollInterval = .seconds(max(1, config.int(forKey: "watch.pollSeconds", default: 10)))
        gracePeriod = .seconds(Int(config.double(forKey: "collect.graceHours", default: 24) * 3600))
        publicURL = config.string(forKey: "site.publicURL", default: "http://127.0.0.1:8080")
        consentServicesFile = Self.absolute(
            config.string(forKey: "consent.servicesFile", default: "./config/consent.yaml"))
        hashAddresses = config.bool(forKey: "consent.hashAddresses", default: true)
        fetchPreviews = config.bool(forKey: "consent.fetchPreviews", default: true)
        consentRetention = .seconds(max(1, config.int(forKey: "consent.retentionDays", default: 1095)) * 86_400)
        consentDefaults = try Self.loadConsentServices(consentServicesFile)
    }

    /// The consent service catalog file; a missing file offers no services (every embed
    /// stays hidden), a broken one is an error.
    static func loadConsentServices(_ path: String) throws -> ConsentSettings {
        guard FileManager.default.fileExists(atPath: path) else {
            return ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: [])
        }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let settings = try YAMLDecoder().decode(ConsentSettings.self, from: text)
            guard (1...ConsentSettings.maximumLifetimeDays).contains(settings.lifetimeDays) else {
                throw ConfigurationError(
                    description: "lifetimeDays must be 1 to \(ConsentSettings.maximumLifetimeDays)")
            }
            return settings
        } catch {
            throw ConfigurationError(description: "consent services file \(path) is not valid: \(error)")
        }
    }

    /// The key that signs consent cookies: `<data>/secrets/consent-cookie.key`, made once
    /// (0600) with 32 random bytes.
    func cookieKey() throws -> [UInt8] {
        let folder = dataDirectory + "/secrets"
        let path = folder + "/consent-cookie.key"
        if let existing = FileManager.default.contents(atPath: path), existing.count >= 32 { return Array(existing) }
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let temporary = path + ".\(UUID().uuidString).partial"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(key), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError(description: "cannot write \(path)") }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return key
    }

    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }
}

/// The configuration cannot be used; galleryd stops with this message.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
}
