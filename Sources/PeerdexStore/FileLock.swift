import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock on a file (`flock(2)`), held by one process at a time, for work that must not
/// run in two processes at once (migrating a book that several processes open together).
enum FileLock {
    /// How long to wait for another process to finish before giving up.
    static let timeout: TimeInterval = 60

    /// Runs `body` while holding the lock on `path` (created if missing); waits for another holder.
    /// `purpose` says, in an error, what was being waited for.
    static func holding<T>(_ path: String, purpose: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ContactStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }  // closing releases the lock
        let deadline = Date().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw ContactStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            guard Date() < deadline else {
                throw ContactStoreError.cannotOpen(
                    path: path, reason: "another peerdex has been trying to \(purpose) for \(Int(timeout)) s")
            }
            usleep(5_000)
        }
        return try body()
    }
}
