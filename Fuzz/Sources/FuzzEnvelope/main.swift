import PeerdexCore

/// The message decoder: any bytes decode or are refused; what decodes encodes back to an equal
/// message (protobuf keeps unknown fields, so a newer peer's message survives a round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let envelope = try? WireEnvelope(wire: bytes) else { return 0 }
    _ = envelope.bodyName
    let again = try? WireEnvelope(wire: envelope.wireBytes())
    precondition(again == envelope, "an envelope changed in a round trip")
    return 0
}
