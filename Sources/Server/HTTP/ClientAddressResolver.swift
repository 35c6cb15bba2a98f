import Foundation
import HTTPTypes
import Hummingbird

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, or a network of them in CIDR notation (`10.0.0.0/8`, `::1`).
public struct AddressRange: Sendable, Hashable {
    let network: [UInt8]
    let prefixLength: Int

    /// `nil` unless `text` is an address with an optional `/prefix` that fits its family.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...address.count * 8).contains(parsed) else { return nil }
            length = parsed
        } else {
            length = address.count * 8
        }
        network = address
        prefixLength = length
    }

    /// Whether `address` (in text form) lies in this range; an IPv4 address written as
    /// IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as the IPv4 address.
    public func contains(_ address: String) -> Bool {
        Self.bytes(of: address).map(contains) ?? false
    }

    func contains(_ address: [UInt8]) -> Bool {
        var bytes = address
        if bytes.count == 16, network.count == 4, bytes.prefix(12) == Self.mappedPrefix[...] {
            bytes = Array(bytes.suffix(4))
        }
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for (index, byte) in network.enumerated() where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if bytes[index] & mask != byte & mask { return false }
            remaining -= 8
        }
        return true
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    /// The address's bytes (4 or 16), or `nil` if it is not an address.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// Finds the visitor's address when galleryd runs behind reverse proxies it trusts: for a
/// request from a trusted proxy, the right-most address in `X-Forwarded-For` that is not
/// itself a trusted proxy (entries further left can be written by anyone). Requests from
/// anywhere else keep the connection's peer, whatever headers they send.
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: [AddressRange]

    public init(trustedProxies: [AddressRange]) {
        self.trustedProxies = trustedProxies
    }

    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, let peerBytes = AddressRange.bytes(of: peer), isTrusted(peerBytes) else { return peer }
        var client = peer
        for entry in forwardedFor.flatMap({ $0.split(separator: ",") }).reversed() {
            let hop = entry.trimmingCharacters(in: .whitespaces)
            // A malformed entry ends the chain: the last hop that reported it is the client.
            guard let bytes = AddressRange.bytes(of: hop) else { return client }
            client = hop
            if !isTrusted(bytes) { return hop }
        }
        return client
    }

    func isTrusted(_ address: [UInt8]) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

/// Replaces the context's client address by the one the trusted proxies forwarded.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = GalleryRequestContext

    let resolver: ClientAddressResolver

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.viaTrustedProxy =
            context.clientAddress.flatMap(AddressRange.bytes(of:)).map(resolver.isTrusted) ?? false
        context.clientAddress = resolver.clientAddress(
            peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
