import PeerdexCore

/// The message decoder: any bytes decode or are refused; what decodes encodes to bytes that
/// decode and encode to the same bytes again (protobuf keeps unknown fields, so a newer peer's
/// message survives). Bytes, not messages, are compared: a NaN load is not equal to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let envelope = try? WireEnvelope(wire: bytes) else { return 0 }
    _ = envelope.bodyName
    if case .dhtNodesReply(let reply) = envelope.body { _ = reply.decodedNodes() }  // compact nodes from anyone
    let encoded = envelope.wireBytes()
    let again = try? WireEnvelope(wire: encoded)
    precondition(again?.wireBytes() == encoded, "an envelope changed in a round trip")
    return 0
}
