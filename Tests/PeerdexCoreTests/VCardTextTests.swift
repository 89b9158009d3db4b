import Testing

@testable import PeerdexCore

@Suite struct VCardTextTests {
    /// RFC 6350 §3.4: backslash, comma, semicolon and newline (either `\n` or `\N`).
    @Test(arguments: [
        (#"a\\b"#, "a\\b"),
        (#"ABC\, Inc."#, "ABC, Inc."),
        (#"one\; two"#, "one; two"),
        (#"line1\nline2\Nline3"#, "line1\nline2\nline3"),
        (#"C:\temp"#, #"C:\temp"#),
        (#"ends with\"#, #"ends with\"#),
        (#"ratio 1\:2"#, "ratio 1:2"),
    ])
    func unescapes(raw: String, text: String) {
        #expect(VCardText.unescape(raw) == text)
    }

    @Test func escapeRoundTripsAwkwardText() {
        let texts = ["", "plain", "a\\,b;c\nd", "\\n is not a newline", "trailing\\", "東京, 😀; \\", "  "]
        for text in texts {
            #expect(VCardText.unescape(VCardText.escape(text)) == text)
        }
        #expect(VCardText.escape("a\\b,c;d\ne") == #"a\\b\,c\;d\ne"#)
        #expect(VCardText.escape("crlf\r\ncr\rlf\n") == #"crlf\ncr\nlf\n"#)
    }

    @Test func rfcNoteExampleUnfoldsAndUnescapes() throws {
        // RFC 6350 §6.7.2.
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\n"
            + "NOTE:This fax number is operational 0800 to 1715\r\n  EST\\, Mon-Fri.\r\nEND:VCARD\r\n"
        let card = try #require(VCardParser().parse(text).first?.card)
        #expect(card.first("NOTE")?.text == "This fax number is operational 0800 to 1715 EST, Mon-Fri.")
    }

    @Test func rfcStructuredAndListExamples() {
        // RFC 6350 §6.2.2 (N), §6.6.4 (ORG), §6.7.1 (CATEGORIES).
        #expect(
            VCardText.structured("Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.,A.C.P.")
                == [["Stevenson"], ["John"], ["Philip", "Paul"], ["Dr."], ["Jr.", "M.D.", "A.C.P."]]
        )
        #expect(
            VCardText.structured(#"ABC\, Inc.;North American Division;Marketing"#)
                == [["ABC, Inc."], ["North American Division"], ["Marketing"]]
        )
        #expect(VCardText.list("INTERNET,IETF,INDUSTRY,INFORMATION TECHNOLOGY").count == 4)
        #expect(VCardText.list("TRAVEL AGENT") == ["TRAVEL AGENT"])
        #expect(VCardText.list("") == [])
    }

    @Test func splittingRespectsEscapes() {
        #expect(VCardText.split(#"a\;b;c\\;d"#, separator: ";") == [#"a\;b"#, #"c\\"#, "d"])
        #expect(VCardText.list(#"rock\, paper,scissors\\,"#) == ["rock, paper", "scissors\\", ""])
    }
}
