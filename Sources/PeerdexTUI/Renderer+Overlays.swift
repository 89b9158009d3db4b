import PeerdexCore

extension Renderer {
    /// The key help, generated from the key table (one column when it fits, else two).
    mutating func drawHelp() {
        let sections = model.keymap.helpSections()
        let keyWidth = sections.flatMap(\.rows).map { DisplayWidth.of($0.keys) }.max() ?? 0
        let summaryWidth = sections.flatMap(\.rows).map { DisplayWidth.of($0.summary) }.max() ?? 0
        let columnWidth = keyWidth + 2 + summaryWidth
        // Lines of one section: heading, rows, blank line after.
        let heights = sections.map { $0.rows.count + 2 }
        let available = layout.main.height - 4
        let oneColumn = heights.reduce(0, +) - 1 <= available
        var columns: [[Int]] = oneColumn ? [Array(sections.indices)] : [[], []]
        if !oneColumn {
            // Fill the left column up to half the lines, the rest goes right.
            let half = (heights.reduce(0, +) + 1) / 2
            var used = 0
            for index in sections.indices {
                let side = used + heights[index] / 2 < half ? 0 : 1
                columns[side].append(index)
                if side == 0 { used += heights[index] }
            }
        }
        let contentHeight = columns.map { $0.map { heights[$0] }.reduce(0, +) - 1 }.max() ?? 0
        let width = min(layout.main.width, columns.count * columnWidth + (columns.count - 1) * 4 + 4)
        var box = layout.main.centered(width: width, height: min(layout.main.height, contentHeight + 3))
        if box.height >= layout.main.height - 2 { box = layout.main.centered(width: width, height: layout.main.height) }
        buffer.fill(layout.main, style: theme.text)
        buffer.box(box, style: theme.focusedBorder, title: "Keys", titleStyle: theme.focusedBorder.bolded)
        for (side, indices) in columns.enumerated() {
            let x = box.x + 2 + side * (columnWidth + 4)
            var y = box.y + 1
            for index in indices {
                let section = sections[index]
                guard y < box.y + box.height - 1 else { break }
                buffer.put(section.title, x: x, y: y, style: theme.label.bolded)
                y += 1
                for row in section.rows where y < box.y + box.height - 1 {
                    buffer.put(row.keys, x: x, y: y, style: theme.key)
                    buffer.put(
                        DisplayWidth.truncate(row.summary, to: box.x + box.width - 2 - (x + keyWidth + 2)),
                        x: x + keyWidth + 2, y: y, style: theme.text)
                    y += 1
                }
                y += 1
            }
        }
        let footer = " any key closes "
        let footerWidth = DisplayWidth.of(footer)
        if footerWidth + 4 < box.width {
            let x = box.x + box.width - footerWidth - 2
            buffer.put(footer, x: x, y: box.y + box.height - 1, style: theme.secondary)
        }
    }

    /// Our own peer ID and invite, in full, to copy and share, with its QR code when the window
    /// fits it (`drawIdentityWithQR`) and else a line saying how large it must be.
    mutating func drawIdentity() {
        if let code = model.ownInviteQR, drawIdentityWithQR(code) { return }
        let width = min(layout.main.width, 72)
        let textWidth = width - 4
        let invite = model.ownInvite
        var lines: [(String, Style)] = [("Your peer ID", theme.label.bolded)]
        lines += DisplayWidth.wrap(invite.peerID.text, to: textWidth).map { ($0, theme.text.bolded) }
        lines += [("", theme.text), ("Your invite", theme.label.bolded)]
        lines += Self.wrapURL(invite.url, to: textWidth).map { ($0, theme.text) }
        lines.append(("", theme.text))
        if let code = model.ownInviteQR {  // before the how-to, which a short window cuts first
            lines += DisplayWidth.wrap(Self.qrTooSmallMessage(for: code), to: textWidth).map { ($0, theme.label) }
            lines.append(("", theme.text))
        }
        let howTo = "Share either one. The other person presses \(model.keymap.label(for: .add)) and pastes it, "
            + "or runs: peerdex contacts add <it>"
        lines += DisplayWidth.wrap(howTo, to: textWidth).map { ($0, theme.secondary) }
        let box = layout.main.centered(width: width, height: lines.count + 4)
        buffer.fill(layout.main, style: theme.text)
        buffer.box(box, style: theme.focusedBorder, title: "Your identity", titleStyle: theme.focusedBorder.bolded)
        for (index, (line, style)) in lines.enumerated() where box.y + 2 + index < box.y + box.height - 1 {
            buffer.put(line, x: box.x + 2, y: box.y + 2 + index, style: style)
        }
        let footer = " any key closes "
        let footerX = box.x + box.width - DisplayWidth.of(footer) - 2
        buffer.put(footer, x: footerX, y: box.y + box.height - 1, style: theme.secondary)
    }

    /// Wraps an invite before its `@host:port` and `?name=` parts, so each piece stays whole
    /// when it fits on a line.
    static func wrapURL(_ url: String, to width: Int) -> [String] {
        var pieces: [String] = []
        var piece = ""
        for character in url {
            if character == "@" || character == "?", !piece.isEmpty {
                pieces.append(piece)
                piece = ""
            }
            piece.append(character)
        }
        pieces.append(piece)
        var lines: [String] = []
        var line = ""
        for piece in pieces {
            if DisplayWidth.of(line + piece) <= width {
                line += piece
                continue
            }
            if !line.isEmpty { lines.append(line) }
            let parts = DisplayWidth.wrap(piece, to: width)
            lines += parts.dropLast()
            line = parts.last ?? ""
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
