import Hummingbird
public import Prometheus

/// What `GET /metrics` exports: a Prometheus registry (which the executable bootstrapped
/// swift-metrics with) and a hook that refreshes gauges read on demand (queue depth,
/// libvips memory) just before each scrape.
public struct MetricsExporter: Sendable {
    public var registry: PrometheusCollectorRegistry
    public var refresh: @Sendable () async -> Void

    public init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void = {}) {
        self.registry = registry
        self.refresh = refresh
    }
}

/// `GET /metrics` in the Prometheus text format.
struct MetricsRoutes {
    let exporter: MetricsExporter

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/metrics") { _, _ in
            await exporter.refresh()
            var bytes: [UInt8] = []
            exporter.registry.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
