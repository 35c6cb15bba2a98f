import Foundation

/// A rendition folder: the source's hash and the variant key.
public struct VariantLocation: Hashable, Sendable {
    public var sourceHash: String
    public var variantKey: String

    package init(sourceHash: String, variantKey: String) {
        self.sourceHash = sourceHash
        self.variantKey = variantKey
    }
}
