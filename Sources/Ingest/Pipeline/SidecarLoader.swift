import Foundation
import GalleryCore
import Synchronization
import Yams

/// Reads a gallery folder's `gallery.yaml`. A broken sidecar is reported, never fatal: the
/// gallery keeps its last good sidecar (or, for a new one, the folder's defaults).
///
/// Sidecars come from photographers, so they are read as untrusted input: at most
/// `ingest.maxSidecarBytes`, no anchors, aliases or tags and no deep nesting
/// (``SidecarSyntax``), and decoded on a thread of their own within a time budget, never on
/// the cooperative threads that serve requests.
public enum SidecarLoader {
    /// `ingest.maxSidecarBytes`' default: 256 KiB, some 5,000 described files.
    public static let defaultMaximumBytes = 256 * 1024
    /// How long decoding may take before the sidecar is reported as too costly to read.
    static let defaultBudget: Duration = .seconds(5)

    static func load(
        folderPath: String, maximumBytes: Int = defaultMaximumBytes, budget: Duration = defaultBudget
    ) async -> (sidecar: GallerySidecar?, error: String?) {
        let name = GallerySidecar.fileName
        let path = folderPath + "/" + name
        guard let status = FileStatus.of(path) else { return (nil, nil) }
        guard status.kind == .regular else { return (nil, "\(name) is not a regular file") }
        guard status.size <= maximumBytes else {
            return (nil, "\(name) has \(status.size) bytes, more than ingest.maxSidecarBytes (\(maximumBytes))")
        }
        let text: String
        do {
            let data = try SourceFile.read(path, maximumBytes: maximumBytes)
            guard let decoded = String(data: data, encoding: .utf8) else { return (nil, "\(name) is not UTF-8") }
            text = decoded
        } catch {
            return (nil, "\(name): \(error)")
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return (GallerySidecar(), nil) }
        if let problem = SidecarSyntax.problem(in: text) { return (nil, "\(name): \(problem)") }
        switch await decode(text, budget: budget) {
        case .success(let sidecar): return (sidecar, nil)
        case .failure(let error): return (nil, "\(name): \(error.description)")
        }
    }

    struct DecodeError: Error {
        var description: String
    }

    /// Decodes on a thread of its own; gives up waiting after `budget` (the thread then
    /// finishes on its own and its result is dropped).
    static func decode(_ text: String, budget: Duration) async -> Result<GallerySidecar, DecodeError> {
        await withCheckedContinuation { continuation in
            let answered = FirstAnswer()
            let answer: @Sendable (Result<GallerySidecar, DecodeError>) -> Void = { result in
                if answered.take() { continuation.resume(returning: result) }
            }
            let thread = Thread {
                do {
                    answer(.success(try YAMLDecoder().decode(GallerySidecar.self, from: text)))
                } catch {
                    // One line: YAML errors quote the sidecar's lines.
                    answer(.failure(DecodeError(description: "\(error)")))
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
            let seconds = Double(budget.components.seconds) + Double(budget.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                answer(.failure(DecodeError(description: "took longer than \(budget) to read; is it that large?")))
            }
        }
    }
}

/// True for the first caller only.
private final class FirstAnswer: Sendable {
    private let given = Mutex(false)

    func take() -> Bool {
        given.withLock { given in
            defer { given = true }
            return !given
        }
    }
}
