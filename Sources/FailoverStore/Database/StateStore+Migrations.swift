import GRDB

extension StateStore {
    /// The schema, as an append-only list of migrations; never edit one that has shipped.
    ///
    /// - `deliveries`: every webhook request that was acknowledged, its body and digest.
    /// - `episodes`: one row per `(fingerprint, starts_at)`: the unit the runbook engine acts on exactly once.
    /// - `delivery_alerts`: which episode each alert of each delivery touched, and how.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_deliveries_episodes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deliveries (
                        id INTEGER PRIMARY KEY,
                        received_at_ms INTEGER NOT NULL,
                        remote_address TEXT NOT NULL,
                        authenticated_as TEXT,
                        group_key TEXT NOT NULL,
                        receiver TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
                        alert_count INTEGER NOT NULL,
                        firing_count INTEGER NOT NULL,
                        resolved_count INTEGER NOT NULL,
                        truncated_alerts INTEGER NOT NULL,
                        body_sha256 TEXT NOT NULL,
                        body BLOB
                    );
                    -- Every index is one more page written per commit on the ingest path: only those a query uses.
                    -- Time ranges (retention of bodies, operator views) use this one.
                    CREATE INDEX deliveries_received_at ON deliveries (received_at_ms);

                    CREATE TABLE episodes (
                        id INTEGER PRIMARY KEY,
                        fingerprint TEXT NOT NULL,
                        starts_at TEXT NOT NULL,
                        alertname TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        annotations TEXT NOT NULL,
                        generator_url TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
                        seen_firing INTEGER NOT NULL,
                        ends_at TEXT,
                        opened_at_ms INTEGER NOT NULL,
                        first_delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
                        resolved_at_ms INTEGER,
                        resolved_delivery_id INTEGER REFERENCES deliveries (id),
                        last_seen_ms INTEGER NOT NULL,
                        last_delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
                        duplicates INTEGER NOT NULL DEFAULT 0,
                        stale_firings INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (fingerprint, starts_at)
                    );
                    CREATE INDEX episodes_state ON episodes (state, id);
                    CREATE INDEX episodes_alertname ON episodes (alertname, id);

                    -- Keyed by episode first: "every notification of this episode" is the question operators
                    -- and the runbook engine ask; one B-tree insert per alert keeps the ingest path cheap.
                    CREATE TABLE delivery_alerts (
                        episode_id INTEGER NOT NULL REFERENCES episodes (id),
                        delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
                        position INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        transition TEXT NOT NULL,
                        PRIMARY KEY (episode_id, delivery_id, position)
                    ) WITHOUT ROWID;

                    CREATE TABLE service_heartbeat (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        written_at_ms INTEGER NOT NULL
                    );
                    """)
        }
        // The audit log (see AuditWriter): ids never reused (AUTOINCREMENT keeps the highest id ever used,
        // which also reveals events removed from the end); `detail` is the JSON text the hash covers; `hash` is
        // 32 raw bytes. One index per filter, each ending in `id` so that a filtered, newest-first page is a
        // range scan of one index. Each index costs every append that it covers (about 1 µs), so they are partial
        // where most rows would not need them: subjects most events lack, and the type and outcome of the bulk
        // of the log (`webhook.received`, `success`), whose rows are dense enough that a backwards scan of the
        // table finds a page at once (see AuditSelection). `retention_progress` remembers how far background
        // pruning got, so that each run starts where the last stopped.
        migrator.registerMigration("v2_audit_log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        recorded_at_ms INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        episode_id INTEGER,
                        execution_id INTEGER,
                        runbook TEXT,
                        fingerprint TEXT,
                        alertname TEXT,
                        detail TEXT NOT NULL,
                        hash BLOB NOT NULL
                    );
                    CREATE INDEX audit_events_time ON audit_events (recorded_at_ms, id);
                    CREATE INDEX audit_events_type ON audit_events (type, id) WHERE type != 'webhook.received';
                    CREATE INDEX audit_events_outcome ON audit_events (outcome, id) WHERE outcome != 'success';
                    CREATE INDEX audit_events_runbook ON audit_events (runbook, id) WHERE runbook IS NOT NULL;
                    CREATE INDEX audit_events_fingerprint ON audit_events (fingerprint, id)
                        WHERE fingerprint IS NOT NULL;
                    CREATE INDEX audit_events_alertname ON audit_events (alertname, id) WHERE alertname IS NOT NULL;
                    CREATE INDEX audit_events_execution ON audit_events (execution_id, id)
                        WHERE execution_id IS NOT NULL;

                    CREATE TABLE retention_progress (
                        name TEXT PRIMARY KEY,
                        through_id INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // Which episode each alert of each delivery touched, and how, is in the delivery's `webhook.received`
        // audit event (same transaction); keeping it twice cost three B-tree inserts per webhook.
        migrator.registerMigration("v3_drop_delivery_alerts") { db in
            try db.execute(sql: "DROP TABLE delivery_alerts")
        }
        return migrator
    }
}
