import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// Two-byte length framing: whole frames out, however the bytes arrive; bad lengths refused.
@Suite struct NoiseFrameParserTests {
    static let messages: [[UInt8]] = [[1], Array(repeating: 7, count: 300), Array(0...255), Array(repeating: 9, count: 65_535)]

    var stream: [UInt8] { Self.messages.flatMap { try! NoiseFrameParser.frame($0) } }

    @Test func framesComeOutWholeWhateverTheChunking() throws {
        var random = SeededRandom(defaultSeed: 13)
        for _ in 0..<50 {
            var parser = NoiseFrameParser()
            var frames = [[UInt8]]()
            var offset = 0
            let bytes = stream
            while offset < bytes.count {
                let size = Int.random(in: 1...700, using: &random)
                parser.append(bytes[offset..<min(bytes.count, offset + size)])
                offset += size
                while let frame = try parser.nextFrame() { frames.append(frame) }
            }
            #expect(frames == Self.messages, "\(random)")
            #expect(parser.bufferedCount == 0)
        }
    }

    @Test func dripFedOneByteAtATime() throws {
        var parser = NoiseFrameParser()
        var frames = [[UInt8]]()
        for byte in stream {
            parser.append([byte])
            while let frame = try parser.nextFrame() { frames.append(frame) }
        }
        #expect(frames == Self.messages)
    }

    @Test func anOversizedFrameIsRefusedFromItsHeader() {
        var parser = NoiseFrameParser(maximumLength: 1_024)
        parser.append([0x04, 0x01])  // 1,025 announced, nothing of it sent yet
        #expect(throws: NoiseFrameParser.Failure.frameTooLong(announced: 1_025, maximum: 1_024)) { try parser.nextFrame() }
        var empty = NoiseFrameParser()
        empty.append([0, 0, 1, 2])
        #expect(throws: NoiseFrameParser.Failure.emptyFrame) { try empty.nextFrame() }
        #expect(throws: NoiseFrameParser.Failure.self) { try NoiseFrameParser.frame([UInt8](repeating: 0, count: 65_536)) }
        #expect(NoiseFrameParser(maximumLength: 100_000).maximumLength == 65_535)
    }

    @Test func aTruncatedFrameWaitsAndHoldsOnlyWhatArrived() throws {
        var parser = NoiseFrameParser()
        parser.append([0x00, 0x05, 1, 2, 3])
        #expect(try parser.nextFrame() == nil)
        #expect(parser.bufferedCount == 5)
        parser.append([4, 5])
        #expect(try parser.nextFrame() == [1, 2, 3, 4, 5])
    }
}
