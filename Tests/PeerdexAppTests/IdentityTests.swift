import Foundation
import PeerdexCore
import Testing

@testable import PeerdexApp

@Suite struct IdentityTests {
    let path = NSTemporaryDirectory() + "peerdex-identity-\(UUID().uuidString).key"

    @Test func createdOnceWithOwnerOnlyPermissions() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try Identity.loadOrCreate(at: path)
        let second = try Identity.loadOrCreate(at: path)
        #expect(first.peerID == second.peerID)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        #expect(first.invite().url == "peerdex://\(first.peerID)")
    }

    @Test func aDamagedKeyIsReportedNotReplaced() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 31))
        let error = #expect(throws: AppError.self) { try Identity.loadOrCreate(at: path) }
        #expect(error?.description.contains("is damaged (31 bytes, expected 32)") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 31)
    }
}
