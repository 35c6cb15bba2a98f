#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit (RLIMIT_NOFILE).
enum DescriptorLimit {
    /// Raises the soft limit to the hard one (systemd's default soft limit is 1024, its hard
    /// limit 524288; `LimitNOFILE=` in the unit sets both) and returns the soft limit now in
    /// force, so the connection cap can stay below it.
    static func raised() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var wanted = limit
            wanted.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &wanted) == 0 { limit = wanted }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
