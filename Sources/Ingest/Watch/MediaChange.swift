/// Something that happened in the media folder, as the watcher reports it. Paths are
/// relative to the media root.
public enum MediaChange: Sendable, Equatable {
    /// A file was written and closed (`renamed: false`), or renamed into place (`true`,
    /// atomic, so certainly complete).
    case fileCompleted(String, renamed: Bool)
    /// A file was created or written to and is still open: it may be incomplete.
    case fileTouched(String)
    /// A file was deleted or moved away.
    case fileRemoved(String)
    /// A folder appeared (created, or moved in with whatever it holds).
    case folderAdded(String)
    /// A folder was deleted or moved away.
    case folderRemoved(String)
    /// Events were lost (queue overflow): only a full rescan is reliable now.
    case overflow
    /// The media root itself was deleted or moved.
    case rootRemoved
}
