import HTTPTypes
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTPTypes

/// Time limits that keep silent and slow clients from holding connections for good.
public struct ConnectionTimeouts: Sendable {
    /// A connection with no request under way (before the first, between two) is closed
    /// after this long.
    public var idle: Duration
    /// A request head (request line and headers) must arrive whole within this long of its
    /// first byte (against slowloris clients that trickle header lines).
    public var header: Duration

    public init(idle: Duration = .seconds(30), header: Duration = .seconds(10)) {
        self.idle = idle
        self.header = header
    }
}

/// Hummingbird's HTTP/1.1 channel with ``ConnectionTimeouts``: a handler in front of the
/// HTTP decoder sees the first byte of each request, one behind it sees the decoded head
/// and the end of each response, and between them they close connections that idle or
/// trickle.
public struct GuardedHTTP1Channel: HTTPChannelHandler {
    public typealias Value = HTTP1Channel.Value

    public let responder: HTTPChannelHandler.Responder
    let timeouts: ConnectionTimeouts
    let base: HTTP1Channel
    let clients: ClientConnections?

    init(
        responder: @escaping HTTPChannelHandler.Responder, timeouts: ConnectionTimeouts, clients: ClientConnections?
    ) {
        self.responder = responder
        self.timeouts = timeouts
        self.base = HTTP1Channel(responder: responder)
        self.clients = clients
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let clock = ConnectionClock(timeouts: timeouts, clients: clients)
        let inner = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [RequestProgressHandler(clock: clock)]))
        do {
            try channel.pipeline.syncOperations.addHandler(clock)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with idle and header timeouts (``GuardedHTTP1Channel``) and, with `clients`,
    /// a cap on each client's connections.
    static func guardedHTTP1(timeouts: ConnectionTimeouts, clients: ClientConnections? = nil) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, timeouts: timeouts, clients: clients) }
    }
}

/// Sits in front of the HTTP decoder: arms the idle timer while no request is under way and
/// the header timer from a request's first byte until its head is decoded.
///
/// `@unchecked Sendable`: it is created for one channel and only touched on that channel's
/// event loop (Hummingbird's handler factory closure needs `Sendable`).
final class ConnectionClock: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeouts: ConnectionTimeouts
    private let clients: ClientConnections?
    private let activity = ClientConnections.Activity()
    private var started = false
    /// The client address this connection is counted under, until it closes.
    private var countedAs: String?
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// Requests whose head has been read and whose response has not ended yet.
    private var requestsInFlight = 0
    private var readingHead = false

    init(timeouts: ConnectionTimeouts, clients: ClientConnections? = nil) {
        self.timeouts = timeouts
        self.clients = clients
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Hummingbird adds its handlers to a channel that is usually active already.
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    /// Counts the connection for its client (closing it when the client holds its cap, all
    /// busy) and arms the idle timer; once per connection.
    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        if let clients {
            let (admitted, address) = clients.admit(context.channel, activity: activity)
            guard admitted else {
                context.close(promise: nil)
                return
            }
            countedAs = address
        }
        arm(timeouts.idle)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if let clients, let countedAs { clients.remove(context.channel, address: countedAs) }
        countedAs = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if requestsInFlight == 0, !readingHead {
            readingHead = true
            arm(timeouts.header)
        }
        context.fireChannelRead(data)
    }

    func headRead() {
        readingHead = false
        requestsInFlight += 1
        activity.set(busy: true)
        timer?.cancel()
        timer = nil
    }

    func responseEnded() {
        requestsInFlight = max(0, requestsInFlight - 1)
        if requestsInFlight == 0 { activity.set(busy: false) }
        if requestsInFlight == 0, !readingHead { arm(timeouts.idle) }
    }

    private func arm(_ delay: Duration) {
        timer?.cancel()
        guard let context else { return }
        timer = context.eventLoop.scheduleTask(in: TimeAmount(delay)) { [weak self] in
            self?.context?.close(promise: nil)
        }
    }
}

/// Behind the HTTP decoder: tells the ``ConnectionClock`` when a request head has arrived
/// and when its response has been written, and closes the connection after a response
/// that says `Connection: close`.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let clock: ConnectionClock
    private var closeAfterResponse = false

    init(clock: ConnectionClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { clock.headRead() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body: context.write(data, promise: promise)
        case .end:
            clock.responseEnded()
            guard closeAfterResponse else { return context.write(data, promise: promise) }
            // The response said `Connection: close` (an early rejection whose body was not
            // read): end the connection once it is out, instead of draining an upload.
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            written.futureResult.whenComplete { _ in context.close(promise: nil) }
        }
    }
}
