internal import CVips
import Foundation

/// Process-wide libvips set-up for a daemon: initialised once, operation cache off (a
/// pipeline never repeats an operation), at most one heavy step per core across all
/// images, untrusted loaders blocked.
public enum VipsRuntime {
    /// Initialises libvips on first use. Safe to call from any thread, any number of times.
    public static func start() {
        _ = initialization
    }

    private static let initialization: Void = {
        guard gd_vips_init("galleryd") == 0 else {
            fatalError("libvips could not start: \(VipsError.takeMessage())")
        }
        let environment = ProcessInfo.processInfo.environment
        if environment["GALLERYD_VIPS_WARNINGS"] == nil { gd_silence_warnings() }
        if environment["MALLOC_ARENA_MAX"] == nil { gd_limit_malloc_arenas(2) }
        vips_cache_set_max(0)
        vips_cache_set_max_mem(0)
        vips_cache_set_max_files(0)
        // Loaders libvips marks untrusted (e.g. ImageMagick, matlab, FITS) never run here.
        vips_block_untrusted_set(1)
        // Threads per pipeline: decoding and resizing one image uses every core (a photo
        // dropped alone is online sooner); `heavySteps` keeps the total in bounds.
        vips_concurrency_set(Int32(ProcessInfo.processInfo.activeProcessorCount))
    }()

    /// Bytes of pixel memory libvips holds right now (for `/metrics`).
    public static var trackedMemory: Int {
        start()
        return Int(vips_tracked_get_mem())
    }

    /// Heavy steps (decode, resize, encode) running at once, across all images: one per
    /// core. Several images in parallel, each with parallel encodes, would otherwise hold
    /// cores × workers encoders' buffers at the same time for no gain in speed.
    static let heavySteps = DispatchSemaphore(value: ProcessInfo.processInfo.activeProcessorCount)
}

/// A libvips failure, with libvips' own message.
public struct VipsError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var message: String

    init(_ operation: String) {
        self.operation = operation
        self.message = Self.takeMessage()
    }

    public var description: String { "\(operation): \(message)" }

    /// Reads and clears libvips' process-wide error buffer; call right at the failing call.
    static func takeMessage() -> String {
        guard let buffer = vips_error_buffer_copy() else { return "unknown libvips error" }
        defer { gd_free(buffer) }
        vips_error_clear()
        let text = String(cString: buffer).trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = text.split(separator: "\n").map(String.init)
        // Concurrent failures share the buffer; keep it short and distinct.
        var seen = Set<String>()
        let unique = lines.filter { seen.insert($0).inserted }
        return unique.prefix(3).joined(separator: "; ").isEmpty
            ? "unknown libvips error" : unique.prefix(3).joined(separator: "; ")
    }
}
