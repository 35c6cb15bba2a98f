import Foundation
import GalleryCore
import Yams

/// Reads a gallery folder's `gallery.yaml`. A broken sidecar is reported, never fatal:
/// the gallery is still published with the folder's defaults.
enum SidecarLoader {
    static let maximumBytes = 1024 * 1024

    static func load(folderPath: String) -> (sidecar: GallerySidecar?, error: String?) {
        let path = folderPath + "/" + GallerySidecar.fileName
        guard let status = FileStatus.of(path) else { return (nil, nil) }
        guard status.kind == .regular else { return (nil, "\(GallerySidecar.fileName) is not a regular file") }
        guard status.size <= maximumBytes else { return (nil, "\(GallerySidecar.fileName) is larger than 1 MiB") }
        do {
            let data = try SourceFile.read(path, maximumBytes: maximumBytes)
            guard let text = String(data: data, encoding: .utf8) else {
                return (nil, "\(GallerySidecar.fileName) is not UTF-8")
            }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return (GallerySidecar(), nil) }
            return (try YAMLDecoder().decode(GallerySidecar.self, from: text), nil)
        } catch {
            return (nil, "\(GallerySidecar.fileName): \(error)")
        }
    }
}
