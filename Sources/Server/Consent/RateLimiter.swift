import Foundation

/// A token bucket per client address: consent writes beyond the rate get 429 (and a log
/// line), never a silently dropped decision.
actor RateLimiter {
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]
    private var lastWarning: [String: Date] = [:]
    let burst: Double
    let perSecond: Double

    init(burst: Double, perSecond: Double) {
        self.burst = burst
        self.perSecond = perSecond
    }

    /// True if the request may proceed.
    func allow(_ key: String, now: Date) -> Bool {
        if buckets.count > 50_000 { buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < 60 } }
        var bucket = buckets[key] ?? (burst, now)
        bucket.tokens = min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * perSecond)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[key] = bucket
        return allowed
    }

    /// True if `key` has a whole token left (nothing is taken).
    func hasCapacity(_ key: String, now: Date) -> Bool {
        guard let bucket = buckets[key] else { return true }
        return min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * perSecond) >= 1
    }

    /// True at most once a minute per key, so a flood logs one line, not thousands.
    func shouldWarn(_ key: String, now: Date) -> Bool {
        if let last = lastWarning[key], now.timeIntervalSince(last) < 60 { return false }
        lastWarning[key] = now
        if lastWarning.count > 10_000 { lastWarning = lastWarning.filter { now.timeIntervalSince($0.value) < 60 } }
        return true
    }
}

/// Keyed hashes of client addresses for the consent log, with a random key per UTC day
/// held only in memory: the same address gives the same hash within a day, and nothing
/// can map a hash back to an address once the day's key is gone.
actor AddressHasher {
    private var day = ""
    private var key: [UInt8] = []

    func hash(_ address: String, now: Date) -> String {
        let today = String(now.formatted(.iso8601).prefix(10))
        if today != day {
            day = today
            var generator = SystemRandomNumberGenerator()
            key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return KeyedHash.hex(key: key, message: address)
    }
}
