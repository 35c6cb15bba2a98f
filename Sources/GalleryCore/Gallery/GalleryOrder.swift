public import Foundation

/// Display order of a gallery's files: the sidecar's list first, then by capture time,
/// then by name (DESIGN.md).
public struct GalleryOrder: Sendable {
    public struct Entry: Sendable {
        public var fileName: String
        public var takenAt: Date?

        public init(fileName: String, takenAt: Date?) {
            self.fileName = fileName
            self.takenAt = takenAt
        }
    }

    public var explicitOrder: [String]

    public init(explicitOrder: [String]?) {
        self.explicitOrder = explicitOrder ?? []
    }

    public func sorted(_ entries: [Entry]) -> [Entry] {
        let rank = Dictionary(explicitOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return entries.sorted { lhs, rhs in
            switch (rank[lhs.fileName], rank[rhs.fileName]) {
            case (let l?, let r?): return l < r
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): break
            }
            switch (lhs.takenAt, rhs.takenAt) {
            case (let l?, let r?) where l != r: return l < r
            case (.some, nil): return true
            case (nil, .some): return false
            default:
                return lhs.fileName.compare(rhs.fileName, options: [.numeric, .caseInsensitive]) == .orderedAscending
            }
        }
    }
}
