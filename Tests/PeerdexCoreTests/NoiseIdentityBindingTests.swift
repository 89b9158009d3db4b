import Crypto
import Testing

@testable import PeerdexCore

/// The identity's signature over the static key: valid only for that identity, that key, that use.
@Suite struct NoiseIdentityBindingTests {
    let identity = Curve25519.Signing.PrivateKey()
    let staticKey = try! NoiseKeyPair(privateKey: [UInt8](repeating: 5, count: 32))

    var identityKey: [UInt8] { Array(identity.publicKey.rawRepresentation) }
    var seed: [UInt8] { Array(identity.rawRepresentation) }

    @Test func aSignedStaticKeyVerifies() throws {
        let signature = try NoiseIdentityBinding.signature(staticKey: staticKey.publicKey, identitySeed: seed)
        #expect(NoiseIdentityBinding.verify(signature: signature, identityKey: identityKey, staticKey: staticKey.publicKey))
    }

    @Test func aSignatureReplayedForAnotherKeyOrIdentityFails() throws {
        let signature = try NoiseIdentityBinding.signature(staticKey: staticKey.publicKey, identitySeed: seed)
        let otherStatic = try NoiseKeyPair(privateKey: [UInt8](repeating: 6, count: 32)).publicKey
        #expect(!NoiseIdentityBinding.verify(signature: signature, identityKey: identityKey, staticKey: otherStatic))
        let otherIdentity = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(!NoiseIdentityBinding.verify(signature: signature, identityKey: otherIdentity, staticKey: staticKey.publicKey))
        var altered = signature
        altered[10] ^= 1
        #expect(!NoiseIdentityBinding.verify(signature: altered, identityKey: identityKey, staticKey: staticKey.publicKey))
    }

    @Test func aSignatureOfTheBareKeyWithoutTheContextFails() throws {
        let bare = Array(try identity.signature(for: staticKey.publicKey))
        #expect(!NoiseIdentityBinding.verify(signature: bare, identityKey: identityKey, staticKey: staticKey.publicKey))
    }

    @Test func malformedInputIsRefusedNotTrapped() {
        #expect(!NoiseIdentityBinding.verify(signature: [1, 2], identityKey: identityKey, staticKey: staticKey.publicKey))
        #expect(!NoiseIdentityBinding.verify(signature: [UInt8](repeating: 0, count: 64), identityKey: [1], staticKey: staticKey.publicKey))
        #expect(!NoiseIdentityBinding.verify(signature: [UInt8](repeating: 0, count: 64), identityKey: identityKey, staticKey: [1]))
    }
}
