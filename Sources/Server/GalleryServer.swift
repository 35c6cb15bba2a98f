public import Catalog
public import Hummingbird
public import Logging
public import NIOCore

/// What the HTTP server needs to know.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
    }
}

/// Builds galleryd's HTTP router: public gallery API, renditions, health.
///
/// ```swift
/// let router = GalleryServer(catalog: catalog, settings: settings, readiness: readiness).router()
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct GalleryServer: Sendable {
    public let catalog: Catalog
    public let settings: ServerSettings
    public let readiness: Readiness
    public let metrics: MetricsExporter?
    public let actions: AdminActions

    public init(
        catalog: Catalog, settings: ServerSettings, readiness: Readiness, metrics: MetricsExporter? = nil,
        actions: AdminActions = .none
    ) {
        self.catalog = catalog
        self.settings = settings
        self.readiness = readiness
        self.metrics = metrics
        self.actions = actions
    }

    public func router() -> Router<GalleryRequestContext> {
        let router = Router(context: GalleryRequestContext.self)
        // Outermost, so that it counts the status the client finally sees.
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: HeadMiddleware())
        HealthRoutes(readiness: readiness).register(on: router)
        if let metrics { MetricsRoutes(exporter: metrics).register(on: router) }
        GalleryRoutes(cache: GalleryDocumentCache(catalog: catalog)).register(on: router)
        RenditionRoutes(renditionsRoot: settings.dataDirectory + "/renditions").register(on: router)
        AdminRoutes(catalog: catalog, actions: actions).register(on: router)
        OpenAPIRoutes().register(on: router)
        PortalRoutes(catalog: catalog).register(on: router)
        return router
    }

    /// The HTTP application; `onServerRunning` runs once the port is bound.
    public func application(
        logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "galleryd"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
