/// Rules for which files under the media root galleryd looks at, and which it leaves alone.
public enum MediaPath {
    /// File names that are never images of a gallery: sidecars, hidden files, temp files of
    /// rsync (`.name.XXXXXX`), editors (`name~`, `.swp`) and partial downloads.
    public static func isIgnored(fileName: String) -> Bool {
        if fileName.hasPrefix(".") || fileName.hasSuffix("~") { return true }
        let lower = fileName.lowercased()
        let ignoredSuffixes = [".tmp", ".part", ".crdownload", ".swp", ".swx", ".partial", ".filepart"]
        if ignoredSuffixes.contains(where: lower.hasSuffix) { return true }
        let ignoredNames: Set<String> = ["thumbs.db", "desktop.ini", GallerySidecar.fileName]
        return ignoredNames.contains(lower) || lower.hasPrefix("~$")
    }
}
