/// What one Alertmanager peer reports about its cluster (`GET /api/v2/status`, member `cluster`).
public struct AlertmanagerPeerStatus: Sendable, Hashable {
    /// The peer's own cluster name (a ULID chosen at start); empty when clustering is disabled.
    public var name: String
    /// `ready` once gossip has settled, `settling` before, `disabled` without a cluster.
    public var clusterStatus: String
    /// The names of every member the peer knows, itself included.
    public var memberNames: [String]

    /// Creates a status.
    public init(name: String, clusterStatus: String, memberNames: [String]) {
        self.name = name
        self.clusterStatus = clusterStatus
        self.memberNames = memberNames
    }

    /// Reads the `cluster` member of a `/api/v2/status` answer; `nil` when it is missing or malformed.
    public init?(statusJSON: [String: Any]) {
        guard let cluster = statusJSON["cluster"] as? [String: Any], let status = cluster["status"] as? String else {
            return nil
        }
        let peers = cluster["peers"] as? [[String: Any]] ?? []
        self.init(
            name: cluster["name"] as? String ?? "", clusterStatus: status,
            memberNames: peers.compactMap { $0["name"] as? String })
    }

    /// The peer's position as Alertmanager computes it (its name's rank among the members' names, byte order):
    /// position `p` waits `p` × `--cluster.peer-timeout` before it sends a notification. 0 without a cluster.
    public var position: Int {
        memberNames.filter { Array($0.utf8).lexicographicallyPrecedes(Array(name.utf8)) }.count
    }
}
