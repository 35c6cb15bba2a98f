import Hummingbird

/// Entity tags and `If-None-Match` (RFC 9110 §13.1.2: weak comparison for GET).
enum EntityTag {
    /// True when an `If-None-Match` header lists `etag` or is `*`.
    static func matches(_ ifNoneMatch: String?, _ etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        let opaque = Self.opaque(etag)
        return ifNoneMatch.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingWhitespace()
            return tag == "*" || Self.opaque(String(tag)) == opaque
        }
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag[...]
    }

    /// 304 with the validators and caching headers a 200 would carry.
    static func notModified(etag: String, cacheControl: String, vary: String? = nil) -> Response {
        var headers: HTTPFields = [.eTag: etag, .cacheControl: cacheControl]
        if let vary { headers[.vary] = vary }
        return Response(status: .notModified, headers: headers)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let trimmedStart = drop(while: \.isWhitespace)
        var end = trimmedStart.endIndex
        while end > trimmedStart.startIndex, trimmedStart[trimmedStart.index(before: end)].isWhitespace {
            end = trimmedStart.index(before: end)
        }
        return Substring(trimmedStart[..<end])
    }
}
