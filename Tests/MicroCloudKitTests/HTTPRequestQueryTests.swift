import Testing
import MicroCloudKit

/// Query strings as the peer API reads them (`after`, `wait`, LXD's `target`).
@Suite struct HTTPRequestQueryTests {
    @Test func pairsAreSplitAtTheFirstEqualsSign() {
        let query = HTTPRequest(method: "GET", path: "/1.0/services/progress?after=3&wait=2&b&c==d&x=%41").query
        #expect(query == ["after": "3", "wait": "2", "b": "", "c": "=d", "x": "A"])
    }

    /// Found while writing the peer-request fuzz target (its corpus keeps the input, query-empty-key.http): a pair
    /// that is only "=" split into no parts, and reading its key trapped (index out of range), ending the daemon.
    @Test func aPairWithAnEmptyKeyDoesNotTrap() {
        #expect(HTTPRequest(method: "GET", path: "/1.0?=").query == ["": ""])
        #expect(HTTPRequest(method: "GET", path: "/1.0?=v&a=1").query == ["": "v", "a": "1"])
        #expect(HTTPRequest(method: "GET", path: "/1.0?==&&").query == ["": "="])
    }
}
