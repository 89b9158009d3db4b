import Crypto
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
        #expect(first.agreementKey.rawRepresentation == second.agreementKey.rawRepresentation)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let file = try IdentityKeyFile(parsing: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.version == 2)
        #expect(first.invite().url == "peerdex://\(first.peerID)")
    }

    @Test func aVersionOneFileIsRewrittenInPlaceKeepingThePeerID() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Given the bare 32-byte seed an earlier peerdex wrote
        let key = Curve25519.Signing.PrivateKey()
        FileManager.default.createFile(atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o644])
        // When it is loaded
        let identity = try Identity.loadOrCreate(at: path)
        // Then the peer ID is the same, and the file now holds both keys, private (even though the
        // old file was readable by others)
        #expect(identity.peerID == (try PeerID(publicKey: Array(key.publicKey.rawRepresentation))))
        let file = try IdentityKeyFile(parsing: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.version == 2)
        #expect(file.signingSeed == Array(key.rawRepresentation))
        #expect(file.agreementKey == Array(identity.agreementKey.rawRepresentation))
        #expect(file.agreementKey == Identity.derivedAgreementKey(Array(key.rawRepresentation)))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try Identity.loadOrCreate(at: path).agreementKey.rawRepresentation == identity.agreementKey.rawRepresentation)
    }

    @Test(arguments: [
        (Data(repeating: 7, count: 31), "is damaged (31 bytes: neither a 32-byte version 1 key nor a version 2 key file)"),
        (Data(), "is damaged (0 bytes"),
        (Data("version 3\n".utf8), "was written by a newer peerdex (key file version 3)"),
        (Data("version 2\ned25519-seed AAAA\n".utf8), "is damaged (line 2: ed25519-seed is not 32 bytes of base64)"),
        (Data("version 2\nrsa-key x\n".utf8), "is damaged (line 2: unexpected 'rsa-key')"),
        (Data("version 2\n".utf8), "is damaged (no ed25519-seed line)"),
    ])
    func aDamagedKeyIsReportedNotReplaced(contents: Data, reason: String) throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: contents)
        let error = #expect(throws: AppError.self) { try Identity.loadOrCreate(at: path) }
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == contents)
    }

    @Test func theFileFormatRoundTrips() throws {
        let file = IdentityKeyFile(signingSeed: Array(repeating: 1, count: 32), agreementKey: Array(repeating: 2, count: 32))
        #expect(try IdentityKeyFile(parsing: file.encoded()) == file)
        #expect(String(decoding: file.encoded(), as: UTF8.self).hasPrefix("# peerdex identity"))
    }
}
