import PeerdexCore

extension Renderer {
    /// The list box: title with count, column header, rows, scroll bar, or a teaching empty state.
    mutating func drawList(in rect: Rect) {
        let list = model.current
        let focused = model.mode == .browse || model.mode == .searching
        let borderStyle = focused ? theme.focusedBorder : theme.border
        var title = model.pane.title
        if model.pane == .search, !model.query.text.isEmpty { title += " “\(model.query.text)”" }
        buffer.box(rect, style: borderStyle, title: title, titleStyle: borderStyle.bolded)
        let rows = layout.listRows
        guard rows.width > 4, rows.height > 0 else { return }
        if list.total == 0 {
            drawEmptyState(in: Rect(x: rows.x, y: rows.y - 1, width: rows.width, height: rows.height + 1))
            drawNetworkSummary(in: rect, reserving: 0, style: borderStyle)
            return
        }
        if model.pane == .nearby {
            drawNearbyRows(list, in: rows)
        } else {
            drawContactRows(list, in: rows)
        }
        drawScrollBar(list, column: rect.x + rect.width - 1, rows: rows)
        let position = " \((list.selection + 1).grouped) of \(list.total.grouped) "
        let positionWidth = DisplayWidth.of(position)
        var reserved = 0
        if positionWidth + 4 < rect.width {
            let x = rect.x + rect.width - positionWidth - 2
            buffer.put(position, x: x, y: rect.y + rect.height - 1, style: borderStyle)
            reserved = positionWidth + 2
        }
        drawNetworkSummary(in: rect, reserving: reserved, style: borderStyle)
        drawNearbySummary(in: rect, reserving: reserved, style: borderStyle)
    }

    /// The column titles and the visible rows of a contact list (and the Search pane's network
    /// results below its contacts).
    private mutating func drawContactRows(_ list: ListState, in rows: Rect) {
        let columns = ListColumns(width: rows.width)
        drawHeader(columns, x: rows.x, y: rows.y - 1)
        var failureShown = false
        for line in 0..<rows.height {
            let index = list.top + line
            guard index < list.total else { break }
            let y = rows.y + line
            if model.pane == .search, index >= model.localSearchCount {
                let networkIndex = index - model.localSearchCount
                guard networkIndex < model.networkRows.count else { break }
                let peer = model.networkRows[networkIndex]
                drawNetworkRow(peer, columns, x: rows.x, y: y, selected: index == list.selection)
                continue
            }
            guard let contact = list.window?[index] else {
                if let failure = list.loadFailure, !failureShown {
                    // Once, on the first row missing: what failed, and that it is being retried.
                    let text = "  ✗ could not load: \(failure.reason) (retrying)"
                    buffer.put(DisplayWidth.truncate(text, to: rows.width), x: rows.x, y: y, style: theme.error)
                    failureShown = true
                } else {
                    buffer.put("  …", x: rows.x, y: y, style: theme.secondary)
                }
                continue
            }
            drawRow(contact, columns, x: rows.x, y: y, selected: index == list.selection)
        }
    }

    /// The network search's spinner and counts on the list box's bottom border, left of what
    /// `reserving` columns on the right already hold.
    private mutating func drawNetworkSummary(in rect: Rect, reserving reserved: Int, style: Style) {
        guard model.pane == .search, !model.query.text.isEmpty else { return }
        let summary: String
        let summaryStyle: Style
        if let search = model.networkSearch {
            summary = search.summary(shown: model.networkRows.count)
            summaryStyle = search.failure != nil ? theme.error : search.isRunning ? theme.key : style
        } else if case .offline? = model.nodeStatus?.state {
            (summary, summaryStyle) = ("network: offline, searched your contacts only", style)
        } else {
            return
        }
        let room = rect.width - reserved - 4
        guard room >= 12 else { return }
        let text = DisplayWidth.truncate(" " + summary + " ", to: room)
        buffer.put(text, x: rect.x + 2, y: rect.y + rect.height - 1, style: summaryStyle)
    }

    /// A network result: a hollow diamond where contacts have their star, name, interests and
    /// short peer ID as a contact row has them, and "network" where the last-seen time goes.
    private mutating func drawNetworkRow(
        _ peer: DiscoveredPeer, _ columns: ListColumns, x: Int, y: Int, selected: Bool
    ) {
        let base = drawRowColumns(
            name: DisplayWidth.truncate(Self.name(of: peer), to: columns.name), interests: peer.interests,
            peerID: peer.peerID, last: "network", lastIsLabel: true, columns, x: x, y: y, selected: selected)
        buffer.put(Self.networkMark, x: x + 1, y: y, style: selected ? base : theme.label)
    }

    /// The mark of a network result in the list's mark column.
    static let networkMark = "◇"

    /// Dim column titles above the rows.
    private mutating func drawHeader(_ columns: ListColumns, x: Int, y: Int) {
        buffer.put(DisplayWidth.pad("", to: ListColumns.markWidth) + "Name", x: x, y: y, style: theme.secondary)
        if columns.interests > 0 {
            buffer.put("Interests", x: x + columns.interestsX, y: y, style: theme.secondary)
        }
        buffer.put("Peer", x: x + columns.peerX, y: y, style: theme.secondary)
        buffer.put("Last seen", x: x + columns.seenX, y: y, style: theme.secondary)
    }

    /// One contact: mark, name, interests (when wide), short peer ID and last-seen time.
    private mutating func drawRow(_ contact: Contact, _ columns: ListColumns, x: Int, y: Int, selected: Bool) {
        var name = DisplayWidth.truncate(contact.displayName, to: columns.name)
        if !contact.alias.isEmpty, !contact.name.isEmpty, contact.name != contact.alias {
            let withName = contact.displayName + " (" + contact.name + ")"
            if DisplayWidth.of(withName) <= columns.name { name = withName }
        }
        let seen = contact.lastSeen.map { TimeText.relative($0, now: model.now, utcOffset: model.utcOffset) } ?? "never"
        let base = drawRowColumns(
            name: name, interests: contact.interests, peerID: contact.peerID, last: seen, lastIsLabel: false, columns,
            x: x, y: y, selected: selected)
        if contact.isBlocked {
            buffer.put("⊘", x: x + 1, y: y, style: selected ? base : theme.blocked)
        } else if contact.isFavorite {
            buffer.put("★", x: x + 1, y: y, style: selected ? base.bolded : theme.favorite)
        }
    }

    /// What every row draws but its mark: the background, `name` (already fitted), interests
    /// (when wide), the short peer ID and the last column, dim or (`lastIsLabel`) as a label.
    /// Returns the row's base style, for the caller's mark.
    private mutating func drawRowColumns(
        name: String, interests: [String], peerID: PeerID, last: String, lastIsLabel: Bool, _ columns: ListColumns,
        x: Int, y: Int, selected: Bool
    ) -> Style {
        let base = selected ? theme.selection : theme.text
        buffer.fill(Rect(x: x, y: y, width: columns.width, height: 1), style: base)
        buffer.put(name, x: x + ListColumns.markWidth, y: y, style: base)
        var secondary = selected ? base : theme.secondary
        secondary.bold = false
        if columns.interests > 0 {
            let interests = DisplayWidth.truncate(interests.joined(separator: ", "), to: columns.interests)
            buffer.put(interests, x: x + columns.interestsX, y: y, style: secondary)
        }
        buffer.put(peerID.shortText, x: x + columns.peerX, y: y, style: secondary)
        let lastStyle = lastIsLabel ? (selected ? base : theme.label) : secondary
        buffer.put(DisplayWidth.truncate(last, to: ListColumns.seenWidth), x: x + columns.seenX, y: y, style: lastStyle)
        return base
    }

    /// A thumb on the box's right border showing where the viewport is in the whole list.
    private mutating func drawScrollBar(_ list: ListState, column: Int, rows: Rect) {
        guard list.total > rows.height, rows.height > 0 else { return }
        let thumb = max(1, rows.height * rows.height / list.total)
        let maxTop = list.total - rows.height
        let start = maxTop == 0 ? 0 : (rows.height - thumb) * list.top / maxTop
        buffer.fill(Rect(x: column, y: rows.y + start, width: 1, height: thumb), style: theme.scrollThumb, with: "┃")
    }

    // MARK: - Empty states

    /// What an empty pane says: each one tells the user what to do next.
    private mutating func drawEmptyState(in rect: Rect) {
        let keys = model.keymap
        var lines: [(String, Style)]
        switch model.pane {
        case _ where !model.countsKnown && model.pane != .search && model.pane != .nearby:
            if let failure = model.countsFailure ?? model.current.loadFailure {
                lines = [
                    ("Could not read the contact book.", theme.error.bolded), ("", theme.text),
                    (failure.reason, theme.text), ("", theme.text),
                    ("Trying again every \(Int(AppModel.retryInterval)) seconds.", theme.secondary),
                ]
            } else {
                lines = [("Loading…", theme.secondary)]
            }
        case .search where model.searchFailure != nil:
            lines = [
                ("Search failed.", theme.error.bolded), ("", theme.text),
                (model.searchFailure?.reason ?? "", theme.text), ("", theme.text),
                ("Trying again in \(Int(AppModel.retryInterval)) seconds; type to search again.", theme.secondary),
            ]
        case .contacts:
            lines = [
                ("Your contact book is empty.", theme.text.bolded), ("", theme.text),
                ("Press \(keys.label(for: .add)) to add someone: paste their peer ID or peerdex:// invite.",
                 theme.text),
                ("Press \(keys.label(for: .showIdentity)) to show your own peer ID and invite, to share.", theme.text),
                ("", theme.text), ("From a shell: peerdex contacts add <peer-id> --name NAME", theme.secondary),
                ("New here? 'peerdex demo' (or make demo) opens this on a local network of generated people.",
                 theme.secondary),
            ]
        case .favorites:
            lines = [
                ("No favorites yet.", theme.text.bolded), ("", theme.text),
                ("Select a contact and press \(keys.label(for: .toggleFavorite)) to star it.", theme.text),
            ]
        case .nearby:
            lines = nearbyEmptyLines()
        case .search where model.query.text.isEmpty:
            lines = [
                ("Search your contacts.", theme.text.bolded), ("", theme.text),
                ("Press \(keys.label(for: .search)) and type: names, aliases, notes and interests", theme.text),
                ("match as you type. Enter keeps the results, Esc leaves.", theme.text),
            ]
        case .search:
            lines = [
                ("No contact matches “\(model.query.text)”.", theme.text.bolded), ("", theme.text),
                ("Try fewer letters, or another word from a name, note or interest.", theme.secondary),
            ]
            if let search = model.networkSearch, search.failure == nil {
                let network = search.isRunning
                    ? "Searching the network; people found there will be listed here."
                    : "Nobody on the network matched either."
                lines += [("", theme.text), (network, theme.secondary)]
            }
        case .blocked:
            lines = [
                ("Nobody is blocked.", theme.text.bolded), ("", theme.text),
                ("Press \(keys.label(for: .toggleBlocked)) on a contact to block it; it will be listed here.",
                 theme.secondary),
            ]
        }
        var wrapped: [(String, Style)] = []
        for (line, style) in lines {
            if line.isEmpty { wrapped.append(("", style)) }
            for part in DisplayWidth.wrap(line, to: rect.width - 4) where !part.isEmpty {
                wrapped.append((part, style))
            }
        }
        let top = rect.y + max(1, (rect.height - wrapped.count) / 3)
        for (index, (line, style)) in wrapped.enumerated() where top + index < rect.y + rect.height {
            buffer.put(line, x: rect.x + 2, y: top + index, style: style)
        }
    }
}

/// Column positions of a list row at a given width: name flexes, the rest are fixed.
struct ListColumns {
    static let markWidth = 3
    static let peerWidth = 8
    static let seenWidth = 11

    let width: Int
    let name: Int
    let interests: Int
    let interestsX: Int
    let peerX: Int
    let seenX: Int

    init(width: Int) {
        self.width = width
        seenX = width - Self.seenWidth - 1
        peerX = seenX - Self.peerWidth - 2
        let flexible = peerX - 2 - Self.markWidth
        if width >= 70 {
            name = flexible * 3 / 5
            interests = flexible - name - 2
        } else {
            name = flexible
            interests = 0
        }
        interestsX = Self.markWidth + name + 2
    }
}
