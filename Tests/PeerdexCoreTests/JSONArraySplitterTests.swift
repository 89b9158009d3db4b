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
}
