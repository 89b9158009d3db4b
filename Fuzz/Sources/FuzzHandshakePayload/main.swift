import PeerdexCore

/// The handshake payload reader: any bytes decode to a verified identity or a refusal.
let staticKey = try! NoiseKeyPair(privateKey: [UInt8](repeating: 9, count: 32)).publicKey

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshakePayload(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let peer = try? HandshakePayloadVerifier.verify(payload: bytes, remoteStaticKey: staticKey, handshakeHash: []) {
        preconditionFailure("a fuzzed payload verified as \(peer.peerID)")
    }
    return 0
}
