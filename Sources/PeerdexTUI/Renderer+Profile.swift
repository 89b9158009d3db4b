import PeerdexCore

extension Renderer {
    /// The own-profile form, centered over the main area; hint lines are dropped first when the
    /// terminal is short, then the blank ones, so the four fields always show.
    mutating func drawProfileForm(_ form: ProfileForm) {
        let width = min(layout.main.width, 72)
        // Border, marker ("› " on the focused field), label, value, one blank column, border.
        let labelWidth = 12
        let valueWidth = width - 2 - 2 - labelWidth - 1
        enum Line {
            case blank, field(ProfileForm.Field), hint(String), loading
        }
        var lines: [(line: Line, optional: Int)] = []  // 0: always; 1: hint; 2: spacing
        if form.loaded == nil {
            lines = [(.blank, 2), (.loading, 0), (.blank, 2)]
        } else {
            lines = [
                (.blank, 2), (.field(.name), 0), (.field(.interests), 0),
                (.hint("comma separated, at most \(Profile.maximumInterestCount)"), 1), (.field(.location), 0),
                (.hint("city or region, never an exact address"), 1), (.field(.visibility), 0),
                (.hint(form.visibility.profileMeaning), 1), (.blank, 2),
            ]
        }
        for dropped in [2, 1] where lines.count + 2 > layout.main.height {
            lines.removeAll { $0.optional == dropped }
        }
        let box = layout.main.centered(width: width, height: lines.count + 2)
        buffer.fill(layout.main, style: theme.text)
        buffer.box(box, style: theme.focusedBorder, title: "Your profile", titleStyle: theme.focusedBorder.bolded)
        let labelX = box.x + 1
        let valueX = labelX + 2 + labelWidth
        for (index, entry) in lines.enumerated() {
            let y = box.y + 1 + index
            guard y < box.y + box.height - 1 else { break }
            switch entry.line {
            case .blank:
                break
            case .loading:
                buffer.put("Loading your profile…", x: labelX + 2, y: y, style: theme.secondary)
            case .hint(let text):
                buffer.put(DisplayWidth.truncate(text, to: valueWidth), x: valueX, y: y, style: theme.secondary)
            case .field(let field):
                let focused = form.focus == field
                let label = (focused ? "› " : "  ") + field.label
                buffer.put(label, x: labelX, y: y, style: focused ? theme.key : theme.label)
                if let text = form.text(of: field) {
                    drawField(text, x: valueX, y: y, width: valueWidth, focused: focused)
                } else {
                    let value = "‹ \(form.visibility.rawValue) ›"
                    buffer.put(value, x: valueX, y: y, style: focused ? theme.selection : theme.text)
                }
            }
        }
        let footer = form.loaded == nil ? " Esc cancels " : " Enter saves · Esc cancels "
        let footerWidth = DisplayWidth.of(footer)
        if footerWidth + 4 < box.width {
            let x = box.x + box.width - footerWidth - 2
            buffer.put(footer, x: x, y: box.y + box.height - 1, style: theme.secondary)
        }
    }
}
