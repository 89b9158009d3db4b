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
        // C0 and C1 controls are the only `.control` scalars; text without them is returned as is.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "␣" : scalar
        }))
    }

    /// A time for people: `2026-11-26 03:10 UTC`, or a placeholder.
    static func time(_ date: Date?, none: String = "never") -> String {
        guard let date else { return none }
        return ISO8601.string(date).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// Writes a line per item to stdout in large writes: a report of 100,000 lines printed line
    /// by line took a tenth of a whole import. `format` appends an item's line (without its
    /// newline) to the output. Call it before any `print`, whose output is buffered.
    static func lines<Item>(_ items: some Sequence<Item>, _ format: (Item, inout String) -> Void) {
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        for item in items {
            format(item, &buffer)
            buffer += "\n"
            if buffer.utf8.count >= 1 << 16 {
                write(&buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        write(&buffer)
    }

    /// Writes text straight to stdout's file descriptor (nothing else has been printed before).
    private static func write(_ text: inout String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    /// Writes a line to stderr.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
