import Foundation
import PeerdexCore
import PeerdexStore
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// Changes to the book by anyone else are noticed, without the writer connection.
@Suite(.timeLimit(.minutes(1))) struct StoreChangeWatcherTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-watch-\(UUID().uuidString)")

    func waitReadable(_ descriptor: Int32?) -> Bool {
        guard let descriptor else { return true }  // no inotify: the fallback interval applies
        var polled = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&polled, 1, 10_000) == 1
    }

    @Test func writesByAnotherConnectionAndAnotherThreadAreNoticed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let watcher = try StoreChangeWatcher(database: book.database, directory: directory.path)
        var now = Date()
        // Nothing written: nothing to report
        watcher.takeEvents()
        #expect(!watcher.changed(at: now.addingTimeInterval(2)))

        // Another connection (as another process would) commits
        let other = try ContactDatabase.open(at: directory.databasePath)
        try other.add(Fixtures.contact(1, name: "Anna"))
        #expect(waitReadable(watcher.descriptor))
        watcher.takeEvents()
        now = now.addingTimeInterval(4)
        #expect(watcher.changed(at: now))
        #expect(!watcher.changed(at: now.addingTimeInterval(2)))

        // Another thread of this process commits through the same database
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? book.database.setFavorite(Fixtures.peerID(1), true, at: Fixtures.now)
            done.signal()
        }
        done.wait()
        #expect(waitReadable(watcher.descriptor))
        watcher.takeEvents()
        #expect(watcher.changed(at: now.addingTimeInterval(6)))
    }

    @Test func checksAreSpacedOut() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let watcher = try StoreChangeWatcher(database: book.database, directory: directory.path)
        try book.database.add(Fixtures.contact(1))
        #expect(waitReadable(watcher.descriptor))
        watcher.takeEvents()
        let start = Date()
        #expect(watcher.changed(at: start))
        try book.database.add(Fixtures.contact(2))
        #expect(waitReadable(watcher.descriptor))
        watcher.takeEvents()
        // Too soon after the last check: it waits for its turn, and the loop wakes for it then
        #expect(!watcher.changed(at: start.addingTimeInterval(StoreChangeWatcher.minimumInterval / 2)))
        #expect(watcher.nextCheck() == start.addingTimeInterval(StoreChangeWatcher.minimumInterval))
        #expect(watcher.changed(at: start.addingTimeInterval(StoreChangeWatcher.minimumInterval)))
        #expect(watcher.nextCheck() == nil)
    }
}
