import Foundation
import GRDB
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

/// Several openers and writers on one file: migrations, locks and what a caller sees when busy.
@Suite(.timeLimit(.minutes(1))) struct ContactDatabaseConcurrencyTests {
    let path = NSTemporaryDirectory() + "peerdex-concurrency-\(UUID().uuidString).sqlite"

    func removeFiles() {
        for suffix in ["", "-wal", "-shm", "-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func manyOpenersOfANewBookAllSucceed() throws {
        defer { removeFiles() }
        // Given 24 openers released together on a file that does not exist yet
        let openers = 24
        let results = Locked([String?](repeating: "not run", count: openers))
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for index in 0..<openers {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                do {
                    let database = try ContactDatabase.open(at: path)
                    _ = try database.count(in: .all)
                    results.withLock { $0[index] = nil }
                } catch {
                    results.withLock { $0[index] = "\(error)" }
                }
                group.leave()
            }
        }
        for _ in 0..<openers { start.signal() }
        group.wait()
        // Then every one opened it, and the schema was applied once
        #expect(results.withLock { $0 }.compactMap { $0 } == [])
        let applied = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ContactDatabase.migrator.migrations)
    }

    @Test func aWriterHeldUpByAnotherProcessIsToldItIsBusy() throws {
        defer { removeFiles() }
        let database = try ContactDatabase.open(at: path, busyTimeout: 0.2)
        try database.add(Fixtures.contact(1, name: "Anna"))
        // Given another connection that holds the write lock
        let other = try DatabaseQueue(path: path)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            // When we write
            #expect(throws: ContactStoreError.busy(path: path)) {
                try database.setFavorite(Fixtures.peerID(1), true, at: Fixtures.now)
            }
            try db.execute(sql: "ROLLBACK")
        }
        // Then the error says so and may be retried, and a retry succeeds
        #expect(ContactStoreError.busy(path: path).isTransient)
        #expect(ContactStoreError.busy(path: path).description.contains("is busy"))
        #expect(try database.setFavorite(Fixtures.peerID(1), true, at: Fixtures.now).isFavorite)
    }
}
