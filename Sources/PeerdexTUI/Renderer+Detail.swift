import PeerdexCore

extension Renderer {
    /// The selected contact's fields, wrapped to the box, with the keys that act on it at the bottom.
    mutating func drawDetail(in rect: Rect) {
        let focused = model.detailOpen && model.mode == .browse
        let borderStyle = focused ? theme.focusedBorder : theme.border
        let inner = rect.inset(by: 1)
        if model.selectedContact == nil, let peer = model.selectedNetworkPeer {
            drawNetworkDetail(peer, in: rect, borderStyle: borderStyle)
            return
        }
        if let row = model.selectedNearbyPeer {
            drawNearbyDetail(row, in: rect, borderStyle: borderStyle)
            return
        }
        guard let contact = model.selectedContact else {
            buffer.box(rect, style: borderStyle, title: "Details", titleStyle: borderStyle.bolded)
            let hint = model.current.total == 0 ? "Nothing selected." : "Select a contact to see its details."
            let shown = DisplayWidth.truncate(hint, to: inner.width - 2)
            buffer.put(shown, x: inner.x + 2, y: inner.y + 1, style: theme.secondary)
            return
        }
        buffer.box(rect, style: borderStyle, title: contact.displayName, titleStyle: borderStyle.bolded)
        let labelWidth = 11
        let valueX = inner.x + 1 + labelWidth
        let valueWidth = inner.x + inner.width - 1 - valueX
        guard valueWidth >= 8 else { return }
        let bottom = inner.y + inner.height - 2  // leave the last line for key hints
        let end = drawFields(
            fields(of: contact), x: inner.x + 1, valueX: valueX, valueWidth: valueWidth, from: inner.y + 1, to: bottom)
        drawProfileLookup(
            of: contact.peerID, x: inner.x + 1, valueX: valueX, valueWidth: valueWidth, from: end, to: bottom)
        drawDetailKeys(contact, x: inner.x + 1, y: inner.y + inner.height - 1, width: inner.width - 2)
    }

    /// A network result: what its profile says, and that it is one key away from the book.
    private mutating func drawNetworkDetail(_ peer: DiscoveredPeer, in rect: Rect, borderStyle: Style) {
        buffer.box(rect, style: borderStyle, title: Self.name(of: peer), titleStyle: borderStyle.bolded)
        let inner = rect.inset(by: 1)
        let valueX = inner.x + 1 + 11
        let valueWidth = inner.x + inner.width - 1 - valueX
        guard valueWidth >= 8 else { return }
        let fields = [
            ("Name", peer.name), ("Interests", peer.interests.joined(separator: ", ")), ("Location", peer.location),
            ("Peer ID", peer.peerID.text),
        ]
        let bottom = inner.y + inner.height - 2
        let y = drawFields(
            fields, x: inner.x + 1, valueX: valueX, valueWidth: valueWidth, from: inner.y + 1, to: bottom)
        let add = model.keymap.label(for: .add)
        let note = "not in your contacts — press \(add) to add"
        var end = y
        if y + 1 < bottom {
            let lines = DisplayWidth.wrap(note, to: inner.width - 2)
            for (index, line) in lines.enumerated() where y + 1 + index < bottom {
                buffer.put(line, x: inner.x + 1, y: y + 1 + index, style: theme.label)
            }
            end = min(bottom, y + 1 + lines.count)
        }
        drawProfileLookup(of: peer.peerID, x: inner.x + 1, valueX: valueX, valueWidth: valueWidth, from: end, to: bottom)
        var column = inner.x + 1
        let limit = inner.x + inner.width - 1
        let keys = [(Action.add, "add"), (.lookupProfile, "look up"), (.openDetails, model.detailOpen ? "back" : "open")]
        for (action, word) in keys {
            let key = model.keymap.label(for: action)
            guard column + DisplayWidth.of(key) + 1 + DisplayWidth.of(word) <= limit else { break }
            column += buffer.put(key, x: column, y: inner.y + inner.height - 1, style: theme.key)
            column += buffer.put(" " + word + "  ", x: column, y: inner.y + inner.height - 1, style: theme.secondary,
                                 maxWidth: limit - column)
        }
    }

    /// Label and value lines from `top` down to before `bottom`; returns the row after the last.
    @discardableResult
    mutating func drawFields(
        _ fields: [(String, String)], x: Int, valueX: Int, valueWidth: Int, from top: Int, to bottom: Int
    ) -> Int {
        var y = top
        for (label, value) in fields {
            guard y < bottom else { break }
            buffer.put(label, x: x, y: y, style: theme.label)
            let lines = value.isEmpty ? ["—"] : DisplayWidth.wrap(value, to: valueWidth)
            for (index, line) in lines.enumerated() {
                guard y < bottom else { break }
                let style = value.isEmpty ? theme.secondary : theme.text
                let shown = index == 3 && lines.count > 4 ? DisplayWidth.truncate(line + " …", to: valueWidth) : line
                buffer.put(shown, x: valueX, y: y, style: style)
                y += 1
                if index == 3 { break }  // a long note shows four lines here; the rest is one `e` away
            }
        }
        return y
    }

    /// Label and value of every field, in reading order; empty values show as a dash.
    private func fields(of contact: Contact) -> [(String, String)] {
        var flags: [String] = []
        if contact.isFavorite { flags.append("★ favorite") }
        if contact.isFriend { flags.append("friend") }
        if contact.isBlocked { flags.append("⊘ blocked") }
        let added = TimeText.absolute(contact.addedAt, utcOffset: model.utcOffset) + " ("
            + TimeText.relative(contact.addedAt, now: model.now, utcOffset: model.utcOffset) + ")"
        let seen = contact.lastSeen.map {
            TimeText.absolute($0, utcOffset: model.utcOffset) + " ("
                + TimeText.relative($0, now: model.now, utcOffset: model.utcOffset) + ")"
        } ?? "never"
        return [
            ("Name", contact.name),
            ("Alias", contact.alias),
            ("Peer ID", contact.peerID.text),
            ("Note", contact.note),
            ("Interests", contact.interests.joined(separator: ", ")),
            ("Location", contact.location),
            ("Privacy", contact.privacy.rawValue),
            ("Added", added),
            ("Last seen", seen),
            ("Status", flags.joined(separator: " · ")),
        ]
    }

    /// `f unfavorite  b block  e edit  d remove`, taken from the key table.
    private mutating func drawDetailKeys(_ contact: Contact, x: Int, y: Int, width: Int) {
        let keys = model.keymap
        let items: [(Action, String)] = [
            (.toggleFavorite, contact.isFavorite ? "unfavorite" : "favorite"),
            (.toggleBlocked, contact.isBlocked ? "unblock" : "block"),
            (.edit, "edit"),
            (.remove, "remove"),
            (.lookupProfile, "look up"),
            (.openDetails, model.detailOpen ? "back" : "open"),
        ]
        var column = x
        for (action, word) in items {
            let key = keys.label(for: action)
            let itemWidth = DisplayWidth.of(key) + 1 + DisplayWidth.of(word)
            guard column + itemWidth <= x + width else { break }
            column += buffer.put(key, x: column, y: y, style: theme.key)
            let room = x + width - column
            column += buffer.put(" " + word + "  ", x: column, y: y, style: theme.secondary, maxWidth: room)
        }
    }
}
