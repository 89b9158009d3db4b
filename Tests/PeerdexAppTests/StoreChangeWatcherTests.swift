import Foundation
import PeerdexCore
import PeerdexStore
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// Changes to the book by anyone else are noticed, promptly, without the writer connection.
@Suite(.timeLimit(.minutes(1))) struct StoreChangeWatcherTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-watch-\(UUID().uuidString)")

    func waitReadable(_ descriptor: Int32?) -> Bool {
        guard let descriptor else { return true }  // no inotify: only the safety interval applies
        var polled = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&polled, 1, 10_000) == 1
    }

    @Test func writesByAnotherConnectionAndAnotherThreadAreNoticed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let start = Date()
        let watcher = try StoreChangeWatcher(database: book.database, directory: directory.path, now: start)
        #expect(!watcher.changed(at: start))  // nothing written, and no check due

        // Another connection (as another process would) commits
        let other = try ContactDatabase.open(at: directory.databasePath)
        try other.add(Fixtures.contact(1, name: "Anna"))
        #expect(waitReadable(watcher.descriptor))
        let seen = start.addingTimeInterval(0.2)
        watcher.takeEvents(at: seen)
        #expect(watcher.changed(at: seen))
        #expect(!watcher.changed(at: seen.addingTimeInterval(0.05)))

        // Another thread of this process commits through the same database
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? book.database.setFavorite(Fixtures.peerID(1), true, at: Fixtures.now)
            done.signal()
        }
        done.wait()
        #expect(waitReadable(watcher.descriptor))
        let later = seen.addingTimeInterval(0.2)
        watcher.takeEvents(at: later)
        #expect(watcher.changed(at: later))
    }

    @Test func changesAreReportedAtMostOncePerInterval() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let start = Date()
        let watcher = try StoreChangeWatcher(database: book.database, directory: directory.path, now: start)
        try book.database.add(Fixtures.contact(1))
        #expect(waitReadable(watcher.descriptor))
        watcher.takeEvents(at: start)
        #expect(watcher.changed(at: start))
        try book.database.add(Fixtures.contact(2))
        #expect(waitReadable(watcher.descriptor))
        let soon = start.addingTimeInterval(StoreChangeWatcher.minimumInterval / 2)
        watcher.takeEvents(at: soon)
        #expect(!watcher.changed(at: soon))
        #expect(watcher.nextCheck() == start.addingTimeInterval(StoreChangeWatcher.minimumInterval))
        #expect(watcher.changed(at: watcher.nextCheck()))
    }

    @Test func aCommitThatBecomesVisibleAfterItsLastWriteIsCaughtByAFollowUp() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let start = Date()
        let watcher = try StoreChangeWatcher(database: book.database, directory: directory.path, now: start)
        // A write to the WAL that is not a commit yet (closing it after writing, as here, is one)
        let wal = open(directory.databasePath + "-wal", O_WRONLY | O_APPEND)
        close(wal)
        #expect(waitReadable(watcher.descriptor))
        watcher.takeEvents(at: start)
        #expect(!watcher.changed(at: start))
        // The commit lands, with no write event of its own read here
        try ContactDatabase.open(at: directory.databasePath).add(Fixtures.contact(3))
        let followUp = watcher.nextCheck()
        #expect(followUp == start.addingTimeInterval(StoreChangeWatcher.followUps[1]))
        #expect(watcher.changed(at: followUp))
    }

    @Test func withNoEventAtAllTheSafetyCheckFindsTheChange() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let start = Date()
        let watcher = try StoreChangeWatcher(database: book.database, directory: directory.path, now: start)
        try ContactDatabase.open(at: directory.databasePath).add(Fixtures.contact(4))
        #expect(watcher.nextCheck() == start.addingTimeInterval(StoreChangeWatcher.safetyInterval))
        #expect(watcher.changed(at: watcher.nextCheck()))
    }
}
