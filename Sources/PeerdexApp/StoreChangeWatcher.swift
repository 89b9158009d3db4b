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
/// a commit happened. The WAL is written *before* a commit becomes visible (the writer syncs the
/// file, then publishes the commit in shared memory, which inotify does not see), so a check that
/// finds nothing is repeated a few times shortly after the last write (`followUps`). A change is
/// reported at most once per `minimumInterval`, so a bulk import in another process costs a reload
/// a few times a second, not one per page written. And every `safetyInterval` the loop checks
/// anyway, so a change inotify missed, or a system without inotify, costs at most that long.
final class StoreChangeWatcher {
    /// The shortest time between two reported changes.
    static let minimumInterval: TimeInterval = 0.1
    /// When to check again after the last write, while no commit has shown up.
    static let followUps: [TimeInterval] = [0, 0.01, 0.03, 0.1, 0.3, 1]
    /// How often to check with no write seen.
    static let safetyInterval: TimeInterval = 1

    /// The inotify descriptor to wait on, or nil when inotify is unavailable.
    let descriptor: Int32?
    private let observer: StoreChangeObserver
    private let names: Set<String>
    private var lastCheck: Date
    private var lastChange = Date.distantPast
    /// The time of the last write seen, and how many follow-up checks of it have run.
    private var lastWrite: Date?
    private var followUpsDone = 0

    /// Watches the files of `database`, which lives in `directory`.
    init(database: ContactDatabase, directory: String, now: Date = Date()) throws(AppError) {
        guard let observer = try Self.observer(of: database) else {
            throw .terminal(reason: "an in-memory book has nothing to watch")
        }
        self.observer = observer
        names = Set(database.fileNames)
        lastCheck = now
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

    /// Reads the pending inotify events; a write to the book's files schedules checks.
    func takeEvents(at now: Date) {
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
                if names.contains(name) {
                    lastWrite = now
                    followUpsDone = 0
                }
                offset += MemoryLayout<inotify_event>.size + length
            }
        }
    }

    /// When the loop must wake next to check.
    func nextCheck() -> Date {
        var due = lastCheck.addingTimeInterval(Self.safetyInterval)
        if let lastWrite, followUpsDone < Self.followUps.count {
            due = min(due, lastWrite.addingTimeInterval(Self.followUps[followUpsDone]))
        }
        return max(due, lastChange.addingTimeInterval(Self.minimumInterval))
    }

    /// Whether another connection committed since the last check; checks only when one is due.
    func changed(at now: Date) -> Bool {
        guard now >= nextCheck() else { return false }
        lastCheck = now
        let changed = (try? observer.hasChanged()) ?? true  // a failed check reloads: the reload shows the error
        if changed {
            lastChange = now
            lastWrite = nil
        } else if let lastWrite {
            // Skip the follow-ups whose time has passed: each stands for one more chance.
            while followUpsDone < Self.followUps.count, lastWrite.addingTimeInterval(Self.followUps[followUpsDone]) <= now {
                followUpsDone += 1
            }
        }
        return changed
    }
}
