import PeerdexCore

/// The identity overlay with the invite's QR code: the code on the left, the peer ID and invite
/// beside it.
///
/// The code keeps its whole quiet zone (4 modules), which scanners need: a typical invite's
/// code is then 45 columns by 23 rows, taller than the main area of an 80×24 window, so where
/// the main area is too short the overlay takes the whole screen (tab bar and status line
/// included, until a key closes it). Where even that is too small, `drawIdentity` shows the
/// text alone with `qrTooSmallMessage`.
extension Renderer {
    /// The narrowest text column beside the code: a label and a few words of the how-to a line.
    static let identityTextMinWidth = 28
    /// The widest: a whole peer ID (56 characters) on one line.
    static let identityTextMaxWidth = 56

    /// How the code is drawn. With colors, light modules are white and dark ones black whatever
    /// the terminal's own colors, so the code reads on dark and light backgrounds alike. Without
    /// (monochrome, NO_COLOR), it is drawn in the terminal's colors as light-on-dark, the usual
    /// case, with the light modules as blocks (see `QRCode.halfBlockLines`).
    var qrStyle: Style {
        theme.name == Theme.monochrome.name ? .plain : Style(fg: .white, bg: .black)
    }

    /// The smallest window that shows `code` beside the text: the code with its quiet zone and
    /// the narrowest text column, and a row for the footer under the code.
    static func identityQRWindow(for code: QRCode) -> (width: Int, height: Int) {
        let (columns, lines) = code.textSize()
        return (columns + 1 + identityTextMinWidth, lines + 1)
    }

    /// The line shown under the text when the window is too small for `code`.
    static func qrTooSmallMessage(for code: QRCode) -> String {
        let (width, height) = identityQRWindow(for: code)
        return "Make the window at least \(width)×\(height) to show the QR code"
    }

    /// Draws the overlay with the code when the window fits it; false (nothing drawn) otherwise.
    mutating func drawIdentityWithQR(_ code: QRCode) -> Bool {
        let (columns, lines) = code.textSize()
        let main = layout.main
        // Boxed inside the main area when it is tall enough, as the other overlays are.
        if main.height >= lines + 2, main.width >= columns + Self.identityTextMinWidth + 4 {
            let textWidth = min(main.width - columns - 4, Self.identityTextMaxWidth)
            let box = main.centered(width: columns + textWidth + 4, height: lines + 2)
            buffer.fill(main, style: theme.text)
            buffer.box(box, style: theme.focusedBorder, title: "Your identity", titleStyle: theme.focusedBorder.bolded)
            drawQR(code, x: box.x + 1, y: box.y + 1)
            drawIdentityText(x: box.x + columns + 2, y: box.y + 1, width: textWidth, height: lines, withTitle: false)
            let footer = " any key closes "
            buffer.put(footer, x: box.x + box.width - DisplayWidth.of(footer) - 2, y: box.y + box.height - 1, style: theme.secondary)
            return true
        }
        // Else over the whole screen, without a box, when the window is tall and wide enough.
        let (minimumWidth, minimumHeight) = Self.identityQRWindow(for: code)
        guard model.width >= minimumWidth, model.height >= minimumHeight else { return false }
        let textWidth = min(model.width - columns - 1, Self.identityTextMaxWidth)
        let x = (model.width - (columns + 1 + textWidth)) / 2
        let y = (model.height - minimumHeight) / 2
        buffer.fill(buffer.bounds, style: theme.text)
        drawQR(code, x: x, y: y)
        drawIdentityText(x: x + columns + 1, y: y, width: textWidth, height: model.height - y, withTitle: true)
        return true
    }

    /// The code's lines at (`x`, `y`), quiet zone included.
    private mutating func drawQR(_ code: QRCode, x: Int, y: Int) {
        for (index, line) in code.halfBlockLines().enumerated() {
            buffer.put(line, x: x, y: y + index, style: qrStyle)
        }
    }

    /// The peer ID, the invite and how to share them, in a column; "any key closes" last when
    /// there is no box to carry it.
    private mutating func drawIdentityText(x: Int, y: Int, width: Int, height: Int, withTitle: Bool) {
        let invite = model.ownInvite
        var lines: [(String, Style)] = []
        if withTitle { lines += [("Your identity", theme.focusedBorder.bolded), ("", theme.text)] }
        lines.append(("Your peer ID", theme.label.bolded))
        lines += DisplayWidth.wrap(invite.peerID.text, to: width).map { ($0, theme.text.bolded) }
        lines += [("", theme.text), ("Your invite", theme.label.bolded)]
        lines += Self.wrapURL(invite.url, to: width).map { ($0, theme.text) }
        lines.append(("", theme.text))
        let howTo = "Scan the code, or share either one. The other person presses "
            + "\(model.keymap.label(for: .add)) and pastes it, or runs: peerdex contacts add <it>"
        lines += DisplayWidth.wrap(howTo, to: width).map { ($0, theme.secondary) }
        if withTitle { lines += [("", theme.text), ("any key closes", theme.secondary)] }
        for (index, (line, style)) in lines.prefix(height).enumerated() {
            buffer.put(line, x: x, y: y + index, style: style, maxWidth: width)
        }
    }
}
