import Catalog
import Configuration
import Foundation
import GalleryCore
import Ingest
import Logging
import PostgresCatalog
import Server
import SystemPackage
import Yams

#if canImport(Glibc)
    import Glibc
#endif

/// galleryd's settings, resolved from flags, environment variables (`GALLERYD_…`), the
/// config file and built-in defaults, in that order of precedence.
struct GallerydConfiguration: Sendable {
    var mediaRoot: String
    var dataDirectory: String
    var host: String
    var port: Int
    var trustedProxies: [AddressRange]
    var timeouts: ConnectionTimeouts
    var maxConnections: Int
    var maxConnectionsPerClient: Int
    var adminAuthenticationBurst: Int
    var galleryCacheBytes: Int
    /// What a cache in front is told and sent (`cache.*`).
    var sharedCache: SharedCachePolicy
    var cachePurge: CachePurgeSettings
    var houseCredit: String
    var timeZone: TimeZone
    var workers: Int
    /// How long a claimed job is held without a heartbeat (`ingest.jobLeaseSeconds`).
    var jobLease: TimeInterval
    var limits: IngestLimits
    var renditions: RenditionSettings
    var logLevel: Logger.Level
    /// What `serve` does on this node (`role`, `--role`, `GALLERYD_ROLE`).
    var role: NodeRole
    var settleInterval: Duration
    var incompleteGrace: Duration
    var followSymlinks: Bool
    var maxSidecarBytes: Int
    var rescanInterval: Duration?
    var pollInterval: Duration
    var gracePeriod: Duration
    var publicURL: String
    /// Whether `site.publicURL` is set (else pages take absolute links from the request's
    /// own origin, when that is one of the site's).
    var publicURLConfigured: Bool
    /// `site.hosts`: further names of this site whose pages may record consent.
    var siteHosts: [String]
    var siteOrigins: SiteOrigins {
        SiteOrigins(
            publicURL: publicURLConfigured ? publicURL : nil, extraHosts: siteHosts,
            servedOnLoopback: SiteOrigins.isLoopback(host))
    }
    var consentServicesFile: String
    var hashAddresses: Bool
    var fetchPreviews: Bool
    var renderNice: Int
    var consentRetention: Duration
    var consentDefaults: ConsentSettings
    // Consent log integrity (see Daemon/ConsentCheckpoints.swift).
    var consentLogKeyFile: String?
    /// The consent cookie's signing key; nil: `<data>/secrets/consent-cookie.key`. Web nodes
    /// behind one load balancer share one (a cookie signed by one is read by all).
    var consentCookieKeyFile: String?
    var consentCheckpointEvents: Int
    var consentCheckpointInterval: Duration
    var siteRights: RightsTerms
    /// `catalog.url`: SQLite (the default, the data folder's `catalog.sqlite`) or PostgreSQL.
    var catalogLocation: CatalogLocation
    /// PostgreSQL's password: `GALLERYD_CATALOG_PASSWORD`, else `catalog.passwordFile`.
    var catalogPassword: String?
    /// How long a PostgreSQL query may wait before it is answered 503
    /// (`catalog.queryTimeoutSeconds`).
    var catalogQueryTimeout: Duration

    /// The SQLite catalog's file (the default one when `catalog.url` names PostgreSQL).
    var catalogPath: String {
        if case .sqlite(let path) = catalogLocation { return path }
        return dataDirectory + "/catalog.sqlite"
    }

    var ingestSettings: IngestSettings {
        IngestSettings(
            mediaRoot: mediaRoot, dataDirectory: dataDirectory, limits: limits, renditions: renditions,
            houseCredit: houseCredit, timeZone: timeZone, workers: workers, settleInterval: settleInterval,
            incompleteGrace: incompleteGrace, followSymlinks: followSymlinks,
            maxSidecarBytes: maxSidecarBytes, consentDefaults: consentDefaults, fetchPreviews: fetchPreviews,
            renderNice: renderNice,
            siteRights: siteRights)
    }

    func serverSettings() throws -> ServerSettings {
        var settings = ServerSettings(
            host: host, port: port, dataDirectory: dataDirectory,
            consent: ConsentOptions(
                defaults: consentDefaults, cookieKey: try cookieKey(), publicURL: publicURL,
                origins: siteOrigins, hashAddresses: hashAddresses),
            trustedProxies: trustedProxies, timeouts: timeouts, publicURLConfigured: publicURLConfigured,
            maxConnections: min(maxConnections, max(16, DescriptorLimit.raised() - 256)),
            maxConnectionsPerClient: maxConnectionsPerClient,
            galleryCacheBytes: galleryCacheBytes)
        settings.adminAuthenticationBurst = adminAuthenticationBurst
        settings.clock = PublicationClock(timeZone: timeZone)
        settings.sharedCache = sharedCache
        return settings
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
        var paths = PathResolver(file: nil)
        if let path = file ?? defaultFile() {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError(description: "config file \(path) cannot be read")
            }
            do {
                let provider = try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
                providers.append(provider)
                paths = PathResolver(file: (Self.absolute(path), ConfigReader(providers: [provider])))
            } catch {
                throw ConfigurationError(description: "config file \(path) is not valid: \(error)")
            }
        }
        return try GallerydConfiguration(reader: ConfigReader(providers: providers), paths: paths)
    }

    /// Makes configured paths absolute: a relative path written in the config file is taken
    /// from that file's folder (so `/etc/galleryd/galleryd.yaml` may say
    /// `servicesFile: consent.yaml`); one from a flag or variable from the working folder.
    struct PathResolver {
        /// The config file's absolute path and a reader of that file alone.
        var file: (path: String, reader: ConfigReader)?

        var fileFolder: String? { file.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().path } }

        func path(_ key: String, in config: ConfigReader, default defaultValue: String) -> String {
            absolute(config.string(forKey: ConfigKey(key), default: defaultValue), forKey: key, in: config)
        }

        /// `value`, read for `key`, made absolute: from the config file's folder when the file
        /// gave it, else from the working folder.
        func absolute(_ value: String, forKey key: String, in config: ConfigReader) -> String {
            if let file, let folder = fileFolder, file.reader.string(forKey: ConfigKey(key)) != nil,
                config.string(forKey: ConfigKey(key)) == file.reader.string(forKey: ConfigKey(key))
            {
                return GallerydConfiguration.absolute(value, from: folder)
            }
            return GallerydConfiguration.absolute(value)
        }
    }

    init(reader config: ConfigReader, paths: PathResolver = PathResolver(file: nil)) throws {
        mediaRoot = paths.path("media", in: config, default: "./media")
        dataDirectory = paths.path("data", in: config, default: "./var")
        (catalogLocation, catalogPassword) = try Self.catalog(config, paths: paths, dataDirectory: dataDirectory)
        catalogQueryTimeout = .seconds(
            try config.double(
                "catalog.queryTimeoutSeconds", default: PostgresDatabase.defaultQueryTimeout.seconds, in: 0.1...600))
        // Each default is said once, by the type that uses the value (the config file
        // repeats them for the reader; ConfigurationDefaultsTests keeps it in step).
        let serverDefaults = ServerSettings(dataDirectory: "")
        let ingestDefaults = IngestSettings(mediaRoot: "", dataDirectory: "")
        host = config.string(forKey: "http.host", default: serverDefaults.host)
        port = try config.int("http.port", default: serverDefaults.port, in: 0...65535)
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
        let idle = try config.double(
            "http.idleTimeoutSeconds", default: serverDefaults.timeouts.idle.seconds, in: 0.1...86_400)
        let header = try config.double(
            "http.headerTimeoutSeconds", default: serverDefaults.timeouts.header.seconds, in: 0.1...86_400)
        timeouts = ConnectionTimeouts(
            idle: .milliseconds(Int64(idle * 1000)), header: .milliseconds(Int64(header * 1000)))
        maxConnections = try config.int(
            "http.maxConnections", default: serverDefaults.maxConnections, in: 1...1_000_000)
        maxConnectionsPerClient = try config.int(
            "http.maxConnectionsPerClient", default: serverDefaults.maxConnectionsPerClient, in: 1...1_000_000)
        adminAuthenticationBurst = try config.int(
            "http.adminAuthenticationBurst", default: serverDefaults.adminAuthenticationBurst, in: 1...1_000_000)
        galleryCacheBytes =
            try config.int(
                "http.galleryCacheMegabytes", default: serverDefaults.galleryCacheBytes >> 20, in: 1...65_536) << 20
        let purgeURLs = config.stringArray(forKey: "cache.purgeURLs", default: [])
        for url in purgeURLs {
            guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme ?? ""),
                parts.host?.isEmpty == false
            else { throw ConfigurationError(description: "cache.purgeURLs: \(url) is not an http(s) URL") }
        }
        let purgeDefaults = CachePurgeSettings()
        cachePurge = CachePurgeSettings(
            urls: purgeURLs, method: config.string(forKey: "cache.purgeMethod", default: purgeDefaults.method),
            header: config.string(forKey: "cache.purgeHeader", default: purgeDefaults.header))
        let tagHeader = config.string(forKey: "cache.tagHeader", default: "xkey")
        guard tagHeader.isEmpty || SharedCachePolicy.isFieldName(tagHeader) else {
            throw ConfigurationError(description: "cache.tagHeader: \(tagHeader) is not a header field name")
        }
        // A shared cache may keep public answers long only while galleryd purges it.
        let sharedMaxAge = try config.int("cache.sharedMaxAgeSeconds", default: 86_400, in: 0...31_536_000)
        sharedCache = SharedCachePolicy(tagHeader: tagHeader, sharedMaxAge: purgeURLs.isEmpty ? nil : sharedMaxAge)
        houseCredit = config.string(forKey: "credit.house", default: ingestDefaults.houseCredit)
        let zoneName = config.string(forKey: "timeZone", default: IngestSettings.defaultTimeZoneIdentifier)
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ConfigurationError(description: "timeZone \(zoneName) is not a known time zone")
        }
        timeZone = zone
        // The domain types hold the defaults; config/galleryd.yaml repeats them, checked by
        // ConfigurationDefaultsTests.
        let (limitDefaults, renditionDefaults) = (IngestLimits(), RenditionSettings())
        let configuredWorkers = try config.int("ingest.workers", default: 0, in: 0...256)
        renderNice = try config.int("ingest.renderNice", default: ingestDefaults.renderNice, in: 0...19)
        workers = configuredWorkers > 0 ? configuredWorkers : ProcessInfo.processInfo.activeProcessorCount
        jobLease = TimeInterval(
            try config.int("ingest.jobLeaseSeconds", default: Int(JobQueue.defaultLease), in: 3...3600))
        let formatNames = config.stringArray(forKey: "ingest.formats", default: SourceFormat.allCases.map(\.rawValue))
        let formats = try formatNames.map { name in
            guard let format = SourceFormat(rawValue: name) else {
                throw ConfigurationError(description: "ingest.formats: unknown format \(name)")
            }
            return format
        }
        limits = IngestLimits(
            maxPixels: try config.int("ingest.maxPixels", default: limitDefaults.maxPixels, in: 1...1 << 40),
            maxBytes: try config.int("ingest.maxBytes", default: limitDefaults.maxBytes, in: 1...1 << 40),
            maxFrames: try config.int("ingest.maxFrames", default: limitDefaults.maxFrames, in: 1...1_000_000),
            allowedFormats: Set(formats))
        let outputNames = config.stringArray(
            forKey: "renditions.formats", default: renditionDefaults.formats.map(\.rawValue))
        let outputs = try outputNames.map { name in
            guard let format = OutputFormat(rawValue: name) else {
                throw ConfigurationError(description: "renditions.formats: unknown format \(name)")
            }
            return format
        }
        let carouselWidths = try config.intArray(
            "renditions.carouselWidths", default: renditionDefaults.carouselWidths, in: 8...16_384)
        // One ratio rather than a list of heights: overriding the widths (an environment
        // variable over the config file) can never leave them without heights.
        let heightRatio = try config.double(
            "renditions.carouselHeightRatio", default: renditionDefaults.carouselHeightRatio, in: 0.1...100)
        renditions = RenditionSettings(
            thumbnailWidth: try config.int(
                "renditions.thumbnailWidth", default: renditionDefaults.thumbnailWidth, in: 8...16_384),
            thumbnailHeight: try config.int(
                "renditions.thumbnailHeight", default: renditionDefaults.thumbnailHeight, in: 8...16_384),
            carouselWidths: carouselWidths, carouselHeightRatio: heightRatio,
            formats: outputs,
            jpegQuality: try config.int("renditions.jpegQuality", default: renditionDefaults.jpegQuality, in: 1...100),
            webpQuality: try config.int("renditions.webpQuality", default: renditionDefaults.webpQuality, in: 1...100),
            avifQuality: try config.int("renditions.avifQuality", default: renditionDefaults.avifQuality, in: 1...100),
            webpEffort: try config.int("renditions.webpEffort", default: renditionDefaults.webpEffort, in: 0...6),
            burnCredit: config.bool(forKey: "renditions.burnCredit", default: renditionDefaults.burnCredit),
            download: DownloadSettings(
                enabled: config.bool(forKey: "downloads.enabled", default: renditionDefaults.download.enabled),
                quality: try config.int("downloads.quality", default: renditionDefaults.download.quality, in: 1...100),
                maxLongSide: try config.int(
                    "downloads.maxLongSide", default: renditionDefaults.download.maxLongSide, in: 0...65_535)))
        let roleName = config.string(forKey: "role", default: NodeRole.all.rawValue)
        guard let role = NodeRole(rawValue: roleName) else {
            throw ConfigurationError(description: "role \(roleName) is not web, worker or all")
        }
        self.role = role
        let levelName = config.string(forKey: "log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ConfigurationError(description: "log.level \(levelName) is not a log level")
        }
        logLevel = level
        settleInterval = .milliseconds(
            Int(
                try config.double("watch.settleSeconds", default: ingestDefaults.settleInterval.seconds, in: 0...3600)
                    * 1000))
        incompleteGrace = .seconds(
            try config.double(
                "watch.incompleteGraceSeconds", default: ingestDefaults.incompleteGrace.seconds, in: 0...86_400))
        followSymlinks = config.bool(forKey: "watch.followSymlinks", default: ingestDefaults.followSymlinks)
        maxSidecarBytes = try config.int(
            "ingest.maxSidecarBytes", default: ingestDefaults.maxSidecarBytes, in: 1024...16 * 1024 * 1024)
        let rescan = try config.int(
            "watch.rescanSeconds", default: Int(MediaWatchService.defaultRescanInterval.seconds), in: 0...31_536_000)
        rescanInterval = rescan > 0 ? .seconds(rescan) : nil
        pollInterval = .seconds(
            max(
                1,
                try config.int(
                    "watch.pollSeconds", default: Int(MediaWatchService.defaultPollInterval.seconds), in: 0...86_400)))
        gracePeriod = .seconds(Int(try config.double("collect.graceHours", default: 24, in: 0...87_600) * 3600))
        publicURL = config.string(forKey: "site.publicURL", default: serverDefaults.consent.publicURL)
        publicURLConfigured = !(config.string(forKey: "site.publicURL") ?? "").isEmpty
        siteHosts = config.stringArray(forKey: "site.hosts", default: [])
        if let bad = siteHosts.first(where: {
            SiteOrigins(publicURL: nil, extraHosts: [$0], servedOnLoopback: false).hosts.isEmpty
        }) {
            throw ConfigurationError(description: "site.hosts: \(bad) is not a host name (e.g. www.example.nrw)")
        }
        siteRights = try Self.rights(config)
        // Beside the config file unless configured; only this default may be missing.
        let servicesDefault = paths.fileFolder.map { $0 + "/consent.yaml" } ?? "./config/consent.yaml"
        consentServicesFile = paths.path("consent.servicesFile", in: config, default: servicesDefault)
        // Only the unconfigured default may be missing.
        let servicesConfigured = config.string(forKey: "consent.servicesFile") != nil
        hashAddresses = config.bool(forKey: "consent.hashAddresses", default: serverDefaults.consent.hashAddresses)
        fetchPreviews = config.bool(forKey: "consent.fetchPreviews", default: ingestDefaults.fetchPreviews)
        consentRetention = .seconds(try config.int("consent.retentionDays", default: 1095, in: 1...36_500) * 86_400)
        consentDefaults = try Self.loadConsentServices(consentServicesFile, required: servicesConfigured)
        consentLogKeyFile =
            config.string(forKey: "consent.logKeyFile", default: "").isEmpty
            ? nil : paths.path("consent.logKeyFile", in: config, default: "")
        consentCookieKeyFile =
            config.string(forKey: "consent.cookieKeyFile", default: "").isEmpty
            ? nil : paths.path("consent.cookieKeyFile", in: config, default: "")
        consentCheckpointEvents = try config.int(
            "consent.checkpointEvents", default: ConsentLogOptions().checkpointEvents, in: 1...1_000_000)
        consentCheckpointInterval = .milliseconds(
            Int(try config.double("consent.checkpointMinutes", default: 10, in: 0.01...1440) * 60_000))
    }

    /// `catalog.url` and PostgreSQL's password (also for `catalog copy --to postgres://…`):
    /// from the environment (`GALLERYD_CATALOG_PASSWORD`) or a file of its own
    /// (`catalog.passwordFile`, trailing line breaks ignored) — never from the config file,
    /// which is often world-readable.
    static func catalog(_ config: ConfigReader, paths: PathResolver, dataDirectory: String) throws -> (
        CatalogLocation, String?
    ) {
        if paths.file?.reader.string(forKey: "catalog.password") != nil {
            throw ConfigurationError(
                description:
                    "catalog.password must not be written in the config file: use catalog.passwordFile or GALLERYD_CATALOG_PASSWORD"
            )
        }
        var password: String?
        if let given = config.string(forKey: "catalog.password"), !given.isEmpty {
            password = given
        } else if !config.string(forKey: "catalog.passwordFile", default: "").isEmpty {
            let path = paths.path("catalog.passwordFile", in: config, default: "")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(description: "catalog.passwordFile \(path) cannot be read")
            }
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        let url = config.string(forKey: "catalog.url", default: "")
        guard !url.isEmpty else { return (.sqlite(path: dataDirectory + "/catalog.sqlite"), password) }
        do {
            let location = try CatalogLocation(url: url) { paths.absolute($0, forKey: "catalog.url", in: config) }
            return (location, password)
        } catch {
            throw ConfigurationError(description: "\(error)")
        }
    }

    /// The site's rights defaults (`rights.*`). Addresses must be http(s) URLs: a
    /// mistyped one stops start-up rather than being published in every photo.
    static func rights(_ config: ConfigReader) throws -> RightsTerms {
        func address(_ key: String) throws -> String? {
            let value = config.string(forKey: ConfigKey(key), default: "")
            guard !value.isEmpty else { return nil }
            guard let address = RightsTerms.webAddress(value) else {
                throw ConfigurationError(description: "\(key) \(value) is not an http or https URL")
            }
            return address
        }
        let terms = LanguageAlternative(
            [
                "de": config.string(forKey: "rights.usageTerms.de", default: ""),
                "en": config.string(forKey: "rights.usageTerms.en", default: ""),
            ])
        let licensor = config.string(forKey: "rights.licensor", default: "")
        return RightsTerms(
            license: try address("rights.license"), acquireLicensePage: try address("rights.acquireLicensePage"),
            usageTerms: terms, licensor: licensor.isEmpty ? nil : licensor)
    }

    /// The consent service catalog file. A configured file that cannot be read is an error
    /// naming it; only the unconfigured default may be missing (no services are offered then,
    /// so every embed stays hidden). A broken file is an error.
    static func loadConsentServices(_ path: String, required: Bool) throws -> ConsentSettings {
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

    /// The key that signs consent cookies: `consent.cookieKeyFile`, else
    /// `<data>/secrets/consent-cookie.key`; made once (0600) with 32 random bytes when
    /// missing, the same way as the consent log's keys (two nodes starting at once on a shared
    /// mount end up with the same key).
    func cookieKey() throws -> [UInt8] {
        let path = consentCookieKeyFile ?? dataDirectory + "/secrets/consent-cookie.key"
        let make = {
            var generator = SystemRandomNumberGenerator()
            return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        if let existing = try ConsentLogFiles.secretFile(path, creating: true, make: make), existing.count >= 32 {
            return existing
        }
        // Cut short (a disk that filled up): made anew, as before.
        unlink(path)
        guard let key = try ConsentLogFiles.secretFile(path, creating: true, make: make), key.count >= 32 else {
            throw ConfigurationError(description: "cannot write \(path)")
        }
        return key
    }

    static func absolute(_ path: String, from folder: String = FileManager.default.currentDirectoryPath) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: folder, isDirectory: true))
        return url.standardizedFileURL.path
    }
}

/// What a `serve` process does. Several processes, on one machine or several, share a
/// catalog (`catalog.url`): web nodes answer HTTP, worker nodes ingest.
enum NodeRole: String, Sendable, CaseIterable {
    /// The public and admin API and the portal; no watcher, no rendering (an admin's change
    /// that needs new renditions is queued for the workers).
    case web
    /// Takes ingest jobs from the shared queue; the one holding the watcher lease also
    /// watches the media folder and runs the reconcile scan. HTTP: health and metrics only.
    case worker
    /// Both, in one process: one machine on its own (the default).
    case all

    var servesAPI: Bool { self != .worker }
    var ingests: Bool { self != .web }
}

/// The configuration cannot be used; galleryd stops with this message.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
}

/// Numbers from the configuration, refused with a message naming the key when they lie
/// outside what galleryd can use (so no conversion or arithmetic on them can trap).
extension ConfigReader {
    fileprivate func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        let value = int(forKey: ConfigKey(key), default: defaultValue)
        guard range.contains(value) else {
            throw ConfigurationError(
                description: "\(key) \(value) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    fileprivate func intArray(_ key: String, default defaultValue: [Int], in range: ClosedRange<Int>) throws -> [Int] {
        let values = intArray(forKey: ConfigKey(key), default: defaultValue)
        guard values.count <= 32, let bad = values.first(where: { !range.contains($0) }) ?? (values.isEmpty ? 0 : nil)
        else { return values }
        throw ConfigurationError(
            description:
                "\(key): \(bad) is no width from \(range.lowerBound) to \(range.upperBound) (at most 32 widths)")
    }

    fileprivate func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws -> Double
    {
        let value = double(forKey: ConfigKey(key), default: defaultValue)
        guard value.isFinite, range.contains(value) else {
            throw ConfigurationError(
                description: "\(key) \(value) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

extension Duration {
    /// In seconds, as the config file writes durations.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
