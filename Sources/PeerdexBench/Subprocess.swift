import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Spawns a program with `posix_spawn` and times it from spawn to exit.
///
/// Not Foundation's `Process`: it starts helper threads and run-loop machinery whose cost would
/// land in the measurement; `posix_spawn` plus `waitpid` is as close to what a shell does as we get.
struct Subprocess {
    /// How a finished process ended, and how long it lived.
    struct Outcome {
        /// The exit status (or 128 + signal number).
        var status: Int32
        /// What it wrote on stdout, when captured.
        var output: String
        /// What it wrote on stderr.
        var errorOutput: String
        /// Milliseconds from just before spawning to just after `waitpid` returned.
        var milliseconds: Double
    }

    /// The executable's path.
    let path: String
    /// Arguments, without the program name.
    let arguments: [String]
    /// Extra environment variables, on top of ours.
    var environment: [String: String] = [:]
    /// Where stderr is kept (a file, so that a chatty process never blocks on a full pipe).
    let errorPath: String

    /// Runs to completion; stdout goes to /dev/null unless `captureOutput`.
    func run(captureOutput: Bool = false) throws -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else { throw BenchError("pipe: \(String(cString: strerror(errno)))") }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
            posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let start = Monotonic.now()
        let pid = try Self.spawn(path, arguments, environment: environment, actions: &actions, attributes: nil)
        var output = Data()
        if captureOutput {
            close(pipeEnds[1])
            output = Self.readAll(pipeEnds[0])
            close(pipeEnds[0])
        }
        let status = Self.wait(pid)
        let milliseconds = Monotonic.milliseconds(since: start)
        let errorOutput = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        return Outcome(
            status: status, output: String(decoding: output, as: UTF8.self), errorOutput: errorOutput,
            milliseconds: milliseconds)
    }

    /// Runs and fails unless the exit status is 0; the error carries the process's stderr.
    func runChecked(captureOutput: Bool = false) throws -> Outcome {
        let outcome = try run(captureOutput: captureOutput)
        guard outcome.status == 0 else {
            let command = ([path] + arguments).joined(separator: " ")
            throw BenchError("\(command) exited with \(outcome.status): \(outcome.errorOutput.suffix(2000))")
        }
        return outcome
    }

    // MARK: - posix_spawn plumbing

    /// Spawns `path` with our environment plus `environment`; returns the child's pid.
    static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String],
        actions: inout posix_spawn_file_actions_t, attributes: UnsafePointer<posix_spawnattr_t>?
    ) throws -> pid_t {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, attributes, argv, envp)
        guard result == 0 else { throw BenchError("cannot run \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Waits for a child and returns its exit status, or 128 + the signal that killed it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Reads a descriptor to end of file.
    static func readAll(_ descriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }
}
