import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// A file written by `AtomicFile` is never seen partly written, and a failure leaves nothing behind.
@Suite(.timeLimit(.minutes(1))) struct AtomicFileTests {
    let directory = NSTemporaryDirectory() + "peerdex-atomic-\(UUID().uuidString)"

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    /// Polls `path` while `write` runs on another thread; returns every size seen.
    func sizesSeen(at path: String, while write: @escaping @Sendable () throws -> Void) -> Set<Int> {
        let done = Locked(false)
        Thread.detachNewThread {
            try? write()
            done.set(true)
        }
        var sizes = Set<Int>()
        while !done.value {
            var info = stat()
            if stat(path, &info) == 0 { sizes.insert(Int(info.st_size)) }
        }
        var info = stat()
        if stat(path, &info) == 0 { sizes.insert(Int(info.st_size)) }
        return sizes
    }

    @Test func aCreatedFileAppearsWhole() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/big"
        let data = Data(repeating: 0x5A, count: 32 << 20)
        let sizes = sizesSeen(at: path) { _ = try AtomicFile.createIfAbsent(path, with: data, mode: 0o600) }
        #expect(sizes == [data.count])
        #expect(try AtomicFile.createIfAbsent(path, with: Data("other".utf8), mode: 0o600) == false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == data.count)
    }

    @Test func aReplacedFileIsTheOldOrTheNewNeverAMix() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/replaced"
        try AtomicFile.replace(path, with: Data("old".utf8))
        let data = Data(repeating: 0x5A, count: 32 << 20)
        let sizes = sizesSeen(at: path) { try AtomicFile.replace(path, with: data) }
        #expect(sizes.isSubset(of: [3, data.count]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["replaced"])
    }

    @Test func aFailedWriteLeavesNoTemporaryFile() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: AppError.self) { try AtomicFile.replace(directory + "/missing/file", with: Data("x".utf8)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }
}
