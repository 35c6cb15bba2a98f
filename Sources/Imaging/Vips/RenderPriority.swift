internal import CVips
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Image work runs at a lower CPU priority than serving (Linux `nice`, per thread), so a
/// folder of photos being rendered cannot starve the HTTP event loops: when both want the
/// cores, the scheduler gives serving threads about nine times the share at nice 10 (CFS
/// weights 1024 against 110), and when serving is idle, rendering takes everything.
///
/// Threads libvips starts inherit the nice value of the thread that starts them — always a
/// render thread here — so its worker pool runs at the same priority.
public enum RenderPriority {
    /// The nice value of render threads, 0 (as serving) to 19; `ingest.renderNice`.
    public static func set(_ nice: Int) {
        level.store(min(19, max(0, nice)), ordering: .relaxed)
    }

    private static let level = Atomic<Int>(10)

    /// The nice value of print downloads: below every web rendition (CFS weight 15 against
    /// 110 at nice 10), so a download made in the background takes the cores only when
    /// the next photo's web set does not want them.
    static let downloadNice = 19

    /// Runs `body` on this thread at the render priority (or `nice`, if lower), then
    /// restores the thread's own.
    static func lowered<T, E: Error>(to nice: Int? = nil, _ body: () throws(E) -> T) throws(E) -> T {
        let nice = max(nice ?? 0, level.load(ordering: .relaxed))
        guard nice > 0 else { return try body() }
        let thread = id_t(gd_thread_id())
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let before = getpriority(which, thread)
        let known = errno == 0
        _ = setpriority(which, thread, Int32(nice))
        // Raising the priority back may be refused without CAP_SYS_NICE; such a thread
        // (a dispatch worker) then simply stays low, which costs serving nothing.
        defer { if known { _ = setpriority(which, thread, before) } }
        return try body()
    }

    /// This thread's nice value.
    static var threadNice: Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(gd_thread_id()))
    }
}
