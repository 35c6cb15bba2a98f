public import Catalog
public import Hummingbird

/// The request context of every galleryd route.
public struct GalleryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The admin token that authenticated the request, on admin routes.
    public var admin: AdminIdentity?
    /// The client's address (the peer of the connection; galleryd sits behind no proxy
    /// it trusts), for rate limits and the keyed hash in the consent log.
    public let clientAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// Who is calling the admin API: the token's name (recorded in the audit) and scope.
public struct AdminIdentity: Sendable {
    public var name: String
    public var scope: AdminScope
}
