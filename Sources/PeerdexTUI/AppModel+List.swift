import PeerdexCore

extension AppModel {
    // MARK: - Moving

    /// Moves the selection, keeps it visible and asks for rows when the viewport leaves the window.
    ///
    /// With `scrolling` (PgUp/PgDn) the viewport moves by the same amount, so the selection keeps
    /// its place on screen, as in every pager.
    mutating func move(by delta: Int, scrolling: Bool = false) -> [Command] {
        var list = current
        guard list.total > 0 else { return [] }
        list.selection = min(max(0, list.selection + delta), list.total - 1)
        if scrolling { list.top += delta }
        current = list
        keepSelectionVisible(pane)
        return ensureWindow(pane)
    }

    /// Adjusts a pane's first visible row so that its selection is on screen and no space is wasted.
    mutating func keepSelectionVisible(_ pane: Pane) {
        guard var list = lists[pane] else { return }
        let rows = layout.visibleRows
        if list.selection < list.top { list.top = list.selection }
        if list.selection >= list.top + rows { list.top = list.selection - rows + 1 }
        list.top = max(0, min(list.top, list.total - rows))
        lists[pane] = list
    }

    /// Keeps a pane's selection inside its list after the list shrank.
    mutating func clampSelection(_ pane: Pane) {
        guard var list = lists[pane] else { return }
        list.selection = max(0, min(list.selection, list.total - 1))
        lists[pane] = list
        keepSelectionVisible(pane)
    }

    // MARK: - Windows

    /// The window offset that centers the viewport in a window of `windowLimit` rows.
    func desiredOffset(_ pane: Pane) -> Int {
        let list = lists[pane] ?? ListState()
        let margin = max(0, (windowLimit - layout.visibleRows) / 2)
        return max(0, min(list.top - margin, list.total - windowLimit))
    }

    /// The offset of the window being loaded for a pane, if one is in flight.
    func pendingWindowOffset(_ pane: Pane) -> Int? {
        guard case .loadWindow(_, let offset, _)? = latestInFlight(where: { $0.loadsWindow(of: pane) })?.request else {
            return nil
        }
        return offset
    }

    /// Asks for a pane's rows when the visible ones are not loaded, unless they are already asked
    /// for; a load of another window of the same pane is cancelled (the viewport has left it).
    mutating func ensureWindow(_ pane: Pane) -> [Command] {
        // Search and Nearby rows are not the store's: nothing to load.
        guard pane != .search, pane != .nearby, let list = lists[pane] else { return [] }
        let isWindowOfPane: (Request) -> Bool = { $0.loadsWindow(of: pane) }
        let lastVisible = min(list.total, list.top + layout.visibleRows)
        let covered = list.window.map { $0.offset <= list.top && $0.offset + $0.rows.count >= lastVisible } ?? false
        // What is shown is loaded: a window still being loaded elsewhere is no longer wanted.
        if covered, !list.stale { return cancelRequests(where: isWindowOfPane) }
        if list.total == 0, list.window != nil, !list.stale { return cancelRequests(where: isWindowOfPane) }
        let offset = desiredOffset(pane)
        if pendingWindowOffset(pane) == offset { return [] }
        return cancelRequests(where: isWindowOfPane) + [issue(.loadWindow(pane: pane, offset: offset, limit: windowLimit))]
    }

    /// Takes a loaded window; asks again only if the viewport has moved elsewhere meanwhile.
    mutating func receive(_ window: ContactWindow) -> [Command] {
        guard window.pane != .search, window.pane != .nearby, var list = lists[window.pane] else { return [] }
        list.window = window
        list.total = window.total
        list.stale = false
        list.loadFailure = nil
        lists[window.pane] = list
        clampSelection(window.pane)
        if !networkRows.isEmpty { refreshNetworkRows() }  // a peer found may be in these rows
        guard window.pane == pane, desiredOffset(pane) != window.offset else { return [] }
        return ensureWindow(pane)
    }

    /// After a committed change or another process's: cancel loads that may predate it, reload
    /// what is shown, and mark the rest stale.
    mutating func reloadAfterChange() -> [Command] {
        reloadDeferred = false
        for other in Pane.allCases where other != .search && other != .nearby { lists[other]?.stale = true }
        var commands = cancelRequests { request in
            switch request {
            case .loadCounts, .loadWindow: return true
            default: return false
            }
        }
        commands.append(issue(.loadCounts))
        if pane == .search {
            if !query.text.isEmpty { commands += search(query.text) }
        } else {
            commands += ensureWindow(pane)
        }
        return commands
    }

    /// Replaces the Search pane's local rows; a new query starts again at the first result, and
    /// new results of the same query (a reload) keep the cursor on the same peer when it is
    /// still listed, local or network (a network result just added moves up among the local ones).
    mutating func setSearchResults(_ contacts: [Contact], query: String? = nil) {
        var list = lists[.search] ?? ListState()
        let sameRows = list.window?.rows.map(\.peerID) == contacts.map(\.peerID)
        let followed = query != nil && query == searchResultsQuery ? searchPeerID(at: list.selection) : nil
        searchResultsQuery = query
        list.window = ContactWindow(pane: .search, offset: 0, rows: contacts, total: contacts.count)
        if !sameRows {
            list.selection = 0
            list.top = 0
        }
        lists[.search] = list
        rebuildNetworkRows()
        if let followed { selectSearchRow(of: followed) }
    }

    // MARK: - Tabs

    /// Each tab's label and columns, left to right; used by `render` and to hit-test clicks.
    public func tabSpans() -> [(pane: Pane, label: String, columns: Range<Int>)] {
        var spans: [(pane: Pane, label: String, columns: Range<Int>)] = []
        var column = 0
        let compact = width < 90
        for tab in Pane.allCases {
            let key = keymap.keys(for: tab.action).first.map { $0.label + " " } ?? ""
            var label = " \(key)\(tab.title)"
            if let count = tabCount(tab) { label += compact ? " \(count.abbreviated)" : " \(count.grouped)" }
            label += " "
            let labelWidth = DisplayWidth.of(label)
            spans.append((tab, label, column..<(column + labelWidth)))
            column += labelWidth + 1
        }
        return spans
    }

    /// The count shown on a tab: the list total, or nothing before counts are known; Nearby's
    /// rows come from discovery, not the store, so its count is always known.
    func tabCount(_ tab: Pane) -> Int? {
        if tab == .search { return query.text.isEmpty ? nil : lists[.search]?.total }
        if tab == .nearby { return nearbyRows.count }
        return countsKnown ? lists[tab]?.total : nil
    }
}

extension Int {
    /// The number with thousands separators: 100,000.
    var grouped: String {
        let digits = String(magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return self < 0 ? "-" + result : result
    }

    /// The number in at most four characters for narrow tab bars: 950, 12k, 100k, 1.2M.
    var abbreviated: String {
        if self < 10_000 { return String(self) }
        if self < 1_000_000 { return "\(self / 1000)k" }
        return "\(self / 1_000_000).\(self % 1_000_000 / 100_000)M"
    }
}
