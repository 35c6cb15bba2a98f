import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL cluster for this test process: Debian's `initdb` and `pg_ctl` in a
/// temp folder, listening on a Unix socket in that folder only (no TCP port), fsync off;
/// stopped and removed when the process exits. Run as root, the server runs as the
/// `postgres` user (`runuser`), which PostgreSQL requires. Each test gets a database of its own.
public actor PostgresCluster {
    public static let shared = PostgresCluster()

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    private var folder: String?
    private var databases = 0
    nonisolated(unsafe) private static var dataFolderToStop: String?
    nonisolated(unsafe) private static var binFolder = ""

    /// A new, empty database on the cluster (started on first use), as `catalog.url` names
    /// it: `postgres://postgres@/<name>?host=<socket folder>`.
    public func newDatabase() throws -> String {
        let folder = try startIfNeeded()
        databases += 1
        let name = "galleryd_test_\(databases)"
        try Self.run("createdb", ["-h", folder, name])
        return "postgres://postgres@/\(name)?host=\(folder)"
    }

    private func startIfNeeded() throws -> String {
        if let folder { return folder }
        Self.binFolder = try Self.serverBinaries()
        let folder = "/tmp/galleryd-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw Unavailable(description: "no postgres user: apt-get install postgresql (scripts/install-deps)")
            }
            chown(folder, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        let data = folder + "/data"
        try Self.run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])
        try Self.run(
            "pg_ctl",
            [
                "-D", data, "-l", folder + "/server.log", "-w", "-t", "60", "-o",
                "-k \(folder) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                "start",
            ])
        Self.dataFolderToStop = data
        atexit {
            guard let data = PostgresCluster.dataFolderToStop else { return }
            try? PostgresCluster.run("pg_ctl", ["-D", data, "-m", "immediate", "stop"])
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: data).deletingLastPathComponent().path)
        }
        self.folder = folder
        return folder
    }

    /// `/usr/lib/postgresql/<newest>/bin`.
    static func serverBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        guard let newest = versions.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(newest)/bin/initdb")
        else {
            throw Unavailable(
                description: "PostgreSQL's server is not installed: apt-get install postgresql (scripts/install-deps)")
        }
        return "\(root)/\(newest)/bin"
    }

    /// Runs one of the server's programs, as `postgres` when this process is root. Spawned
    /// and reaped here (posix_spawn, waitpid): Foundation's `Process` on Linux sometimes
    /// never sees such a child exit (seen: `runuser` left a zombie, `waitUntilExit` hung).
    /// Output goes to a file, not a pipe, which the server `pg_ctl start` leaves running
    /// would hold open.
    static func run(_ program: String, _ arguments: [String]) throws {
        let path = binFolder + "/" + program
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let outputPath = "/tmp/galleryd-pg-\(getpid())-\(program)-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw Unavailable(description: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exited normally with status 0 (WIFEXITED && WEXITSTATUS == 0).
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            throw Unavailable(description: "\(program) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}
