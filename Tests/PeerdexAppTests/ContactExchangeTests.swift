import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// Exports never replace a good file with less than a whole export.
@Suite struct ContactExchangeTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-exchange-\(UUID().uuidString)")

    struct EncodingFailure: Error {}

    @Test func aFailedEncodingLeavesThePreviousExportAsItWas() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        try book.add(Contact(peerID: Fixtures.peerID(1), name: "Zoë", addedAt: Fixtures.now))
        let output = directory.path + "/export.json"
        try ContactExchange(book: book).export(as: .json, to: output)
        let good = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(String(decoding: good, as: UTF8.self).contains("Zoë"))

        // When the JSON encoder fails, the export throws instead of writing `[]`.
        try book.add(Contact(peerID: Fixtures.peerID(2), name: "Ada", addedAt: Fixtures.now))
        let failing = ContactExchange(book: book, encodeJSON: { _ in throw EncodingFailure() })
        let error = #expect(throws: AppError.self) { try failing.export(as: .json, to: output) }
        #expect(error?.description.hasPrefix("export failed, nothing was written") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == good)
        #expect(throws: AppError.self) { try failing.export(as: .json) }
        #expect(try leftovers() == [])
    }

    @Test func aReplacedExportKeepsItsModeAndANewOneIsPrivate() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let fresh = directory.path + "/new.vcf"
        try ContactExchange(book: book).export(as: .vcard, to: fresh)
        #expect(try mode(of: fresh) == 0o600)
        let shared = directory.path + "/shared.vcf"
        FileManager.default.createFile(atPath: shared, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        try ContactExchange(book: book).export(as: .vcard, to: shared)
        #expect(try mode(of: shared) == 0o644)
        #expect(try String(contentsOfFile: shared, encoding: .utf8) == "")
    }

    /// Temporary files left in the data directory by a failed write.
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
    }

    func mode(of path: String) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }
}
