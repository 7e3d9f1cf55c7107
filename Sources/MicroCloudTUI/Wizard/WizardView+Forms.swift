import Foundation
import MicroCloudKit

// Views of the forms (steps 5 and 7) and the summary (step 8).

extension WizardState {
    /// The focused field's question on top (upstream's words, with its default), then one line per field:
    /// label, input, and the field's problem (the Kit rule's message) under it while it has one.
    func drawForm<F>(_ form: WizardForm<F>, _ problems: FormProblems<F>, note: Bool = false,
                     on s: inout Screen, in r: Rect) {
        var rest = drawSkipNotes(on: &s, in: r)
        guard form.entries.indices.contains(form.focus) else { return }
        let used = drawLines([LogView.Line(form.entries[form.focus].input.promptLine, style: .bold)], on: &s, in: rest) + 1
        rest = Rect(x: rest.x, y: rest.y + used, width: rest.width, height: rest.height - used)
        let labelWidth = (form.entries.map { displayWidth($0.label) }.max() ?? 0) + 2
        var y = rest.y
        for (i, entry) in form.entries.enumerated() where y < rest.maxY {
            let focused = i == form.focus
            s.put((focused ? s.glyphs.pointer : " ") + " ", at: Point(x: rest.x, y: y), style: Style.warn.bold)
            s.put(pad(entry.label, toWidth: labelWidth), at: Point(x: rest.x + 2, y: y), style: focused ? .bold : .normal)
            let x = rest.x + 2 + labelWidth
            drawInput(entry.input, focused: focused, on: &s, at: Point(x: x, y: y), width: rest.maxX - x)
            y += 1
            if let problem = problems.fields[entry.field] {
                let text = "\(s.glyphs.disabled) \(problem)"
                y += drawLines([LogView.Line(text, style: .error)], on: &s,
                               in: Rect(x: x, y: y, width: rest.maxX - x, height: rest.maxY - y))
            }
        }
        y += 1
        var tail: [LogView.Line] = []
        if let f = problems.form { tail.append(LogView.Line("\(s.glyphs.disabled) \(f)", style: .error)) }
        if let notice { tail.append(notice) }
        if note && problems.form == nil {
            tail.append(LogView.Line("Leave a gateway empty to go without it; at least one is needed.", style: .dim))
        }
        drawLines(tail, on: &s, in: Rect(x: rest.x, y: y, width: rest.width, height: rest.maxY - y))
    }

    /// The text with the cursor; an empty field shows its default (or placeholder) dimmed.
    func drawInput(_ field: TextField, focused: Bool, on s: inout Screen, at p: Point, width: Int) {
        guard width > 3 else { return }
        var x = p.x
        let room = width
        let chars = Array(field.text)
        if chars.isEmpty {
            let ghost = field.defaultValue.isEmpty ? field.placeholder : "\(field.defaultValue) (default)"
            guard focused else {
                s.put(ghost, at: Point(x: x, y: p.y), style: .dim, maxWidth: room)
                return
            }
            x = s.put(ghost.first.map(String.init) ?? " ", at: Point(x: x, y: p.y), style: .cursor)
            s.put(String(ghost.dropFirst()), at: Point(x: x, y: p.y), style: .dim, maxWidth: p.x + room - x)
            return
        }
        // Keep the cursor in view: show the tail when the text is longer than the room.
        var first = 0
        while displayWidth(String(chars[first..<min(chars.count, max(first, field.cursor))])) > room - 2 { first += 1 }
        for i in first..<chars.count {
            let c = String(chars[i])
            if x + displayWidth(c) > p.x + width { break }
            x = s.put(c, at: Point(x: x, y: p.y), style: focused && i == field.cursor ? .cursor : .normal)
        }
        if focused && field.cursor == chars.count { s.put(" ", at: Point(x: x, y: p.y), style: .cursor, maxWidth: 1) }
    }

    func drawSummary(on s: inout Screen, in r: Rect) {
        let (width, height) = summaryViewport
        let lines = summaryLines(width: width)
        let items = summaryItems()
        let top = currentSummaryTop
        for (k, entry) in lines.dropFirst(top).prefix(height).enumerated() {
            let y = r.y + k
            let isCursor = entry.item == summary.cursor && summary.saveField == nil
            var style = entry.line.style
            if isCursor { style = entry.line.text.hasPrefix("[") ? Style(fg: .accent, attributes: [.bold, .reverse]) : style.bold }
            if isCursor, k == 0 || lines[top + k - 1].item != entry.item {
                s.put(s.glyphs.pointer, at: Point(x: r.x, y: y), style: Style.warn.bold)
            }
            s.put(entry.line.text, at: Point(x: r.x + 2, y: y), style: style, maxWidth: width)
            if isCursor, case .edit = items[entry.item].kind, k == 0 || lines[top + k - 1].item != entry.item {
                s.put("enter: edit", at: Point(x: r.maxX - 11, y: y), style: .accent)
            }
        }
        if top > 0 { s.put(s.glyphs.arrowUp, at: Point(x: r.maxX - 1, y: r.y), style: .accent) }
        if top + height < lines.count {
            s.put(s.glyphs.arrowDown, at: Point(x: r.maxX - 1, y: r.y + height - 1), style: .accent)
        }
        var y = r.y + height + 1
        if let field = summary.saveField {
            s.put(field.prompt, at: Point(x: r.x, y: y), style: .bold, maxWidth: r.width)
            let x = s.put("> ", at: Point(x: r.x, y: y + 1), style: .accent)
            drawInput(field, focused: true, on: &s, at: Point(x: x, y: y + 1), width: r.maxX - x)
            y += 3
        }
        if let m = summary.message { drawLines([m], on: &s, in: Rect(x: r.x, y: min(y, r.maxY - 1), width: r.width, height: 1)) }
    }
}
