import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct ContactJSONScannerTests {
    func scan(_ text: String) -> ContactJSON? {
        Array(text.utf8).withUnsafeBufferPointer { ContactJSONScanner.contact($0) }
    }

    func decode(_ text: String) -> ContactJSON? {
        try? JSONDecoder().decode(ContactJSON.self, from: Data(text.utf8))
    }

    static let peerId = "v24pzzbdfefvl2p6shtc7nvzy3jdmyidsx5sqfxb6zqiummwfvmmoxfk"

    static let samples: [ContactJSON] = {
        var full = ContactJSON(peerId: peerId)
        full.name = "Zoë \"Z\" Müller \\ 東京 👩‍👩‍👧 \u{0001}\n\t/"
        full.alias = "ｔｏｋｙｏ"
        full.note = "line 1\r\nline 2 \u{2028} end"
        full.interests = ["jazz", "программирование", ""]
        full.location = "Lisboa"
        full.privacy = "friends"
        full.favorite = true
        full.blocked = true
        full.friend = true
        full.addedAt = "2024-01-02T03:04:05.006Z"
        full.lastSeen = "2025-01-02T03:04:05.006Z"
        full.favoritedAt = "2025-02-02T03:04:05.006Z"
        full.connectionHistory = [ConnectionJSON(time: "2025-03-02T03:04:05.006Z", address: "127.0.0.1:4001", outcome: "connected")]
        var empty = ContactJSON(peerId: peerId)
        empty.connectionHistory = []
        return [full, empty, ContactJSON(peerId: peerId)]
    }()

    @Test(arguments: samples)
    func readsWhatTheEncoderWrites(contact: ContactJSON) throws {
        for formatting in [JSONEncoder.OutputFormatting(), [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            let text = String(decoding: try encoder.encode(contact), as: UTF8.self)
            #expect(scan(text) == contact)
            #expect(scan(text) == decode(text))
        }
    }

    @Test(arguments: [
        #"{"peerId": "x", "name": null, "favorite": null, "interests": null, "lastSeen": null, "match": "prefix"}"#,
        #"{"peerId": "\u00e9\ud83d\ude00\/\b\f"}"#,
        #" { "peerId" : "x" , "interests" : [ "a" , "b" ] } "#,
        #"{"peerId": "x", "connectionHistory": null}"#,
    ])
    func readsTheLenientFormsLikeTheDecoder(text: String) {
        #expect(scan(text) != nil)
        #expect(scan(text) == decode(text))
    }

    @Test(arguments: [
        #"{"name": "no peer id"}"#, #"{"peerId": "x", "unknown": 1}"#, #"{"peerId": "x", "peerId": "y"}"#,
        #"{"peerId": "x", "name": 5}"#, #"{"peerId": "\ud800"}"#, "{\"peerId\": \"a\u{01}b\"}", #"{"peerId": "x"} trailing"#,
        #"{"peerId": "x",}"#, #"{"peerId": "x", "favorite": "yes"}"#, #"[]"#, #"{"peerId": "\x"}"#,
        #"{"peerId": "x", "connectionHistory": [{"time": "t", "address": "a"}]}"#, #"{"peerId": "x""#,
    ])
    func declinesWhatItDoesNotHandle(text: String) {
        #expect(scan(text) == nil)
    }

    @Test func anythingItAcceptsTheDecoderReadsTheSame() throws {
        // Random byte edits of an export: the scanner may decline, but never disagree.
        let encoder = JSONEncoder()
        let original = Array(try encoder.encode(Self.samples[0]))
        var random = SeededRandom(defaultSeed: 3)
        let alphabet = Array(#"{}[]",:\ ntrue0fals9"#.utf8) + [0x00, 0x1F, 0xC3, 0xA9]
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let scanned = scan(text) {
                #expect(scanned == decode(text), "\(text), \(random)")
            }
        }
    }
}
