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
        // The runbook engine (issue 8). Episodes become firing periods: one fingerprint's periods follow each other
        // (the latest row is the current one), `starts_at` is the earliest start seen, and a firing after the
        // resolution waits `reopen_due_ms` for confirmation; (fingerprint, starts_at) is no longer unique, so the
        // table is rebuilt. Runbook keys hold each key's phase; incidents group a key's episodes (one open per key,
        // enforced by a partial unique index); executions are claimed with a lease and a fencing token from one
        // counter; execution_locks serialise executions that share a runbook key or a DNS record set.
        migrator.registerMigration("v4_runbook_engine") { db in
            try db.execute(
                sql: """
                    CREATE TABLE episodes_v4 (
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
                        reopen_due_ms INTEGER,
                        reopenings INTEGER NOT NULL DEFAULT 0
                    );
                    INSERT INTO episodes_v4 (id, fingerprint, starts_at, alertname, labels, annotations, generator_url,
                        state, seen_firing, ends_at, opened_at_ms, first_delivery_id, resolved_at_ms,
                        resolved_delivery_id, last_seen_ms, last_delivery_id, duplicates, stale_firings)
                    SELECT id, fingerprint, starts_at, alertname, labels, annotations, generator_url, state,
                        seen_firing, ends_at, opened_at_ms, first_delivery_id, resolved_at_ms, resolved_delivery_id,
                        last_seen_ms, last_delivery_id, duplicates, stale_firings
                    FROM episodes;
                    DROP TABLE episodes;
                    ALTER TABLE episodes_v4 RENAME TO episodes;
                    CREATE INDEX episodes_fingerprint ON episodes (fingerprint, id);
                    CREATE INDEX episodes_state ON episodes (state, id);
                    CREATE INDEX episodes_alertname ON episodes (alertname, id);
                    CREATE INDEX episodes_reopen_due ON episodes (reopen_due_ms) WHERE reopen_due_ms IS NOT NULL;

                    CREATE TABLE runbook_keys (
                        runbook TEXT NOT NULL,
                        key TEXT NOT NULL,
                        phase TEXT NOT NULL
                            CHECK (phase IN ('normal', 'failing_over', 'failed_over', 'failing_back', 'failed')),
                        open_incident_id INTEGER,
                        active_execution_id INTEGER,
                        failback_due_ms INTEGER,
                        failback_awaiting_approval INTEGER NOT NULL DEFAULT 0,
                        refire_after_failback INTEGER NOT NULL DEFAULT 0,
                        last_resolved_ms INTEGER,
                        last_failover_ms INTEGER,
                        last_failback_ms INTEGER,
                        updated_ms INTEGER NOT NULL,
                        PRIMARY KEY (runbook, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX runbook_keys_failback_due ON runbook_keys (failback_due_ms)
                        WHERE failback_due_ms IS NOT NULL;

                    CREATE TABLE incidents (
                        id INTEGER PRIMARY KEY,
                        runbook TEXT NOT NULL,
                        key TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
                        opened_at_ms INTEGER NOT NULL,
                        closed_at_ms INTEGER,
                        starts_at TEXT NOT NULL,
                        first_episode_id INTEGER NOT NULL REFERENCES episodes (id),
                        labels TEXT NOT NULL,
                        annotations TEXT NOT NULL,
                        execution_id INTEGER,
                        firing_count INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE UNIQUE INDEX incidents_open ON incidents (runbook, key) WHERE state = 'open';
                    CREATE INDEX incidents_runbook ON incidents (runbook, id);
                    CREATE INDEX incidents_state ON incidents (state, id);

                    CREATE TABLE incident_episodes (
                        incident_id INTEGER NOT NULL REFERENCES incidents (id),
                        episode_id INTEGER NOT NULL REFERENCES episodes (id),
                        firing INTEGER NOT NULL,
                        joined_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (incident_id, episode_id)
                    ) WITHOUT ROWID;

                    CREATE TABLE executions (
                        id INTEGER PRIMARY KEY,
                        runbook TEXT NOT NULL,
                        key TEXT NOT NULL,
                        incident_id INTEGER REFERENCES incidents (id),
                        kind TEXT NOT NULL CHECK (kind IN ('failover', 'failback')),
                        state TEXT NOT NULL
                            CHECK (state IN ('scheduled', 'running', 'succeeded', 'failed', 'cancelled', 'suppressed')),
                        trigger TEXT NOT NULL CHECK (trigger IN ('alert', 'operator')),
                        requested_by TEXT NOT NULL,
                        dry_run INTEGER NOT NULL,
                        forced INTEGER NOT NULL,
                        moves_key INTEGER NOT NULL,
                        suppressed_reason TEXT,
                        error TEXT,
                        labels TEXT NOT NULL,
                        annotations TEXT NOT NULL,
                        created_at_ms INTEGER NOT NULL,
                        due_at_ms INTEGER NOT NULL,
                        started_at_ms INTEGER,
                        finished_at_ms INTEGER,
                        claim_owner TEXT,
                        claim_fence INTEGER,
                        lease_expires_ms INTEGER,
                        claims INTEGER NOT NULL DEFAULT 0,
                        next_step INTEGER NOT NULL DEFAULT 0,
                        cancel_requested_by TEXT
                    );
                    CREATE INDEX executions_due ON executions (due_at_ms, id) WHERE state IN ('scheduled', 'running');
                    CREATE INDEX executions_runbook ON executions (runbook, key, id);
                    CREATE INDEX executions_state ON executions (state, id);

                    CREATE TABLE execution_locks (
                        lock_key TEXT NOT NULL,
                        execution_id INTEGER NOT NULL REFERENCES executions (id),
                        PRIMARY KEY (lock_key, execution_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX execution_locks_execution ON execution_locks (execution_id);

                    CREATE TABLE execution_steps (
                        execution_id INTEGER NOT NULL REFERENCES executions (id),
                        path TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        name TEXT,
                        state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'skipped')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        runs INTEGER NOT NULL DEFAULT 0,
                        fence INTEGER NOT NULL,
                        started_at_ms INTEGER NOT NULL,
                        finished_at_ms INTEGER,
                        summary TEXT,
                        error TEXT,
                        detail TEXT NOT NULL DEFAULT '{}',
                        PRIMARY KEY (execution_id, path)
                    ) WITHOUT ROWID;

                    CREATE TABLE runbook_pauses (
                        runbook TEXT PRIMARY KEY,
                        paused_at_ms INTEGER NOT NULL,
                        paused_by TEXT NOT NULL,
                        reason TEXT
                    ) WITHOUT ROWID;

                    CREATE TABLE fencing_tokens (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        last_token INTEGER NOT NULL
                    );
                    INSERT INTO fencing_tokens (id, last_token) VALUES (1, 0);
                    """)
        }
        // Configuration reload (issue 9): an execution records the digest of the runbook definition it was
        // scheduled with, and runs that definition's steps even when a reload changed the runbook since; after a
        // restart with another definition it fails clearly instead of resuming at a step index of other steps.
        migrator.registerMigration("v5_definition_digests") { db in
            try db.execute(sql: "ALTER TABLE executions ADD COLUMN definition_digest TEXT")
        }
        // Signed chain heads (issue 10): with `audit.signing_key_file` the service signs the audit chain's head
        // periodically and at stop. Kept beside the chain, not in it: a head is a statement about the chain, and
        // signing the head must not move it. Deleting rows here only takes away proof: `audit verify
        // --public-key` needs at least one, and the log and metrics carry the head outside the file.
        migrator.registerMigration("v6_audit_signed_heads") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_signed_heads (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        head_id INTEGER NOT NULL,
                        head_hash BLOB NOT NULL,
                        signed_at_ms INTEGER NOT NULL,
                        key_id TEXT NOT NULL,
                        signature BLOB NOT NULL
                    );
                    CREATE INDEX audit_signed_heads_head ON audit_signed_heads (head_id, id);
                    """)
        }
        // Readiness (issue 10): while storing webhooks fails, the readiness probe writes and removes filler here,
        // as much as a webhook writes, so that it fails exactly while a full disk refuses webhooks (a one-row
        // heartbeat still commits then). Empty outside a probe's transaction.
        migrator.registerMigration("v7_readiness_headroom") { db in
            try db.execute(sql: "CREATE TABLE readiness_headroom (id INTEGER PRIMARY KEY, filler BLOB NOT NULL)")
        }
        // The `/metrics` gauges read executions at every scrape, and executions are never pruned: these indexes
        // let the last success of each runbook and kind be found by seeks, and suppressions counted without a
        // sort (see `RunbookGauges.lastSuccessSQL`). Without them each scrape sorted every succeeded execution.
        migrator.registerMigration("v8_execution_gauge_indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX executions_succeeded ON executions (runbook, kind, finished_at_ms)
                        WHERE state = 'succeeded' AND dry_run = 0;
                    CREATE INDEX executions_suppressed ON executions (runbook, suppressed_reason)
                        WHERE state = 'suppressed' AND suppressed_reason IS NOT NULL;
                    """)
        }
        return migrator
    }
}
