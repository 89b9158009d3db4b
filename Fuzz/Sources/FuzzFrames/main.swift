import PeerdexCore

/// The frame splitter: any bytes, in any pieces, under any limit, end in frames or a refusal,
/// never a crash, and every frame is within the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let first = bytes.first else { return 0 }
    let limit = 1 + Int(first) * 257  // 1 ... 65,536, then capped at Noise's 65,535
    var parser = NoiseFrameParser(maximumLength: limit)
    var rest = bytes.dropFirst()
    let piece = max(1, Int(bytes.count > 1 ? bytes[1] : 1))
    while !rest.isEmpty {
        parser.append(rest.prefix(piece))
        rest = rest.dropFirst(piece)
        do {
            while let frame = try parser.nextFrame() {
                precondition(!frame.isEmpty && frame.count <= parser.maximumLength, "a frame out of bounds")
                let reframed = try NoiseFrameParser.frame(frame)
                precondition(reframed.count == frame.count + 2 && Array(reframed.dropFirst(2)) == frame)
            }
        } catch {
            return 0
        }
    }
    return 0
}
