import Testing

@testable import PeerdexCore

@Suite struct VCardPrinterTests {
    /// The physical lines of printed text, each checked to end in CRLF.
    static func physicalLines(_ text: String) -> [[UInt8]] {
        var bytes = Array(text.utf8)[...]
        var lines = [[UInt8]]()
        while let lf = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            #expect(lf > bytes.startIndex && bytes[lf - 1] == UInt8(ascii: "\r"), "every line ends in CRLF")
            lines.append(Array(bytes[..<(lf - 1)]))
            bytes = bytes[(lf + 1)...]
        }
        #expect(bytes.isEmpty, "the text ends with a line break")
        return lines
    }

    @Test func cardIsFramedWithVersionRightAfterBegin() {
        var card = VCard(version: "3.0")
        card.append(VCardProperty(name: "fn", text: "Zoë"))
        card.append(VCardProperty(name: "VERSION", value: "3.0"))
        #expect(VCardPrinter.print(card) == "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë\r\nEND:VCARD\r\n")
    }

    @Test func textValuesAreEscaped() {
        let property = VCardProperty(name: "NOTE", text: "a\\b, c; d\ne")
        #expect(VCardPrinter.contentLine(property) == #"NOTE:a\\b\, c\; d\ne"#)
        let list = VCardProperty(name: "CATEGORIES", list: ["rock, paper", "scissors"])
        #expect(VCardPrinter.contentLine(list) == #"CATEGORIES:rock\, paper,scissors"#)
    }

    @Test func parametersAreQuotedOnlyWhenNeeded() {
        let property = VCardProperty(
            group: "item1",
            name: "ADR",
            parameters: [
                VCardParameter(name: "TYPE", values: ["work", "postal"]),
                VCardParameter("LABEL", "Main St. 1, \"Town\"\nCountry"),
                VCardParameter("GEO", "geo:1,2"),
            ],
            value: ";;Main St. 1;Town"
        )
        #expect(
            VCardPrinter.contentLine(property)
                == #"item1.ADR;TYPE=work,postal;LABEL="Main St. 1, ^'Town^'^nCountry";GEO="geo:1,2":;;Main St. 1;Town"#
        )
    }

    @Test func longAsciiLinesFoldAt75Octets() {
        let note = String(repeating: "0123456789", count: 20)
        var card = VCard()
        card.append(VCardProperty(name: "NOTE", text: note))
        let lines = Self.physicalLines(VCardPrinter.print(card))
        let noteLines = lines[2..<(lines.count - 1)]
        #expect(noteLines.map(\.count) == [75, 75, 57])
        #expect(noteLines.dropFirst().allSatisfy { $0.first == UInt8(ascii: " ") })
    }

    /// Two-, three- and four-octet characters at every offset relative to the fold point.
    @Test(arguments: ["é", "東", "😀", "👩‍👩‍👧"], 0..<4)
    func foldsNeverSplitAUTF8Sequence(character: String, shift: Int) throws {
        let note = String(repeating: "x", count: shift) + String(repeating: character, count: 60)
        var card = VCard()
        card.append(VCardProperty(name: "NOTE", text: note))
        let text = VCardPrinter.print(card)
        for line in Self.physicalLines(text) {
            #expect(line.count <= 75)
            #expect(String(validating: line, as: UTF8.self) != nil, "a physical line holds whole UTF-8 sequences")
        }
        let parsed = try #require(VCardParser().parse(text).first?.card)
        #expect(parsed.first("NOTE")?.text == note)
    }

    @Test func rfcAuthorCardSurvivesParsePrintParse() throws {
        let card = try #require(VCardParser().parse(VCardParserTests.rfcAuthorCard).first?.card)
        let printed = VCardPrinter.print(card)
        let reparsed = try #require(VCardParser().parse(printed).first?.card)
        #expect(reparsed == card)
        #expect(Self.physicalLines(printed).allSatisfy { $0.count <= 75 })
    }

    @Test func severalCardsPrintBackToBack() {
        let cards = ["A", "B"].map { VCard(properties: [VCardProperty(name: "FN", text: $0)]) }
        let text = VCardPrinter.print(cards)
        let one = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:"
        #expect(text == one + "A\r\nEND:VCARD\r\n" + one + "B\r\nEND:VCARD\r\n")
        let expected = cards.map { VCard(properties: $0.properties, version: "4.0") }
        #expect(VCardParser().parse(text).compactMap(\.card) == expected)
    }
}
