import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct JSONArraySplitterTests {
    func elements(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            JSONArraySplitter.elementRanges(buffer)?.map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    @Test func splitsTopLevelElementsOnly() {
        #expect(elements(#" [ {"a": [1, 2]}, "x,]}", {"b": "q\"}, "} ,null ] "#) == [#"{"a": [1, 2]}"#, #""x,]}""#, #"{"b": "q\"}, "}"#, "null"])
        #expect(elements("[]") == [])
        #expect(elements(" [ \n ] ") == [])
        #expect(elements(#"["\\", 1]"#) == [#""\\""#, "1"])
    }

    @Test(arguments: ["", "{}", "[1,,2]", "[1,]", "[,1]", "[1] x", "[1", #"["open]"#, "[}]", #"["\"]"#])
    func declinesWhatIsNotOneWellNestedArray(text: String) {
        #expect(elements(text) == nil)
    }

    @Test func findsTheNextQuoteOrEscapeAtEveryOffset() {
        // Given buffers of random bytes (high ones included) with a few quotes and backslashes
        var generator = SeededRandom(defaultSeed: 2)
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ -> UInt8 in
                switch Int.random(in: 0..<20, using: &generator) {
                case 0: UInt8(ascii: "\"")
                case 1: UInt8(ascii: "\\")
                default: UInt8.random(in: 0...255, using: &generator)
                }
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...bytes.count {
                    // Then the word-at-a-time search agrees with a plain scan
                    let expected = bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } ?? bytes.count
                    #expect(JSONArraySplitter.nextQuoteOrEscape(buffer, from: start) == expected, "\(generator)")
                }
            }
        }
    }
}
