import FailoverCore
import GRDB

extension StateStore {
    /// Episodes matching the query, newest first. Every value is bound as a parameter, never spliced into SQL.
    public func episodes(_ query: EpisodeQuery) async throws(StoreError) -> [EpisodeRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let state = query.state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let alertname = query.alertname {
            conditions.append("alertname = ?")
            arguments += [alertname]
        }
        if let fingerprint = query.fingerprint {
            conditions.append("fingerprint = ?")
            arguments += [fingerprint]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [query.limit]
        let sql = "SELECT * FROM episodes \(whereClause) ORDER BY id DESC LIMIT ?"
        let capturedArguments = arguments
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: capturedArguments).map(EpisodeRecord.init(row:))
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// The latest deliveries, newest first.
    public func deliveries(limit: Int) async throws(StoreError) -> [DeliveryRecord] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, received_at_ms, remote_address, authenticated_as, group_key, receiver, status,
                            alert_count, firing_count, resolved_count, truncated_alerts, body_sha256,
                            length(body) AS body_bytes
                        FROM deliveries ORDER BY id DESC LIMIT ?
                        """, arguments: [limit]
                ).map(DeliveryRecord.init(row:))
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// How many episodes are in each state (for metrics and readiness).
    public func episodeCounts() async throws(StoreError) -> [EpisodeState: Int] {
        do {
            return try await pool.read { db in
                var counts: [EpisodeState: Int] = [.firing: 0, .resolved: 0]
                for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM episodes GROUP BY state") {
                    if let state = EpisodeState(rawValue: row["state"]) { counts[state] = row["n"] }
                }
                return counts
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }
}
