public import Catalog
public import Hummingbird

/// The request context of every galleryd route.
public struct GalleryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The admin token that authenticated the request, on admin routes.
    public var admin: AdminIdentity?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}

/// Who is calling the admin API: the token's name (recorded in the audit) and scope.
public struct AdminIdentity: Sendable {
    public var name: String
    public var scope: AdminScope
}
