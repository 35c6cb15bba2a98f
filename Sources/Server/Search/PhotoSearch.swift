import Catalog
import Foundation
import GalleryCore
import Synchronization

/// The ``SearchIndex`` of what is published now, kept by this node from the catalog.
///
/// Like the gallery JSON (``GalleryDocumentCache``), it is brought up to date by the first
/// search after a commit: one query for every gallery's revision, then a rebuild of the
/// galleries whose revision (or the publication epoch) moved. The index is built from the
/// gallery documents themselves, so embargoed, expired, withdrawn and erased photos are
/// left out by the one publication rule, and both stores find and rank alike. A search
/// waits for that look (single flight), so a takedown is gone from the next search.
final class PhotoSearch: Sendable {
    private struct State {
        var index: SearchIndex
        /// What the index was brought up to date at (nil: never).
        var stamp: CatalogStamp?
        var epoch: UInt64 = 0
        var refresh: Task<CatalogStamp, any Error>?
    }

    private let catalog: any GalleryReader
    private let clock: PublicationClock
    /// The stemmer the index is built with, and queries are to be parsed with.
    let stemmer: any WordStemmer
    private let state: Mutex<State>

    init(catalog: any GalleryReader, clock: PublicationClock, stemmer: any WordStemmer) {
        self.catalog = catalog
        self.clock = clock
        self.stemmer = stemmer
        self.state = Mutex(State(index: SearchIndex(timeZone: clock.timeZone)))
    }

    /// The index as of this request's catalog stamp. While the catalog is away, the index
    /// last built is used, stale by at most the outage.
    func index() async throws -> SearchIndex {
        let stamp = catalog.stamp()
        let epoch = clock.epoch
        // A look already under way may have started before this request's commit: then
        // one more (a bounded number: under a stream of commits, the latest finished one).
        for _ in 0..<3 {
            let (current, refresh) = state.withLock { state -> (SearchIndex?, Task<CatalogStamp, any Error>?) in
                if state.stamp == stamp, state.epoch == epoch { return (state.index, nil) }
                if let running = state.refresh { return (nil, running) }
                let task = Task { try await self.refresh(stamp: stamp, epoch: epoch) }
                state.refresh = task
                return (nil, task)
            }
            if let current { return current }
            do {
                if try await refresh!.value == stamp { break }
            } catch  where TransientFault(error) != nil {
                if let stale = state.withLock({ $0.stamp == nil ? nil : $0.index }) { return stale }
                throw error
            }
        }
        return state.withLock { $0.index }
    }

    private func refresh(stamp: CatalogStamp, epoch: UInt64) async throws -> CatalogStamp {
        defer { state.withLock { $0.refresh = nil } }
        var index = state.withLock { $0.index }
        let now = clock.now()
        let revisions = try await catalog.publishedRevisions(at: now)
        for slug in index.segments.keys where revisions[slug] == nil {
            index.remove(slug: slug)
        }
        for (slug, revision) in revisions where index.segments[slug]?.version != [UInt64(revision), epoch] {
            if let built = try await catalog.gallery(slug: slug, at: now) {
                index.replace(built.document, version: [UInt64(built.revision), epoch], stemmer: stemmer)
            } else {
                index.remove(slug: slug)
            }
        }
        index.prepare()
        state.withLock { state in
            state.index = index
            state.stamp = stamp
            state.epoch = epoch
        }
        return stamp
    }
}
