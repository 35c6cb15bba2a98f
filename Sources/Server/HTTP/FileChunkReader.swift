import HummingbirdCore
import NIOCore
import NIOPosix
import SystemPackage

/// Reads a file in chunks into three buffers used in turn, so a download of any length
/// allocates three chunks and no more.
///
/// Why not a fresh buffer per chunk (as Hummingbird's `FileIO` does): with 20 clients
/// taking one 256 MB download at once, RSS grew from 138 to 1,297 MB and kept 1,154 MB
/// after, freed chunks held in glibc's thread arenas (`malloc_stats`: 2.6 GB "system",
/// under 1 MB in use). A buffer comes round again only after two later chunks were taken
/// by the connection (see ``send(_:_:eventLoop:to:)``), so it is refilled in place.
///
/// The reads run on NIO's thread pool (a `pread` never blocks the cooperative pool). One
/// reader serves one request, one read at a time.
final class FileChunkReader: @unchecked Sendable {
    static let chunkBytes = 384 << 10

    private let descriptor: SystemPackage.FileDescriptor
    private var buffers: [ByteBuffer]
    private var turn = 0

    init(path: String) throws {
        descriptor = try SystemPackage.FileDescriptor.open(
            SystemPackage.FilePath(path), .readOnly, options: [.closeOnExec])
        buffers = (0..<3).map { _ in ByteBufferAllocator().buffer(capacity: Self.chunkBytes) }
    }

    deinit {
        try? descriptor.close()
    }

    /// Bytes of the file from `offset`, at most `length` (≤ ``chunkBytes``); fewer only at
    /// the file's end. The buffer is valid until two more reads.
    func read(at offset: Int, length: Int) async throws -> ByteBuffer {
        let index = turn
        turn = (turn + 1) % buffers.count
        let length = min(length, Self.chunkBytes)
        try await NIOThreadPool.singleton.runIfActive { [self] in
            buffers[index].clear()
            var total = 0
            while total < length {
                let read = try buffers[index].writeWithUnsafeMutableBytes(minimumWritableBytes: length - total) {
                    raw in
                    try descriptor.read(
                        fromAbsoluteOffset: Int64(offset + total),
                        into: UnsafeMutableRawBufferPointer(rebasing: raw.prefix(length - total)))
                }
                guard read > 0 else { break }
                total += read
            }
        }
        return buffers[index]
    }

    /// A file ended before the part whose length was already sent: the response cannot be
    /// completed, and the connection ends.
    struct FileShortened: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) ended before the bytes promised" }
    }

    /// Sends `part` of the file at `path` to `writer`, in chunks as the connection takes
    /// them; throws ``FileShortened`` if the file ends first.
    ///
    /// After each chunk it waits for one turn of the connection's event loop. A write from
    /// a task is queued to the loop, and the loop says "not writable" only once it has
    /// run: with 20 clients keeping both loops busy, a task without the wait queued
    /// 120 MB per connection before the first "not writable" reached it (heaptrack, with
    /// `Benchmarks/zip`). With it, a connection holds about two chunks.
    static func send(
        _ path: String, _ part: Range<Int>, eventLoop: any EventLoop, to writer: inout any ResponseBodyWriter
    ) async throws {
        let reader = try FileChunkReader(path: path)
        var sent = 0
        while sent < part.count {
            let chunk = try await reader.read(at: part.lowerBound + sent, length: part.count - sent)
            guard chunk.readableBytes > 0 else { throw FileShortened(path: path) }
            sent += chunk.readableBytes
            try await writer.write(chunk)
            try await eventLoop.submit {}.get()
        }
    }

    /// The file's size in bytes.
    func size() throws -> Int {
        Int(try descriptor.seek(offset: 0, from: .end))
    }
}
