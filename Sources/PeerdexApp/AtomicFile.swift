import Foundation

/// Writes files so that a reader sees either the old content or the whole new one, never a part.
///
/// Both operations write a temporary file in the target's directory, `fsync` it, and only then
/// put it in place with one system call: `rename(2)` to replace, `link(2)` to create. A full disk,
/// a crash or a kill at any moment leaves the previous file (or no file) where it was.
enum AtomicFile {
    /// Replaces `path` (or creates it) with `data`. A replaced file keeps its permissions unless
    /// `forceMode` (a secret must stay owner-only whatever it had); a new one gets `mode`.
    static func replace(_ path: String, with data: Data, mode: mode_t = 0o600, forceMode: Bool = false) throws(AppError) {
        var existing = stat()
        let keptMode = !forceMode && stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : mode
        let temporary = try writeTemporary(data, besides: path, mode: keptMode)
        guard rename(temporary, path) == 0 else {
            let reason = errorText()
            unlink(temporary)
            throw .unwritableFile(path: path, reason: reason)
        }
        syncDirectory(of: path)
    }

    /// Creates `path` holding `data` unless a file is already there; returns false (writing
    /// nothing) when one is. Two processes racing to create the same file: exactly one wins, and
    /// the other then reads the winner's whole file.
    static func createIfAbsent(_ path: String, with data: Data, mode: mode_t) throws(AppError) -> Bool {
        let temporary = try writeTemporary(data, besides: path, mode: mode)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw .unwritableFile(path: path, reason: errorText())
        }
        syncDirectory(of: path)
        return true
    }

    // MARK: - Steps

    /// Writes `data` to a new file beside `path` (same directory, so that rename and link stay on
    /// one file system) and syncs it; returns the temporary file's path.
    private static func writeTemporary(_ data: Data, besides path: String, mode: mode_t) throws(AppError) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).XXXXXX"
        var template = Array(url.deletingLastPathComponent().appendingPathComponent(name).path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .unwritableFile(path: path, reason: errorText()) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        if fchmod(descriptor, mode) != 0 { failure = errorText() }
        if failure == nil { failure = writeAll(data, to: descriptor) }
        if failure == nil, fsync(descriptor) != 0 { failure = errorText() }
        if close(descriptor) != 0, failure == nil { failure = errorText() }
        if let failure {
            unlink(temporary)
            throw .unwritableFile(path: path, reason: failure)
        }
        return temporary
    }

    /// Writes every byte, going on after short writes and interruptions; the reason on failure.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> String? {
        data.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errorText()
                }
                offset += written
            }
            return nil
        }
    }

    /// Makes the new directory entry durable too (a rename is only on disk once its directory is).
    private static func syncDirectory(of path: String) {
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        guard directory >= 0 else { return }
        fsync(directory)
        close(directory)
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
