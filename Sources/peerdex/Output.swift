import Foundation
import PeerdexCore

/// Printing helpers: every command's stdout goes through here.
enum Output {
    /// Prints a value as one JSON document (pretty, keys sorted, so diffs and tests are stable).
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// One line per contact: full peer ID (so it can be pasted into the next command), flags, names.
    static func line(for contact: Contact) -> String {
        var flags = ""
        flags += contact.isFavorite ? "★" : " "
        flags += contact.isBlocked ? "⊘" : (contact.isFriend ? "♥" : " ")
        var label = contact.name.isEmpty ? "(no name)" : contact.name
        if !contact.alias.isEmpty { label += " “\(contact.alias)”" }
        if !contact.interests.isEmpty { label += "  · " + contact.interests.joined(separator: ", ") }
        return "\(contact.peerID.text)  \(flags) \(oneLine(label))"
    }

    /// Text with control characters made visible, so a hostile name cannot drive the terminal.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "␣" : scalar
        }))
    }

    /// A time for people: `2026-11-26 03:10 UTC`, or a placeholder.
    static func time(_ date: Date?, none: String = "never") -> String {
        guard let date else { return none }
        return ISO8601.string(date).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// Writes a line to stderr.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
