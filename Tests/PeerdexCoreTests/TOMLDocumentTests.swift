import Testing

@testable import PeerdexCore

@Suite struct TOMLDocumentTests {
    @Test func readsTheConfigSubset() throws {
        let document = try TOMLDocument(parsing: """
            # peerdex config
            theme = "forest"   # a comment
            color = false
            width = 1_000

            [keys]
            favorite = 's'
            "down" = ["j", "down"]
            quote = "a \\"b\\" \\u00e9"
            """)
        #expect(document["", "theme"] == .string("forest"))
        #expect(document["", "color"] == .bool(false))
        #expect(document["", "width"] == .integer(1000))
        #expect(document["keys", "favorite"] == .string("s"))
        #expect(document["keys", "down"] == .strings(["j", "down"]))
        #expect(document["keys", "quote"] == .string("a \"b\" é"))
    }

    @Test(arguments: [
        ("theme = forest", 1, "unsupported value"), ("[keys\n", 1, "expected [table]"), ("a = \"x", 1, "unterminated"),
        ("a = 1\na = 2", 2, "twice"), ("[[servers]]", 1, "expected [table]"), ("= 3", 1, "expected a key"),
        ("a = [1, 2]", 1, "only arrays of strings"), ("a = \"x\" y", 1, "unexpected"),
    ])
    func reportsWhatItCannotRead(text: String, line: Int, message: String) {
        let error = #expect(throws: TOMLError.self) { try TOMLDocument(parsing: text) }
        #expect(error?.line == line)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
