import Foundation
import PeerdexStore

#if canImport(Glibc)
import Glibc
#endif

/// Tells the TUI loop when the contact book was changed by anyone else: another process, or
/// another thread of this one.
///
/// An inotify watch on the data directory wakes the loop when the database or its WAL is
/// written; the loop then asks the `StoreChangeObserver` (its own read-only connection) whether
/// a commit happened. Checks are at least `minimumInterval` apart, so a bulk import in another
/// process costs a reload a few times a second, not one per page written. Where inotify is
/// missing, every `fallbackInterval` counts as a possible change.
final class StoreChangeWatcher {
    /// The shortest time between two checks.
    static let minimumInterval: TimeInterval = 0.1
    /// How often to check when the file system cannot tell.
    static let fallbackInterval: TimeInterval = 1

    /// The inotify descriptor to wait on, or nil when inotify is unavailable.
    let descriptor: Int32?
    private let observer: StoreChangeObserver
    private let names: Set<String>
    private var lastCheck = Date.distantPast
    /// A possible change not checked yet, because the last check was too recent.
    private var checkPending = false

    /// Watches the files of `database`, which lives in `directory`.
    init(database: ContactDatabase, directory: String) throws(AppError) {
        guard let observer = try Self.observer(of: database) else {
            throw .terminal(reason: "an in-memory book has nothing to watch")
        }
        self.observer = observer
        names = Set(database.fileNames)
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO)
        if descriptor >= 0, inotify_add_watch(descriptor, directory, mask) >= 0 {
            self.descriptor = descriptor
        } else {
            if descriptor >= 0 { close(descriptor) }
            self.descriptor = nil
        }
    }

    deinit { if let descriptor { close(descriptor) } }

    private static func observer(of database: ContactDatabase) throws(AppError) -> StoreChangeObserver? {
        do { return try database.changeObserver() } catch { throw .store(error) }
    }

    /// Reads the pending inotify events; call when `descriptor` is readable.
    func takeEvents() {
        guard let descriptor else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { return }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (length, name) = buffer.withUnsafeBytes { raw -> (Int, String) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let start = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[start..<min(count, start + Int(event.len))].prefix { $0 != 0 }
                    return (Int(event.len), String(decoding: nameBytes, as: UTF8.self))
                }
                if names.contains(name) { checkPending = true }
                offset += MemoryLayout<inotify_event>.size + length
            }
        }
    }

    /// When the loop must wake next to check, if a check is pending (or always, without inotify).
    func nextCheck() -> Date? {
        if descriptor == nil { return lastCheck.addingTimeInterval(Self.fallbackInterval) }
        return checkPending ? lastCheck.addingTimeInterval(Self.minimumInterval) : nil
    }

    /// Whether another connection committed since the last check; checks only when one is due.
    func changed(at now: Date) -> Bool {
        guard let due = nextCheck(), now >= due else { return false }
        checkPending = false
        lastCheck = now
        return (try? observer.hasChanged()) ?? true  // a failed check reloads: the reload shows the error
    }
}
