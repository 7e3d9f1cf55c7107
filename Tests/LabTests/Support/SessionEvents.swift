import Foundation
import Testing

/// A daemon's session events, as its control socket serves them.
enum SessionEvents {
    /// The next event of `kind`, long-polled for up to 60 s through `get` (a GET on the control socket); an
    /// `ended` event on the way is an issue.
    static func wait(_ kind: String, get: (String) throws -> String) throws -> [String: Any] {
        var after = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = try get("/1.0/session/events?after=\(after)&wait=5")
            let batch = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
            after = batch["next"] as? Int ?? after
            for event in batch["events"] as? [[String: Any]] ?? [] {
                if event["kind"] as? String == kind { return event }
                #expect(event["kind"] as? String != "ended", "the session ended: \(event)")
            }
        }
        throw CommandFailed(result: CommandResult(arguments: ["wait", kind], status: -1, stdout: "", stderr: "no \(kind) event in 60 s"))
    }
}
