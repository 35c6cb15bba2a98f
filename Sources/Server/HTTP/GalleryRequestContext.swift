public import Hummingbird

/// The request context of every galleryd route.
public struct GalleryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
