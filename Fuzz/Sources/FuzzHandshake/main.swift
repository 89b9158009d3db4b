import Crypto
import PeerdexCore

/// Both sides of the handshake read hostile bytes: a responder waiting for message 1 (and what
/// follows), and an initiator waiting for message 2. Whatever arrives, the session closes or
/// goes on, and never establishes with a peer it could not have verified.
let responderIdentity = try! LocalHandshakeIdentity(
    identitySeed: [UInt8](repeating: 1, count: 32), staticPrivateKey: [UInt8](repeating: 2, count: 32))
let initiatorIdentity = try! LocalHandshakeIdentity(
    identitySeed: [UInt8](repeating: 3, count: 32), staticPrivateKey: [UInt8](repeating: 4, count: 32))
let ephemeral = try! NoiseKeyPair(privateKey: [UInt8](repeating: 5, count: 32))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshake(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var responder = NoiseSession(role: .responder, local: responderIdentity, ephemeralKey: ephemeral)
    check(responder.receive(bytes))
    var initiator = NoiseSession(role: .initiator, local: initiatorIdentity, ephemeralKey: ephemeral)
    _ = initiator.start()
    check(initiator.receive(bytes))
    return 0
}

/// Random bytes cannot carry a valid identity signature over a static key made from them.
func check(_ actions: [NoiseSession.Action]) {
    for action in actions {
        if case .established = action { preconditionFailure("established from fuzzed bytes") }
    }
}
