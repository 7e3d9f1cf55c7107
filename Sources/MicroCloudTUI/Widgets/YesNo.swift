/// A yes/no question with a default: ←/→ (or Tab) choose, `y`/`n` answer at once, Enter confirms the choice.
public struct YesNo: Sendable, Equatable {
    public enum Action: Equatable, Sendable {
        case ignored
        case handled
        case submit(Bool)
        case cancel
    }

    public var question: String
    public let defaultValue: Bool
    public private(set) var value: Bool

    public init(question: String, defaultValue: Bool) {
        self.question = question
        self.defaultValue = defaultValue
        self.value = defaultValue
    }

    public mutating func handle(_ key: Key) -> Action {
        switch key {
        case .left, .right, .tab, .backTab, .up, .down: value.toggle()
        case .char("y"), .char("Y"):
            value = true
            return .submit(true)
        case .char("n"), .char("N"):
            value = false
            return .submit(false)
        case .enter: return .submit(value)
        case .escape: return .cancel
        default: return .ignored
        }
        return .handled
    }

    public func height(width: Int) -> Int { wrapWords(questionLine, width: max(1, width)).count + 2 }

    var questionLine: String { "\(question) (yes/no) [default=\(defaultValue ? "yes" : "no")]" }

    /// The question, then two buttons with the current choice highlighted.
    public func render(on screen: inout Screen, in rect: Rect, focused: Bool = true) {
        var y = rect.y
        for line in wrapWords(questionLine, width: rect.width) where y < rect.maxY {
            screen.put(line, at: Point(x: rect.x, y: y), style: .bold, maxWidth: rect.width)
            y += 1
        }
        y += 1
        guard y < rect.maxY else { return }
        let chosen = focused ? Style(fg: .accent, attributes: [.bold, .reverse]) : Style.accent.bold
        var x = rect.x + 2
        x = screen.put(value ? "[ Yes ]" : "  Yes  ", at: Point(x: x, y: y), style: value ? chosen : .normal,
                       maxWidth: rect.maxX - x)
        x += 3
        screen.put(value ? "  No  " : "[ No ]", at: Point(x: x, y: y), style: value ? .normal : chosen,
                   maxWidth: rect.maxX - x)
    }
}
