/// Words the initiator, the joiners and the daemon all say, spelled once: a joiner's screen and a preseed run's
/// output read the same sentence, and the lab tests look for it.
public enum SessionWords {
    /// Why a session ended when the initiator gave up (`SessionStop.reason`); the cause may follow.
    public static let initiatorAborted = "Initiator aborted the setup"
    public static func initiatorAborted(_ cause: String) -> String { "\(initiatorAborted): \(cause)" }
    /// A joiner's last line when its session ended before the cloud was formed.
    public static func joinFailed(_ why: String) -> String { "Failed waiting during join: \(why)" }
    /// The initiator's line when its trust session ended under it.
    public static let sessionEnded = "The trust session ended"
    public static func sessionEnded(_ why: String) -> String { "\(sessionEnded): \(why)" }
}
