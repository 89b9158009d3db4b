import PeerdexCore

extension AppModel {
    /// Draws the whole screen for the model's size: pure, so tests snapshot it as text.
    public func render() -> CellBuffer {
        var renderer = Renderer(model: self)
        renderer.draw()
        return renderer.buffer
    }
}

/// Draws an `AppModel` into a `CellBuffer`; one method per part of the screen.
struct Renderer {
    let model: AppModel
    let theme: Theme
    let layout: Layout
    var buffer: CellBuffer

    init(model: AppModel) {
        self.model = model
        self.theme = model.theme
        self.layout = model.layout
        self.buffer = CellBuffer(width: model.width, height: model.height)
    }

    mutating func draw() {
        if layout.tooSmall {
            drawTooSmall()
            return
        }
        drawTabs()
        if let list = layout.list { drawList(in: list) }
        if let detail = layout.detail { drawDetail(in: detail) }
        drawStatus()
        drawBottomLine()
        switch model.mode {
        case .help: drawHelp()
        case .identity: drawIdentity()
        case .profile(let form): drawProfileForm(form)
        default: break
        }
    }

    // MARK: - Too small

    /// A short centered message instead of a broken layout.
    mutating func drawTooSmall() {
        let lines = [
            "Terminal too small",
            "\(model.width)×\(model.height), needs \(Layout.minWidth)×\(Layout.minHeight)",
            "Enlarge it, or press \(model.keymap.label(for: .quit)) to quit",
        ]
        let top = max(0, (model.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let shown = DisplayWidth.truncate(line, to: model.width)
            let x = max(0, (model.width - DisplayWidth.of(shown)) / 2)
            buffer.put(shown, x: x, y: top + index, style: index == 0 ? theme.text.bolded : theme.secondary)
        }
        // The node's state still shows on the last row when there is a row to spare.
        if model.height >= lines.count + 2 {
            drawNodeStatus(in: Rect(x: 0, y: model.height - 1, width: model.width, height: 1))
        }
    }

    // MARK: - Tab bar

    /// Pane tabs with their keys and counts; the app name on the right when there is room.
    mutating func drawTabs() {
        let row = layout.tabBar.y
        var end = 0
        for span in model.tabSpans() {
            let style = span.pane == model.pane ? theme.activeTab : theme.tab
            buffer.put(span.label, x: span.columns.lowerBound, y: row, style: style)
            end = span.columns.upperBound
        }
        let name = " peerdex "
        if end + DisplayWidth.of(name) + 1 <= model.width {
            buffer.put(name, x: model.width - DisplayWidth.of(name), y: row, style: theme.secondary.bolded)
        }
    }

    // MARK: - Status bar and bottom line

    /// Pane, position and the most useful keys; a refused prompt answer replaces it with the reason.
    mutating func drawStatus() {
        let rect = layout.status
        var refusal: String?
        if case .prompt(let prompt) = model.mode { refusal = prompt.error }
        if case .profile(let form) = model.mode { refusal = form.error }
        if let error = refusal {
            buffer.fill(rect, style: theme.error)
            buffer.put(DisplayWidth.truncate(" ✗ " + error, to: rect.width), x: rect.x, y: rect.y, style: theme.error)
            return
        }
        buffer.fill(rect, style: theme.status)
        let list = model.current
        var left = " \(model.pane.title)"
        if list.total > 0 { left += "  \((list.selection + 1).grouped)/\(list.total.grouped)" }
        if let contact = model.selectedContact { left += "  " + contact.displayName }
        if let peer = model.selectedNetworkPeer { left += "  " + Self.name(of: peer) + " (network)" }
        if let row = model.selectedNearbyPeer { left += "  " + row.label }
        let keys = model.keymap
        let hints = [
            (keys.label(for: .add), "add"), (keys.label(for: .search), "search"),
            (keys.label(for: .help), "help"), (keys.label(for: .quit), "quit"),
        ].map { "\($0.0) \($0.1)" }.joined(separator: "  ") + " "
        let hintsWidth = DisplayWidth.of(hints)
        let room = rect.width - hintsWidth - 2
        if room >= 20 {
            buffer.put(DisplayWidth.truncate(left, to: room), x: rect.x, y: rect.y, style: theme.status)
            buffer.put(hints, x: rect.x + rect.width - hintsWidth, y: rect.y, style: theme.status)
        } else {
            buffer.put(DisplayWidth.truncate(left, to: rect.width), x: rect.x, y: rect.y, style: theme.status)
        }
    }

    /// The input line: search text, a prompt, a y/n question, or the last message.
    mutating func drawBottomLine() {
        let rect = layout.bottom
        switch model.mode {
        case .searching:
            let count = model.lists[.search]?.total ?? 0
            let hint = model.query.text.isEmpty
                ? "type to search · Esc leaves"
                : "\(count.grouped) found · Enter keeps · Esc leaves"
            drawInput(label: "/", field: model.query, hint: hint)
        case .prompt(let prompt):
            drawInput(label: prompt.label, field: prompt.field, hint: "Enter ok · Esc cancel")
        case .profile(let form):
            let hint = form.loaded == nil
                ? "Esc cancels"
                : "Tab next field · Space changes visibility · Enter saves · Esc cancels"
            buffer.put(DisplayWidth.truncate(hint, to: rect.width), x: rect.x, y: rect.y, style: theme.secondary)
        case .confirm(let confirmation):
            let question: String
            switch confirmation {
            case .block(let contact, true):
                question = "Block \(contact.displayName)? They move to Blocked and can no longer reach you."
            case .block(let contact, false): question = "Unblock \(contact.displayName)?"
            case .remove(let contact):
                question = "Remove \(contact.displayName) from your contacts? This cannot be undone."
            }
            let answer = " [y/n]"
            let shown = DisplayWidth.truncate(question, to: rect.width - DisplayWidth.of(answer))
            let used = buffer.put(shown, x: rect.x, y: rect.y, style: theme.text.bolded)
            buffer.put(answer, x: rect.x + used, y: rect.y, style: theme.key)
        default:
            var used = 0
            if let message = model.message {
                let style: Style
                let mark: String
                switch message.kind {
                case .info: (style, mark) = (theme.secondary, "")
                case .success: (style, mark) = (theme.success, "✓ ")
                case .error: (style, mark) = (theme.error, "✗ ")
                }
                let text = DisplayWidth.truncate(mark + message.text, to: rect.width)
                used = buffer.put(text, x: rect.x, y: rect.y, style: style) + 2
            }
            // The node's state shares the line with a message, which has the priority.
            let room = rect.width - used
            if used == 0 || room >= 16 {
                drawNodeStatus(in: Rect(x: rect.x + used, y: rect.y, width: room, height: 1))
            }
        }
    }

    /// The node's state, right-aligned in `rect` and truncated to it; nothing before the app sent one.
    mutating func drawNodeStatus(in rect: Rect) {
        guard let status = model.nodeStatus, rect.width > 0 else { return }
        let markStyle: Style
        switch status.state {
        case .online: markStyle = theme.success
        case .starting: markStyle = theme.key
        case .offline: markStyle = theme.secondary
        }
        var full = status.mark + " " + status.text
        if let hint = status.hint, DisplayWidth.of(full + " · " + hint) <= rect.width { full += " · " + hint }
        let text = DisplayWidth.truncate(full, to: rect.width)
        let x = rect.x + rect.width - DisplayWidth.of(text)
        let markWidth = buffer.put(status.mark, x: x, y: rect.y, style: markStyle, maxWidth: rect.width)
        buffer.put(String(text.dropFirst()), x: x + markWidth, y: rect.y, style: theme.secondary)
    }

    /// A network result's name, or its short peer ID when its profile has none.
    static func name(of peer: DiscoveredPeer) -> String {
        peer.name.isEmpty ? peer.peerID.shortText : peer.name
    }

    /// A label, the field with a block cursor, and a dim hint on the right when there is room.
    ///
    /// A long answer scrolls so that the cursor stays visible.
    mutating func drawInput(label: String, field: TextField, hint: String) {
        let rect = layout.bottom
        let labelWidth = buffer.put(label, x: rect.x, y: rect.y, style: theme.label)
        let hintWidth = DisplayWidth.of(hint)
        var room = rect.width - labelWidth - 1
        let showHint = room - hintWidth - 2 >= 20
        if showHint { room -= hintWidth + 2 }
        drawField(field, x: rect.x + labelWidth, y: rect.y, width: room, focused: true)
        if showHint {
            buffer.put(hint, x: rect.x + rect.width - hintWidth, y: rect.y, style: theme.secondary)
        }
    }

    /// A text field in `width` columns; when focused, with a block cursor, scrolled so that the
    /// cursor stays visible. Unfocused, it shows its beginning, truncated.
    mutating func drawField(_ field: TextField, x: Int, y: Int, width: Int, focused: Bool) {
        guard width > 0 else { return }
        guard focused else {
            buffer.put(DisplayWidth.truncate(field.text, to: width), x: x, y: y, style: theme.text)
            return
        }
        let characters = Array(field.text)
        var start = 0
        while start < field.cursor, DisplayWidth.of(String(characters[start..<field.cursor])) > width - 1 { start += 1 }
        var column = x
        var index = start
        while index <= characters.count {
            let isCursor = index == field.cursor
            let grapheme = index < characters.count ? String(characters[index]) : " "
            let columns = max(1, DisplayWidth.of(grapheme))
            if column + columns > x + width { break }
            var style = field.isSelected && index < characters.count ? theme.selection : theme.text
            if isCursor { style.reverse = true }
            column += buffer.put(grapheme, x: column, y: y, style: style)
            index += 1
        }
    }
}
