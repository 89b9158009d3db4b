import PeerdexCore

/// The Nearby pane's rows, header, border summary, empty states and details.
extension Renderer {
    // MARK: - Rows

    /// The column titles and the visible rows of the Nearby pane.
    mutating func drawNearbyRows(_ list: ListState, in rows: Rect) {
        let columns = NearbyColumns(width: rows.width)
        drawNearbyHeader(columns, x: rows.x, y: rows.y - 1)
        for line in 0..<rows.height {
            let index = list.top + line
            guard index < model.nearbyRows.count else { break }
            drawNearbyRow(
                model.nearbyRows[index], columns, x: rows.x, y: rows.y + line, selected: index == list.selection)
        }
    }

    /// Dim column titles; the round-trip title is right-aligned over its numbers.
    private mutating func drawNearbyHeader(_ columns: NearbyColumns, x: Int, y: Int) {
        let style = theme.secondary
        buffer.put(DisplayWidth.pad("", to: NearbyColumns.markWidth) + "Name", x: x, y: y, style: style)
        buffer.put("Peer", x: x + columns.peerX, y: y, style: style)
        if let addressX = columns.addressX { buffer.put("Address", x: x + addressX, y: y, style: style) }
        if let rttX = columns.rttX { buffer.put(Self.rightAligned("RTT"), x: x + rttX, y: y, style: style) }
        buffer.put("Heard", x: x + columns.heardX, y: y, style: style)
    }

    /// One peer: contact mark, name (or a dim placeholder), short peer ID, address and round
    /// trip when wide enough, and when it was last heard.
    private mutating func drawNearbyRow(_ row: NearbyRow, _ columns: NearbyColumns, x: Int, y: Int, selected: Bool) {
        let base = selected ? theme.selection : theme.text
        buffer.fill(Rect(x: x, y: y, width: columns.width, height: 1), style: base)
        var secondary = selected ? base : theme.secondary
        secondary.bold = false
        let nameX = x + NearbyColumns.markWidth
        if let name = row.shownName {
            buffer.put(DisplayWidth.truncate(name, to: columns.name), x: nameX, y: y, style: base)
        } else {
            buffer.put(DisplayWidth.truncate(NearbyRow.noName, to: columns.name), x: nameX, y: y, style: secondary)
        }
        buffer.put(row.peerID.shortText, x: x + columns.peerX, y: y, style: secondary)
        if let addressX = columns.addressX {
            let address = DisplayWidth.truncate(row.address, to: NearbyColumns.addressWidth)
            buffer.put(address, x: x + addressX, y: y, style: secondary)
        }
        if let rttX = columns.rttX {
            buffer.put(Self.rightAligned(NearbyRow.rttText(row.rtt)), x: x + rttX, y: y, style: secondary)
        }
        let heard = NearbyRow.heardText(row.lastHeard, now: model.now, utcOffset: model.utcOffset)
        buffer.put(
            DisplayWidth.truncate(heard, to: NearbyColumns.heardWidth), x: x + columns.heardX, y: y, style: secondary)
        if row.isContact {
            buffer.put(Self.contactMark, x: x + 1, y: y, style: selected ? base.bolded : theme.success)
        }
    }

    /// The mark of a nearby peer that is already a contact.
    static let contactMark = "✓"

    /// Text right-aligned in the round-trip column.
    private static func rightAligned(_ text: String) -> String {
        let shown = DisplayWidth.truncate(text, to: NearbyColumns.rttWidth)
        return String(repeating: " ", count: NearbyColumns.rttWidth - DisplayWidth.of(shown)) + shown
    }

    /// How discovery is going, on the list box's bottom border left of the position: once rows
    /// fill the pane, the empty state that says it is gone.
    mutating func drawNearbySummary(in rect: Rect, reserving reserved: Int, style: Style) {
        guard model.pane == .nearby else { return }
        let room = rect.width - reserved - 4
        guard room >= 12 else { return }
        let availability = model.nearbyAvailability
        let summaryStyle: Style
        if case .failed = availability { summaryStyle = theme.error } else { summaryStyle = style }
        let text = DisplayWidth.truncate(" " + availability.summary + " ", to: room)
        buffer.put(text, x: rect.x + 2, y: rect.y + rect.height - 1, style: summaryStyle)
    }

    // MARK: - Empty states

    /// What an empty Nearby pane says, by the state of discovery.
    func nearbyEmptyLines() -> [(String, Style)] {
        let addHint = (
            "Meanwhile, press \(model.keymap.label(for: .add)) to add someone by peer ID or invite.", theme.secondary
        )
        switch model.nearbyAvailability {
        case .off(let hint):
            let text = hint.isEmpty ? "Nearby discovery is off." : hint
            return [(text, theme.text.bolded), ("", theme.text), addHint]
        case .starting:
            return [("Starting LAN discovery…", theme.text.bolded)]
        case .browsing(let advertising):
            let advertised = advertising
                ? "You are advertised: peerdex nodes on this network can see you."
                : "You are not advertised (visibility private)."
            return [
                ("Looking for peerdex nodes on this network…", theme.text.bolded), ("", theme.text),
                (advertised, theme.secondary),
            ]
        case .probing(let range):
            return [
                ("Probing \(range) for peerdex nodes…", theme.text.bolded), ("", theme.text),
                ("Multicast DNS is off, so this node is not advertised; nodes that probe it get what your "
                    + "visibility allows.", theme.secondary),
            ]
        case .failed(let reason):
            return [
                ("Nearby discovery failed.", theme.error.bolded), ("", theme.text), (reason, theme.text),
                ("", theme.text), addHint,
            ]
        }
    }

    // MARK: - Details

    /// A nearby peer: what its advertisement and the last handshake said, and whether it is a
    /// contact already.
    mutating func drawNearbyDetail(_ row: NearbyRow, in rect: Rect, borderStyle: Style) {
        buffer.box(rect, style: borderStyle, title: row.label, titleStyle: borderStyle.bolded)
        let inner = rect.inset(by: 1)
        let valueX = inner.x + 1 + 11
        let valueWidth = inner.x + inner.width - 1 - valueX
        guard valueWidth >= 8 else { return }
        let heard = NearbyRow.heardText(row.lastHeard, now: model.now, utcOffset: model.utcOffset)
        let add = model.keymap.label(for: .add)
        let fields = [
            ("Name", row.shownName ?? NearbyRow.noName), ("Peer ID", row.peerID.text), ("Address", row.address),
            ("Round trip", NearbyRow.rttText(row.rtt)), ("Last heard", heard),
            ("Contact", row.isContact ? "yes" : "no — press \(add) to add"),
        ]
        let keysY = inner.y + inner.height - 1
        let end = drawFields(
            fields, x: inner.x + 1, valueX: valueX, valueWidth: valueWidth, from: inner.y + 1, to: keysY - 1)
        drawProfileLookup(of: row.peerID, x: inner.x + 1, valueX: valueX, valueWidth: valueWidth, from: end, to: keysY - 1)
        var keys: [(Action, String)] = [(.lookupProfile, "look up"), (.openDetails, model.detailOpen ? "back" : "open")]
        if !row.isContact { keys.insert((.add, "add"), at: 0) }
        var column = inner.x + 1
        let limit = inner.x + inner.width - 1
        for (action, word) in keys {
            let key = model.keymap.label(for: action)
            guard column + DisplayWidth.of(key) + 1 + DisplayWidth.of(word) <= limit else { break }
            column += buffer.put(key, x: column, y: keysY, style: theme.key)
            column += buffer.put(" " + word + "  ", x: column, y: keysY, style: theme.secondary, maxWidth: limit - column)
        }
    }
}

/// Column positions of a nearby row at a given width: the name flexes; the address goes first
/// when the width runs short, then the round trip; peer ID and last heard always stay.
struct NearbyColumns {
    static let markWidth = 3
    static let peerWidth = 8
    static let addressWidth = 21
    static let rttWidth = 8
    static let heardWidth = 11
    /// Columns left to a name before another column is dropped.
    static let minName = 14

    let width: Int
    let name: Int
    let peerX: Int
    let addressX: Int?
    let rttX: Int?
    let heardX: Int

    init(width: Int) {
        self.width = width
        heardX = width - Self.heardWidth - 1
        var end = heardX - 2  // where the column left of "Heard" ends
        let always = Self.markWidth + Self.peerWidth + 2
        let showsRTT = end - Self.rttWidth - 2 - always >= Self.minName
        rttX = showsRTT ? end - Self.rttWidth : nil
        if showsRTT { end -= Self.rttWidth + 2 }
        let showsAddress = end - Self.addressWidth - 2 - always >= Self.minName
        addressX = showsAddress ? end - Self.addressWidth : nil
        if showsAddress { end -= Self.addressWidth + 2 }
        peerX = end - Self.peerWidth
        name = max(1, peerX - 2 - Self.markWidth)
    }
}
