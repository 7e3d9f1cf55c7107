import Testing
@testable import MicroCloudTUI

/// The description curses loads instead of the system's: the same, less `rep` (LabSuite.Curses' border test shows
/// what it changes on a real terminal).
@Suite struct TerminfoWithoutRepTests {
    static let xterm = """
        #\tReconstructed via infocmp from file: /usr/share/terminfo/x/xterm-256color
        xterm-256color|xterm with 256 colors,
        \tam,
        \tbce,
        \tcolors#0x100,
        \tprot=\\E[?0i,
        \trep=%p1%c\\E[%p2%{1}%-%db,
        \trev=\\E[7m,
        \trmacs=\\E(B,
        """

    @Test("the rep line goes, every other line stays as it was (rev and rmacs too, which start alike)")
    func dropsRepOnly() throws {
        let rewritten = try #require(TerminfoWithoutRep.withoutRep(Self.xterm))
        #expect(!rewritten.contains("rep="))
        #expect(rewritten.split(separator: "\n").count == Self.xterm.split(separator: "\n").count - 1)
        for kept in ["\tprot=\\E[?0i,", "\trev=\\E[7m,", "\trmacs=\\E(B,", "\tcolors#0x100,", "xterm-256color|xterm with 256 colors,"] {
            #expect(rewritten.contains(kept), "\(kept) kept")
        }
    }

    @Test("a description without rep is left alone (nothing to compile)")
    func nothingToDo() {
        let linux = "linux|linux console,\n\tam,\n\tbel=^G,\n\trev=\\E[7m,\n"
        #expect(TerminfoWithoutRep.withoutRep(linux) == nil)
    }
}
