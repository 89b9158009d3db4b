import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct VCardParserTests {
    /// RFC 6350 §8, "Example: Author's vCard", with its two folded lines.
    static let rfcAuthorCard = """
        BEGIN:VCARD
        VERSION:4.0
        FN:Simon Perreault
        N:Perreault;Simon;;;ing. jr,M.Sc.
        BDAY:--0203
        ANNIVERSARY:20090808T1430-0500
        GENDER:M
        LANG;PREF=1:fr
        LANG;PREF=2:en
        ORG;TYPE=work:Viagenie
        ADR;TYPE=work:;Suite D2-630;2875 Laurier;
         Quebec;QC;G1V 2M2;Canada
        TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102
        TEL;VALUE=uri;TYPE="work,cell,voice,video,text":tel:+1-418-262-6501
        EMAIL;TYPE=work:simon.perreault@viagenie.ca
        GEO;TYPE=work:geo:46.772673,-71.282945
        KEY;TYPE=work;VALUE=uri:
         http://www.viagenie.ca/simon.perreault/simon.asc
        TZ:-0500
        URL;TYPE=home:http://nomis80.org
        END:VCARD

        """

    static func crlf(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    static func cards(_ text: String, limits: VCardParser.Limits = .default) -> [VCard] {
        VCardParser(limits: limits).parse(text).compactMap(\.card)
    }

    // MARK: - RFC 6350 examples

    @Test(arguments: [false, true])
    func rfcAuthorCardParses(crlf: Bool) throws {
        let text = crlf ? Self.crlf(Self.rfcAuthorCard) : Self.rfcAuthorCard
        let results = VCardParser().parse(text)
        #expect(results.count == 1)
        let card = try #require(results.first?.card)
        #expect(card.version == "4.0")
        #expect(card.properties.count == 16)
        #expect(card.first("fn")?.text == "Simon Perreault")
        #expect(card.first("N")?.structured == [["Perreault"], ["Simon"], [], [], ["ing. jr", "M.Sc."]])
        #expect(card.first("ADR")?.structured[3] == ["Quebec"])
        #expect(card.first("ADR")?.parameterValues("type") == ["work"])
        let tel = try #require(card.first("TEL"))
        #expect(tel.parameterValues("TYPE") == ["work", "voice"])
        #expect(tel.preference == 1)
        #expect(tel.value == "tel:+1-418-656-9254;ext=102")
        #expect(card.properties(named: "TEL")[1].parameterValues("TYPE") == ["work", "cell", "voice", "video", "text"])
        #expect(card.first("KEY")?.value == "http://www.viagenie.ca/simon.perreault/simon.asc")
        #expect(card.first("GEO")?.value == "geo:46.772673,-71.282945")
        #expect(card.properties(named: "LANG").map(\.preference) == [1, 2])
    }

    @Test func rfcFoldingExamplesUnfoldToTheSameLine() throws {
        // RFC 6350 §3.2: one long line and two ways of folding it.
        let variants = [
            "NOTE:This is a long description that exists on a long line.",
            "NOTE:This is a long description\r\n  that exists on a long line.",
            "NOTE:This is a long descrip\r\n tion that exists o\r\n n a long line.",
        ]
        for variant in variants {
            let card = try #require(Self.cards("BEGIN:VCARD\r\nVERSION:4.0\r\n\(variant)\r\nEND:VCARD\r\n").first)
            #expect(card.first("NOTE")?.text == "This is a long description that exists on a long line.")
        }
    }

    @Test func tabAlsoContinuesALine() throws {
        let card = try #require(Self.cards("BEGIN:VCARD\nFN:Zo\n\të\nEND:VCARD\n").first)
        #expect(card.first("FN")?.text == "Zoë")
    }

    @Test func rfcParameterExamplesWithQuotedColonsAndCommas() throws {
        // RFC 6350 §6.3.1 ADR example: quoted GEO and LABEL parameters contain ':' ',' and '\n'.
        let line = #"ADR;GEO="geo:12.3457,78.910";LABEL="Mr. John Q. Public, Esq.\nMail Drop: TNE QB\n"#
            + #"123 Main Street\nAny Town, CA  91921-1234\nU.S.A.":;;123 Main Street;Any Town;CA;91921-1234;U.S.A."#
        let card = try #require(Self.cards("BEGIN:VCARD\nVERSION:4.0\n\(line)\nEND:VCARD").first)
        let adr = try #require(card.first("ADR"))
        #expect(adr.parameterValues("GEO") == ["geo:12.3457,78.910"])
        #expect(adr.parameterValues("LABEL").first?.hasPrefix("Mr. John Q. Public, Esq.") == true)
        let fields = ["", "", "123 Main Street", "Any Town", "CA", "91921-1234", "U.S.A."]
        #expect(adr.structured.map { $0.first ?? "" } == fields)
    }

    // MARK: - Syntax

    @Test func groupsNamesAndParametersAreCaseInsensitive() throws {
        let text = "begin:vcard\nversion:4.0\nitem1.email;type=work;Pref=1:a@example.org\nEnd:VCard\n"
        let card = try #require(Self.cards(text).first)
        let email = try #require(card.first("EMAIL"))
        #expect(email.group == "item1")
        #expect(email.name == "EMAIL")
        #expect(email.parameters == [VCardParameter("TYPE", "work"), VCardParameter("PREF", "1")])
    }

    @Test func caretEscapesInParameterValuesAreDecoded() throws {
        let text = "BEGIN:VCARD\nX-A;LABEL=\"^'quoted^' ^^ line^nbreak\":x\nEND:VCARD"
        let card = try #require(Self.cards(text).first)
        #expect(card.first("X-A")?.parameterValues("LABEL") == ["\"quoted\" ^ line\nbreak"])
    }

    @Test func severalCardsInOneFileWithBlankLinesAndBOM() {
        let one = "BEGIN:VCARD\nVERSION:4.0\nFN:One\nEND:VCARD\n"
        let results = VCardParser().parse("\u{FEFF}" + one + "\n\n" + "BEGIN:VCARD\nVERSION:4.0\nFN:Two\nEND:VCARD\n")
        #expect(results.map(\.index) == [1, 2])
        #expect(results.map(\.line) == [1, 7])
        #expect(results.compactMap { $0.card?.first("FN")?.text } == ["One", "Two"])
    }

    @Test func vCard30SampleFromRFC2426() throws {
        let text = """
            BEGIN:vCard
            VERSION:3.0
            FN:Frank Dawson
            ORG:Lotus Development Corporation
            ADR;TYPE=WORK,POSTAL,PARCEL:;;6544 Battleford Drive
             ;Raleigh;NC;27613-3502;U.S.A.
            TEL;TYPE=VOICE,MSG,WORK:+1-919-676-9515
            TEL;TYPE=FAX,WORK:+1-919-676-9564
            EMAIL;TYPE=INTERNET,PREF:Frank_Dawson@Lotus.com
            EMAIL;TYPE=INTERNET:fdawson@earthlink.net
            URL:http://home.earthlink.net/~fdawson
            END:vCard
            """
        let card = try #require(Self.cards(Self.crlf(text)).first)
        #expect(card.version == "3.0")
        #expect(card.first("ADR")?.structured[3] == ["Raleigh"])
        #expect(card.first("TEL")?.parameterValues("TYPE") == ["VOICE", "MSG", "WORK"])
        #expect(card.first("EMAIL")?.parameterValues("TYPE") == ["INTERNET", "PREF"])
    }

    @Test func bareParametersAndQuotedPrintableFromOldExporters() throws {
        let text = """
            BEGIN:VCARD
            VERSION:2.1
            TEL;WORK;VOICE:+1-555-0100
            NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9 =
            au lait=0D=0Aend
            FN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Jos=E9
            END:VCARD
            """
        let card = try #require(Self.cards(text).first)
        #expect(card.first("TEL")?.parameterValues("TYPE") == ["WORK", "VOICE"])
        #expect(card.first("NOTE")?.text == "Café au lait\nend")
        #expect(card.first("NOTE")?.parameters == [])
        #expect(card.first("FN")?.value == "José")
    }

    // MARK: - Errors

    @Test func brokenMiddleCardDoesNotStopTheOthers() {
        let text = """
            BEGIN:VCARD
            FN:First
            END:VCARD
            BEGIN:VCARD
            FN:Second
            this line has no colon
            NOTE:still part of the broken card
            END:VCARD
            BEGIN:VCARD
            FN:Third
            END:VCARD
            """
        let results = VCardParser().parse(text)
        #expect(results.count == 3)
        #expect(results.compactMap { $0.card?.first("FN")?.text } == ["First", "Third"])
        let message = "line 6: no ':' between the property name and its value"
        let error = VCardParseError(index: 2, line: 4, message: message)
        #expect(results[1].result == .failure(error))
        #expect(error.description == "card 2 (line 4): line 6: no ':' between the property name and its value")
    }

    @Test(arguments: [
        ("BEGIN:VCARD\nFN:A\n", "no END:VCARD after the card that starts on line 1"),
        ("BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD", "no END:VCARD before the next BEGIN:VCARD on line 3"),
        ("FN:stray\nEND:VCARD", "expected BEGIN:VCARD, found 'FN:stray'"),
        ("END:VCARD", "END:VCARD without a BEGIN:VCARD"),
        ("BEGIN:VCARD\nTEL;TYPE=\"work:1\nEND:VCARD", "line 2: parameter TYPE has a quote that is never closed"),
        (
            "BEGIN:VCARD\nBAD NAME:x\nEND:VCARD",
            "line 2: 'BAD NAME' is not a property name (letters, digits and '-' only)"
        ),
        ("BEGIN:VCARD\nTEL;TYPE=\"a\"b:1\nEND:VCARD", "line 2: expected ':' after the parameters of TEL"),
    ])
    func malformedCardsExplainThemselves(text: String, message: String) throws {
        let first = try #require(VCardParser().parse(text).first)
        guard case .failure(let error) = first.result else {
            Issue.record("expected a failure, got \(first.result)")
            return
        }
        #expect(error.message == message)
        #expect(error.index == 1)
        #expect(error.line == 1)
    }

    @Test func hostileOverLongLineIsCappedAndOthersSurvive() {
        let limits = VCardParser.Limits(maxLineLength: 1_000, maxPropertiesPerCard: 10)
        let huge = "NOTE:" + String(repeating: "x", count: 200_000)
        let folded = "NOTE:start\n" + String(repeating: " xxxxxxxxxx\n", count: 500)
        let many = (0..<11).map { "X-N:\($0)" }.joined(separator: "\n")
        let good = "BEGIN:VCARD\nFN:ok\nEND:VCARD\n"
        let text = [huge, folded, many].map { "BEGIN:VCARD\n\($0)\nEND:VCARD\n" }.joined() + good
        let results = VCardParser(limits: limits).parse(text)
        #expect(results.count == 4)
        #expect(results.map { (try? $0.result.get()) == nil } == [true, true, true, false])
        if case .failure(let error) = results[0].result {
            #expect(error.message == "line 2 is longer than the limit of 1000 octets")
        }
        if case .failure(let error) = results[2].result {
            #expect(error.message == "more than 10 properties in one card")
        }
    }

    // MARK: - Fuzzing

    /// Seeded mutations of the RFC card: the parser never traps, and whatever it accepts prints
    /// and parses back to the same card (line breaks normalized, as the printer writes them).
    @Test func mutatedInputNeverTrapsAndAcceptedCardsRoundTrip() {
        var generator = SeededRandom(defaultSeed: 6350)
        let original = Array(Self.crlf(Self.rfcAuthorCard).utf8)
        let alphabet = Array(":;,=\"\\^ \t\r\n.aZ\u{E9}\u{1F600}".utf8)
        var accepted = 0
        for _ in 0..<1_500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: bytes.remove(at: position)
                }
            }
            for case let card? in VCardParser().parse(String(decoding: bytes, as: UTF8.self)).map(\.card) {
                accepted += 1
                let reparsed = VCardParser().parse(VCardPrinter.print(card)).map(\.card)
                #expect(reparsed == [Self.normalized(card)], "\(generator)")
            }
        }
        #expect(accepted > 100, "the mutations leave enough cards intact to test the round trip")
    }

    /// The card as the printer writes it: version 4.0, CR and CRLF turned into LF.
    static func normalized(_ card: VCard) -> VCard {
        var result = VCard(properties: card.properties, version: "4.0")
        for index in result.properties.indices {
            result.properties[index].value = VCardText.escapingLineBreaks(card.properties[index].value)
            for parameter in result.properties[index].parameters.indices {
                result.properties[index].parameters[parameter].values = card.properties[index].parameters[parameter]
                    .values.map { $0.replacing("\r\n", with: "\n").replacing("\r", with: "\n") }
            }
        }
        return result
    }
}
