import PeerdexCore

extension Renderer {
    /// The selected contact's fields, wrapped to the box, with the keys that act on it at the bottom.
    mutating func drawDetail(in rect: Rect) {
        let focused = model.detailOpen && model.mode == .browse
        let borderStyle = focused ? theme.focusedBorder : theme.border
        let inner = rect.inset(by: 1)
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
        var y = inner.y + 1
        let bottom = inner.y + inner.height - 2  // leave the last line for key hints
        for (label, value) in fields(of: contact) {
            guard y < bottom else { break }
            buffer.put(label, x: inner.x + 1, y: y, style: theme.label)
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
        drawDetailKeys(contact, x: inner.x + 1, y: inner.y + inner.height - 1, width: inner.width - 2)
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
