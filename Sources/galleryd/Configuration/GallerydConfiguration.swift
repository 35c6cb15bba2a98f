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
    /// `http.*`.
    var http: HTTPConfiguration
    /// `cache.*`: what a cache in front is told and sent.
    var cache: CacheConfiguration
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
    /// `watch.*`.
    var watch: WatchConfiguration
    var maxSidecarBytes: Int
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
            servedOnLoopback: SiteOrigins.isLoopback(http.host))
    }
    var renderNice: Int
    /// `consent.*`.
    var consent: ConsentConfiguration
    var backup: BackupConfiguration
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
            houseCredit: houseCredit, timeZone: timeZone, workers: workers, settleInterval: watch.settleInterval,
            incompleteGrace: watch.incompleteGrace, followSymlinks: watch.followSymlinks,
            maxSidecarBytes: maxSidecarBytes, consentDefaults: consent.defaults, fetchPreviews: consent.fetchPreviews,
            renderNice: renderNice,
            siteRights: siteRights)
    }

    func serverSettings() throws -> ServerSettings {
        var settings = ServerSettings(
            host: http.host, port: http.port, dataDirectory: dataDirectory,
            consent: ConsentOptions(
                defaults: consent.defaults, cookieKey: try cookieKey(), publicURL: publicURL,
                origins: siteOrigins, hashAddresses: consent.hashAddresses),
            trustedProxies: http.trustedProxies, timeouts: http.timeouts, publicURLConfigured: publicURLConfigured,
            maxConnections: min(http.maxConnections, max(16, DescriptorLimit.raised() - 256)),
            maxConnectionsPerClient: http.maxConnectionsPerClient,
            galleryCacheBytes: http.galleryCacheBytes)
        settings.adminAuthenticationBurst = http.adminAuthenticationBurst
        settings.clock = PublicationClock(timeZone: timeZone)
        settings.sharedCache = cache.sharedCache
        settings.buildsSearchIndexAtStart = true
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

        func path(_ key: String, in scope: ConfigScope, default defaultValue: String) -> String {
            absolute(
                scope.string(key, default: defaultValue), forKey: scope.name(key), in: scope.reader, scopedKey: key)
        }

        /// `value`, read for `key`, made absolute: from the config file's folder when the file
        /// gave it, else from the working folder.
        /// (`scopedKey`: the key as `config`, a scoped reader, names it.)
        func absolute(_ value: String, forKey key: String, in config: ConfigReader, scopedKey: String? = nil) -> String
        {
            if let file, let folder = fileFolder, file.reader.string(forKey: ConfigKey(key)) != nil,
                config.string(forKey: ConfigKey(scopedKey ?? key)) == file.reader.string(forKey: ConfigKey(key))
            {
                return GallerydConfiguration.absolute(value, from: folder)
            }
            return GallerydConfiguration.absolute(value)
        }
    }

    /// Each section is read by the type it configures (``HTTPConfiguration``,
    /// ``CacheConfiguration``, ``WatchConfiguration``, ``ConsentConfiguration``,
    /// `IngestLimits`, `RenditionSettings`, `RightsTerms`), each default said once, by that type
    /// (config/galleryd.yaml repeats them for the reader; ConfigurationDefaultsTests keeps it
    /// in step); what is left here are the keys of no section.
    init(reader config: ConfigReader, paths: PathResolver = PathResolver(file: nil)) throws {
        let ingest = ConfigScope(config, "ingest")
        let ingestDefaults = IngestSettings(mediaRoot: "", dataDirectory: "")
        mediaRoot = paths.path("media", in: config, default: "./media")
        dataDirectory = paths.path("data", in: config, default: "./var")
        (catalogLocation, catalogPassword) = try Self.catalog(config, paths: paths, dataDirectory: dataDirectory)
        catalogQueryTimeout = .seconds(
            try ConfigScope(config, "catalog").double(
                "queryTimeoutSeconds", default: PostgresDatabase.defaultQueryTimeout.seconds, in: 0.1...600))
        http = try HTTPConfiguration(config: ConfigScope(config, "http"))
        cache = try CacheConfiguration(config: ConfigScope(config, "cache"))
        houseCredit = config.string(forKey: "credit.house", default: ingestDefaults.houseCredit)
        let zoneName = config.string(forKey: "timeZone", default: IngestSettings.defaultTimeZoneIdentifier)
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ConfigurationError(description: "timeZone \(zoneName) is not a known time zone")
        }
        timeZone = zone
        let configuredWorkers = try ingest.int("workers", default: 0, in: 0...256)
        workers = configuredWorkers > 0 ? configuredWorkers : ProcessInfo.processInfo.activeProcessorCount
        renderNice = try ingest.int("renderNice", default: ingestDefaults.renderNice, in: 0...19)
        jobLease = TimeInterval(try ingest.int("jobLeaseSeconds", default: Int(JobQueue.defaultLease), in: 3...3600))
        maxSidecarBytes = try ingest.int(
            "maxSidecarBytes", default: ingestDefaults.maxSidecarBytes, in: 1024...16 * 1024 * 1024)
        limits = try IngestLimits(config: ingest)
        renditions = try RenditionSettings(
            config: ConfigScope(config, "renditions"),
            download: try DownloadSettings(config: ConfigScope(config, "downloads")))
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
        watch = try WatchConfiguration(config: ConfigScope(config, "watch"))
        gracePeriod = .seconds(
            Int(try ConfigScope(config, "collect").double("graceHours", default: 24, in: 0...87_600) * 3600))
        let site = ConfigScope(config, "site")
        publicURL = site.string("publicURL", default: ServerSettings(dataDirectory: "").consent.publicURL)
        publicURLConfigured = !(site.string("publicURL") ?? "").isEmpty
        siteHosts = site.strings("hosts")
        if let bad = siteHosts.first(where: {
            SiteOrigins(publicURL: nil, extraHosts: [$0], servedOnLoopback: false).hosts.isEmpty
        }) {
            throw ConfigurationError(description: "site.hosts: \(bad) is not a host name (e.g. www.example.nrw)")
        }
        siteRights = try RightsTerms(config: ConfigScope(config, "rights"))
        consent = try ConsentConfiguration(config: ConfigScope(config, "consent"), paths: paths)
        backup = try BackupConfiguration(config: ConfigScope(config, "backup"), paths: paths)
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

    /// The key that signs consent cookies: `consent.cookieKeyFile`, else
    /// `<data>/secrets/consent-cookie.key`; made once (0600) with 32 random bytes when
    /// missing, the same way as the consent log's keys (two nodes starting at once on a shared
    /// mount end up with the same key).
    func cookieKey() throws -> [UInt8] {
        let path = cookieKeyFile
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

    /// Where the consent cookie's key is kept (see ``cookieKey()``).
    var cookieKeyFile: String { consent.cookieKeyFile ?? dataDirectory + "/secrets/consent-cookie.key" }

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

extension Duration {
    /// In seconds, as the config file writes durations.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
