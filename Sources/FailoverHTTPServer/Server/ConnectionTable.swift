/// The server's open connections: how many per address and in total (for the limits), and each one's socket and
/// the time by which it must have sent its current request (for the request timeout).
struct ConnectionTable: Sendable {
    struct Connection: Sendable {
        var socket: Int32
        var address: String
        /// When the request being received must be complete; `nil` while a handler has the request.
        var deadline: ContinuousClock.Instant?
        /// Whether the request timeout has shut the socket down already.
        var cut = false
    }

    var total = 0
    var perAddress: [String: Int] = [:]
    var connections: [UInt: Connection] = [:]

    /// Whether one more connection from `address` fits both limits; the refusal's reason otherwise.
    func admits(_ address: String, limit: Int, perAddressLimit: Int) -> HTTPServerRefusal? {
        if total >= limit { return .connectionsTotal }
        if perAddress[address, default: 0] >= perAddressLimit { return .connectionsPerAddress }
        return nil
    }

    mutating func opened(_ key: UInt, socket: Int32, address: String, deadline: ContinuousClock.Instant?) {
        total += 1
        perAddress[address, default: 0] += 1
        connections[key] = Connection(socket: socket, address: address, deadline: deadline)
    }

    mutating func closed(_ key: UInt) {
        guard let connection = connections.removeValue(forKey: key) else { return }
        total -= 1
        let remaining = perAddress[connection.address, default: 1] - 1
        perAddress[connection.address] = remaining > 0 ? remaining : nil
    }

    mutating func setDeadline(_ key: UInt, _ deadline: ContinuousClock.Instant?) {
        connections[key]?.deadline = deadline
    }

    /// Marks every connection past its deadline as cut and returns their sockets (to be shut down under the same
    /// lock, so none can have been closed and its number reused in between).
    mutating func overdue(now: ContinuousClock.Instant) -> [Int32] {
        var sockets: [Int32] = []
        for (key, connection) in connections where !connection.cut && connection.socket >= 0 {
            guard let deadline = connection.deadline, deadline <= now else { continue }
            connections[key]?.cut = true
            sockets.append(connection.socket)
        }
        return sockets
    }
}
