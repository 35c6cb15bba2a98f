public import Catalog
public import Hummingbird
public import NIOCore

/// The request context of every galleryd route.
public struct GalleryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The admin token that authenticated the request, on admin routes.
    public var admin: AdminIdentity?
    /// The client's address, for rate limits and the keyed hash in the consent log: the
    /// connection's peer, or what a trusted proxy forwarded (`ClientAddressMiddleware`).
    public var clientAddress: String?
    /// The connection's peer is a trusted proxy: its `X-Forwarded-*` headers speak for the
    /// visitor (`ClientAddressMiddleware`).
    public var viaTrustedProxy = false
    /// The connection's event loop, for bodies that must wait until their writes are taken
    /// (``FileChunkReader/send(_:_:eventLoop:to:)``).
    public let eventLoop: any EventLoop

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
        self.eventLoop = source.channel.eventLoop
    }
}

/// Who is calling the admin API: the token's name (recorded in the audit) and scope.
public struct AdminIdentity: Sendable {
    public var name: String
    public var scope: AdminScope
}
