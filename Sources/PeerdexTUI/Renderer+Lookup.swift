import struct Foundation.Date
import PeerdexCore

/// The details' "Network profile" section: where the latest `L` lookup of the peer stands, and
/// what its record says once found.
extension Renderer {
    /// The heading of the section.
    static let networkProfileHeading = "Network profile"

    /// Draws the section for `peer` from `top` down to before `bottom`, when the peer was looked
    /// up this session; returns the row after the last one drawn.
    @discardableResult
    mutating func drawProfileLookup(
        of peer: PeerID, x: Int, valueX: Int, valueWidth: Int, from top: Int, to bottom: Int
    ) -> Int {
        guard let lookup = model.profileLookups[peer] else { return top }
        let fields = lookupFields(lookup)
        // A blank line sets the section apart, unless it would push the section's end off the box.
        let y = bottom - top > fields.count + 1 ? top + 1 : top
        guard y < bottom else { return y }
        buffer.put(
            DisplayWidth.truncate(Self.networkProfileHeading, to: valueX + valueWidth - x), x: x, y: y,
            style: theme.label.bolded)
        return drawFields(fields, x: x, valueX: valueX, valueWidth: valueWidth, from: y + 1, to: bottom)
    }

    /// Label and value lines of a lookup, by its state.
    private func lookupFields(_ lookup: ProfileLookup) -> [(String, String)] {
        switch lookup.state {
        case .lookingUp:
            let seconds = lookup.elapsedSeconds(now: model.now)
            let spinner = NetworkSearchState.spinner[seconds % NetworkSearchState.spinner.count]
            return [("Status", "\(spinner) looking up… \(seconds) s")]
        case .found(let profile):
            return foundFields(profile)
        case .notFound:
            return [("Status", ProfileLookup.notFoundText), ("Checked", when(lookup.finishedAt ?? lookup.startedAt))]
        case .failed(let reason):
            return [("Status", "failed: \(reason)"), ("Checked", when(lookup.finishedAt ?? lookup.startedAt))]
        }
    }

    /// A found record: its fields when we could read them, else why not; then its version.
    private func foundFields(_ profile: NetworkProfile) -> [(String, String)] {
        let readable = [
            ("Name", profile.name), ("Interests", profile.interests.joined(separator: ", ")),
            ("Location", profile.location),
        ]
        // A record says whether it is sealed, never for whom: the owner's contacts or its friends.
        let audience = "contacts or friends only"
        var fields: [(String, String)]
        switch profile.readability {
        case .open:
            fields = readable + [("Visibility", "public")]
        case .opened:
            fields = readable + [("Visibility", "\(audience) — opened with a key this peer handed us")]
        case .sealed(let reason):
            fields = [("Visibility", "\(audience) — sealed, \(reason)")]
        }
        if let keyRequest = profile.keyRequest { fields.append(("Keys", keyRequest)) }
        fields.append(("Record", "seq \(profile.seq) · fetched \(when(profile.fetchedAt))"))
        return fields
    }

    /// `2026-11-26 09:00 (just now)`.
    private func when(_ date: Date) -> String {
        TimeText.absolute(date, utcOffset: model.utcOffset) + " ("
            + TimeText.relative(date, now: model.now, utcOffset: model.utcOffset) + ")"
    }
}
