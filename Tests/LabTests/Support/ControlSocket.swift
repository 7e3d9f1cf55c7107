import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One answer of a microcluster service (the lab's MicroOVN): HTTP status and the decoded envelope.
struct ControlAnswer {
    let status: Int
    let envelope: [String: Any]

    var metadata: Any? { envelope["metadata"] }
    var error: String { envelope["error"] as? String ?? "" }
    var list: [[String: Any]] { metadata as? [[String: Any]] ?? [] }
}

struct ControlSocketFailed: Error, CustomStringConvertible {
    let description: String
}

/// HTTP/1.0 over a unix socket, as microcluster's clients talk to a control socket.
enum ControlSocket {
    static func request(_ socketPath: String, _ method: String, _ path: String, body: String? = nil,
                        timeout: Int = 180) throws -> ControlAnswer {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketFailed(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes.prefix(raw.count - 1))
            raw[min(pathBytes.count, raw.count - 1)] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            throw ControlSocketFailed(description: "connect \(socketPath): \(String(cString: strerror(errno)))")
        }
        let payload = Array((body ?? "").utf8)
        let head = "\(method) \(path) HTTP/1.0\r\nHost: control.socket\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(payload.count)\r\n\r\n"
        var out = Array(head.utf8) + payload
        while !out.isEmpty {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ControlSocketFailed(description: "send: \(String(cString: strerror(errno)))") }
            out.removeFirst(n)
        }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw ControlSocketFailed(description: "\(method) \(path): no answer (\(String(cString: strerror(errno))))") }
            received += buffer[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"),
              let status = Int(text[..<split.lowerBound].split(separator: " ").dropFirst().first ?? "") else {
            throw ControlSocketFailed(description: "\(method) \(path): not an HTTP answer: \(text.prefix(200))")
        }
        let json = try JSONSerialization.jsonObject(with: Data(text[split.upperBound...].utf8))
        guard let envelope = json as? [String: Any] else {
            throw ControlSocketFailed(description: "\(method) \(path): not an envelope: \(text.prefix(200))")
        }
        return ControlAnswer(status: status, envelope: envelope)
    }
}
