import Crypto
import PeerdexCore

/// Either side of the handshake reads hostile bytes: the first byte picks a responder waiting
/// for message 1 (and what follows) or an initiator waiting for message 2; the rest arrives in
/// pieces of the size the second byte says. Whatever arrives, the session closes or goes on,
/// and never establishes with a peer it could not have verified. One role per input, as every
/// message read costs a Diffie-Hellman or two.
let responderIdentity = try! LocalHandshakeIdentity(
    identitySeed: [UInt8](repeating: 1, count: 32), staticPrivateKey: [UInt8](repeating: 2, count: 32))
let initiatorIdentity = try! LocalHandshakeIdentity(
    identitySeed: [UInt8](repeating: 3, count: 32), staticPrivateKey: [UInt8](repeating: 4, count: 32))
let ephemeral = try! NoiseKeyPair(privateKey: [UInt8](repeating: 5, count: 32))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshake(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard bytes.count >= 2 else { return 0 }
    var session =
        bytes[0] & 1 == 0
        ? NoiseSession(role: .responder, local: responderIdentity, ephemeralKey: ephemeral)
        : NoiseSession(role: .initiator, local: initiatorIdentity, ephemeralKey: ephemeral)
    _ = session.start()
    let piece = max(1, Int(bytes[1]))
    var rest = bytes.dropFirst(2)
    while !rest.isEmpty, !session.isClosed {
        check(session.receive(rest.prefix(piece)))
        rest = rest.dropFirst(piece)
    }
    return 0
}

/// Random bytes cannot carry a valid identity signature over a static key made from them.
func check(_ actions: [NoiseSession.Action]) {
    for action in actions {
        if case .established = action { preconditionFailure("established from fuzzed bytes") }
    }
}
