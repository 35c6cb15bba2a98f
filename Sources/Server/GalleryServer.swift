public import Catalog
public import GalleryCore
public import Hummingbird
import HummingbirdCore
public import Logging
public import NIOCore
import Stemming

/// What the HTTP server needs to know.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var consent: ConsentOptions
    /// Reverse proxies whose `X-Forwarded-For` names the visitor.
    public var trustedProxies: [AddressRange]
    /// Idle and header-read limits per connection.
    public var timeouts: ConnectionTimeouts
    /// Open connections at most; further ones wait in the listen backlog until one closes.
    /// Keep it below the descriptor limit (`LimitNOFILE`), leaving room for files.
    public var maxConnections: Int
    /// Open connections per client address at most (`http.maxConnectionsPerClient`); a
    /// client at the cap loses its oldest idle connection. Trusted proxies are exempt.
    public var maxConnectionsPerClient: Int
    /// Failed admin authentications one client may make at once before it is slowed to one
    /// every 5 s (``AdminAuthenticationThrottle``).
    public var adminAuthenticationBurst = 10
    /// Bytes the cached gallery answers and pages may hold; the least recently asked
    /// galleries are dropped beyond it.
    public var galleryCacheBytes: Int
    /// Whether `site.publicURL` is set; if not, pages take absolute links from the
    /// request's own origin (``SiteOrigins``).
    public var publicURLConfigured: Bool
    /// The wall clock the publication rule reads and the epoch of scheduled times passed.
    public var clock = PublicationClock()
    /// What a shared cache in front is told (`cache.tagHeader`, `cache.sharedMaxAgeSeconds`).
    public var sharedCache = SharedCachePolicy()
    /// Gallery ZIPs with ZIP64 records even where the sizes do not need them (for checking
    /// readers' ZIP64 handling on small galleries; ZIP64 is used on its own where needed).
    public var forceZip64 = false
    /// How search reduces words to their stems: Snowball's German stemmer.
    public var stemmer: any WordStemmer = SnowballStemmer.german
    /// Build the search index in the background as soon as the routes exist (`serve`),
    /// instead of on the first search: at 100,000 photos that takes some 25 s of CPU, which
    /// a visitor's first search would otherwise wait for. Later searches bring it up to date
    /// gallery by gallery.
    public var buildsSearchIndexAtStart = false

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String,
        consent: ConsentOptions = ConsentOptions(
            defaults: ConsentSettings(policyVersion: "1", lifetimeDays: 182, services: []),
            cookieKey: Array(randomBase64URL(bytes: 32).utf8)),
        trustedProxies: [AddressRange] = [], timeouts: ConnectionTimeouts = ConnectionTimeouts(),
        publicURLConfigured: Bool = true, maxConnections: Int = 4096, maxConnectionsPerClient: Int = 512,
        galleryCacheBytes: Int = 128 << 20
    ) {
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.publicURLConfigured = publicURLConfigured
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.consent = consent
        self.trustedProxies = trustedProxies
        self.timeouts = timeouts
        self.maxConnections = maxConnections
        self.galleryCacheBytes = galleryCacheBytes
    }
}

/// The stores the HTTP API works on, each behind the protocol named for what the routes do
/// with it: one SQLite catalog on one machine, or PostgreSQL stores on several.
public struct ServerStores: Sendable {
    public var galleries: any GalleryReader & EmbedStore
    public var admin: any AdminStore
    public var tokens: any AdminTokenStore
    public var audit: any AuditTrail
    public var consent: any ConsentLog
    public var onceGrants: any OnceGrantStore

    public init(
        galleries: any GalleryReader & EmbedStore, admin: any AdminStore, tokens: any AdminTokenStore,
        audit: any AuditTrail, consent: any ConsentLog, onceGrants: any OnceGrantStore
    ) {
        self.galleries = galleries
        self.admin = admin
        self.tokens = tokens
        self.audit = audit
        self.consent = consent
        self.onceGrants = onceGrants
    }
}

/// Builds galleryd's HTTP router: public gallery API, renditions, health.
///
/// ```swift
/// let router = GalleryServer(stores: stores, settings: settings, readiness: readiness).router()
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct GalleryServer: Sendable {
    public let stores: ServerStores
    public let settings: ServerSettings
    public let readiness: Readiness
    public let metrics: MetricsExporter?
    public let actions: AdminActions
    /// Consent state that lives as long as the server (once grants, rate limits).
    let keeper: ConsentKeeper

    public init(
        stores: ServerStores, settings: ServerSettings, readiness: Readiness, metrics: MetricsExporter? = nil,
        actions: AdminActions = .none
    ) {
        self.stores = stores
        self.settings = settings
        self.readiness = readiness
        self.metrics = metrics
        self.actions = actions
        self.keeper = ConsentKeeper(stores: stores, options: settings.consent)
    }

    public func router() -> Router<GalleryRequestContext> {
        // Every GET route answers HEAD too, through the GET handler (see HeadMiddleware).
        let router = Router(context: GalleryRequestContext.self, options: .autoGenerateHeadEndpoints)
        // Outermost, so that it counts the status the client finally sees.
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        if !settings.trustedProxies.isEmpty {
            router.add(middleware: ClientAddressMiddleware(resolver: .init(trustedProxies: settings.trustedProxies)))
        }
        router.add(middleware: HeadMiddleware())
        router.add(middleware: SharedCacheMiddleware(policy: settings.sharedCache))
        router.add(middleware: CatalogStaleMiddleware(catalog: stores.galleries))
        let routeMethods = RouteMethods()
        router.add(middleware: ProblemMiddleware(routeMethods: routeMethods))
        HealthRoutes(readiness: readiness, catalog: stores.galleries).register(on: router)
        if let metrics { MetricsRoutes(exporter: metrics).register(on: router) }
        let publicURL = settings.consent.publicURL
        let pageBase = settings.publicURLConfigured ? PageMetadata.base(publicURL) : nil
        let forceZip64 = settings.forceZip64
        let cache = GalleryDocumentCache(
            catalog: stores.galleries, clock: settings.clock, byteBudget: settings.galleryCacheBytes,
            shareLinks: { slug, title in GalleryRoutes.shareLinks(publicURL: publicURL, slug: slug, title: title) },
            zipPlan: { document in
                GalleryZipPlan(
                    document: document, pageURL: pageBase.map { "\($0)/galleries/\(document.slug)" },
                    forceZip64: forceZip64)
            })
        let galleries = GalleryRoutes(cache: cache, keeper: keeper)
        galleries.register(on: router)
        let photoSearch = PhotoSearch(catalog: stores.galleries, clock: settings.clock, stemmer: settings.stemmer)
        if settings.buildsSearchIndexAtStart {
            Task(priority: .background) { _ = try? await photoSearch.index() }
        }
        let search = SearchRoutes(search: photoSearch, cache: cache)
        search.register(on: router)
        ConsentRoutes(keeper: keeper).register(on: router)
        EmbedFrameRoutes(catalog: stores.galleries, keeper: keeper).register(on: router)
        let files = ImmutableFileCache(capacity: 64 * 1024 * 1024)
        let access = FileAccessCache(reader: stores.galleries, clock: settings.clock)
        let renditions = settings.dataDirectory + "/renditions"
        PreviewRoutes(directory: settings.dataDirectory + "/previews", files: files, access: access).register(
            on: router)
        RenditionRoutes(renditionsRoot: renditions, files: files, access: access).register(on: router)
        GalleryZipRoutes(cache: cache, layouts: GalleryZipLayouts(renditionsRoot: renditions)).register(on: router)
        DownloadRoutes(renditionsRoot: renditions, access: access).register(on: router)
        let throttle = AdminAuthenticationThrottle(burst: settings.adminAuthenticationBurst)
        AdminRoutes(
            stores: stores, actions: actions, throttle: throttle, clock: settings.clock,
            renditions: RenditionRoutes(renditionsRoot: renditions, files: files, access: nil)
        ).register(on: router)
        AdminConsentRoutes(stores: stores, keeper: keeper, actions: actions, throttle: throttle).register(on: router)
        OpenAPIRoutes().register(on: router)
        PortalRoutes(
            galleries: galleries, search: search,
            publicURL: settings.publicURLConfigured ? PageMetadata.base(settings.consent.publicURL) : nil,
            origins: settings.consent.origins
        )
        .register(on: router)
        routeMethods.record(router.routes)
        return router
    }

    /// A worker node's router: `/healthz`, `/readyz` and `/metrics` only.
    public func operationsRouter() -> Router<GalleryRequestContext> {
        let router = Router(context: GalleryRequestContext.self, options: .autoGenerateHeadEndpoints)
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        router.add(middleware: HeadMiddleware())
        let routeMethods = RouteMethods()
        router.add(middleware: ProblemMiddleware(routeMethods: routeMethods))
        HealthRoutes(readiness: readiness, catalog: stores.galleries).register(on: router)
        if let metrics { MetricsRoutes(exporter: metrics).register(on: router) }
        routeMethods.record(router.routes)
        return router
    }

    /// The HTTP application; `onServerRunning` runs once the port is bound. `operationsOnly`:
    /// a worker node's (``operationsRouter()``).
    public func application(
        logger: Logger, operationsOnly: Bool = false,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let resolver = ClientAddressResolver(trustedProxies: settings.trustedProxies)
        return Application(
            router: operationsOnly ? operationsRouter() : router(),
            server: .guardedHTTP1(
                timeouts: settings.timeouts,
                clients: ClientConnections(limit: settings.maxConnectionsPerClient) { [resolver] address in
                    AddressRange.bytes(of: address).map(resolver.isTrusted) ?? false
                }),
            configuration: .init(
                address: .hostname(settings.host, port: settings.port), serverName: "galleryd", backlog: 1024,
                availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections, logger: logger)),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
