import PeerdexCore

/// The KRPC codec: any datagram decodes or is refused with an error; a message that decodes
/// encodes to bytes that decode to the same message and encode to the same bytes again.
/// A refusal's transaction ID and reply are read too, since the engine reads them for every
/// refused datagram.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKRPC(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let message: KRPCMessage
    do {
        message = try KRPCMessage(decoding: bytes)
    } catch {
        _ = KRPCMessage.errorReply(to: error)?.encoded()
        _ = error.description
        return 0
    }
    let encoded = message.encoded()
    guard let again = try? KRPCMessage(decoding: encoded), again == message else {
        preconditionFailure("a KRPC message changed in a round trip")
    }
    precondition(again.encoded() == encoded, "a KRPC message encoded two ways")
    return 0
}
