/*
 * failoverd's ingest transaction without failoverd: the naive server's HTTP side (libmicrohttpd, one thread per
 * connection), but each request commits what failoverd's writer commits for the bench payload (three alerts
 * that fire already), in failoverd's own schema: the delivery row with its body, three episode lookups and
 * duplicate counts, one audit event, inside a transaction and a savepoint, with synchronous=FULL. No JSON is
 * parsed and no hash computed: the gap between this server and the naive one is the cost of what the
 * transaction writes, and the gap between failoverd and this server the cost of failoverd's own code.
 * `make bench` prints its one-connection latency beside the other two.
 *
 * usage: replica-server PORT DATABASE   (DATABASE made by `failoverd serve` and holding the payload's episodes)
 */
#include <pthread.h>
#include <sqlite3.h>

#include "bench-http.h"

enum statement_index { BEGIN, SAVEPOINT, INSERT_DELIVERY, FIND_PERIOD, COUNT_DUPLICATE, INSERT_AUDIT, RELEASE, COMMIT,
                       STATEMENT_COUNT };

static const char *const statement_sql[STATEMENT_COUNT] = {
    [BEGIN] = "BEGIN DEFERRED",
    [SAVEPOINT] = "SAVEPOINT delivery",
    [INSERT_DELIVERY] =
        "INSERT INTO deliveries (received_at_ms, remote_address, authenticated_as, group_key, receiver, status,"
        " alert_count, firing_count, resolved_count, truncated_alerts, body_sha256, body)"
        " VALUES (?, '127.0.0.1', NULL, 'bench', 'failoverd', 'firing', 3, 3, 0, 0, ?, ?)",
    [FIND_PERIOD] = "SELECT id, state, starts_at, ends_at, reopen_due_ms FROM episodes WHERE fingerprint = ?"
                    " ORDER BY id DESC LIMIT 1",
    [COUNT_DUPLICATE] = "UPDATE episodes SET duplicates = duplicates + 1, last_seen_ms = ?, last_delivery_id = ?"
                        " WHERE id = ?",
    [INSERT_AUDIT] = "INSERT INTO audit_events (recorded_at_ms, type, actor, outcome, alertname, detail, hash)"
                     " VALUES (?, 'webhook.received', 'anonymous', 'success', 'PrimaryRegionUnhealthy', ?, ?)",
    [RELEASE] = "RELEASE SAVEPOINT delivery",
    [COMMIT] = "COMMIT",
};

/* The bench payload's three fingerprints (Tests/Fixtures/bench/payload.json). */
static const char *const fingerprints[3] = {"7c1a3f9e4b2d8a61", "a94e02d17f3c5b88", "3d5f61b0c2e7a914"};

static sqlite3 *database;
static sqlite3_stmt *statements[STATEMENT_COUNT];
static pthread_mutex_t database_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3_int64 sequence = 0;
/* As long as failoverd's webhook.received detail for the payload (533 bytes). */
static char audit_detail[533];

static int step(enum statement_index index) {
    sqlite3_stmt *statement = statements[index];
    int result = sqlite3_step(statement);
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    return result == SQLITE_DONE || result == SQLITE_ROW;
}

static int store(const struct request_body *body) {
    pthread_mutex_lock(&database_lock);
    sqlite3_int64 now = 1700000000000LL + ++sequence;
    unsigned char hash[32];
    for (size_t i = 0; i < sizeof hash; i++) hash[i] = (unsigned char)(now >> (i % 8));
    int ok = step(BEGIN) && step(SAVEPOINT);
    sqlite3_bind_int64(statements[INSERT_DELIVERY], 1, now);
    sqlite3_bind_text(statements[INSERT_DELIVERY], 2, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                      -1, SQLITE_STATIC);
    sqlite3_bind_blob(statements[INSERT_DELIVERY], 3, body->data, (int)body->length, SQLITE_STATIC);
    ok = ok && step(INSERT_DELIVERY);
    sqlite3_int64 delivery = sqlite3_last_insert_rowid(database);
    for (int alert = 0; ok && alert < 3; alert++) {
        sqlite3_stmt *find = statements[FIND_PERIOD];
        sqlite3_bind_text(find, 1, fingerprints[alert], -1, SQLITE_STATIC);
        ok = sqlite3_step(find) == SQLITE_ROW;
        sqlite3_int64 episode = ok ? sqlite3_column_int64(find, 0) : 0;
        sqlite3_reset(find);
        sqlite3_clear_bindings(find);
        sqlite3_bind_int64(statements[COUNT_DUPLICATE], 1, now);
        sqlite3_bind_int64(statements[COUNT_DUPLICATE], 2, delivery);
        sqlite3_bind_int64(statements[COUNT_DUPLICATE], 3, episode);
        ok = ok && step(COUNT_DUPLICATE);
    }
    sqlite3_bind_int64(statements[INSERT_AUDIT], 1, now);
    sqlite3_bind_text(statements[INSERT_AUDIT], 2, audit_detail, (int)sizeof audit_detail, SQLITE_STATIC);
    sqlite3_bind_blob(statements[INSERT_AUDIT], 3, hash, (int)sizeof hash, SQLITE_STATIC);
    ok = ok && step(INSERT_AUDIT) && step(RELEASE);
    ok = ok ? step(COMMIT) : (sqlite3_exec(database, "ROLLBACK", NULL, NULL, NULL), 0);
    pthread_mutex_unlock(&database_lock);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DATABASE\n", argv[0]);
        return 2;
    }
    memset(audit_detail, 'x', sizeof audit_detail);
    if (sqlite3_open_v2(argv[2], &database, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(database, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL,
                     NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s: %s\n", argv[2], sqlite3_errmsg(database));
        return 1;
    }
    for (int i = 0; i < STATEMENT_COUNT; i++) {
        if (sqlite3_prepare_v2(database, statement_sql[i], -1, &statements[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "cannot prepare \"%s\": %s\n", statement_sql[i], sqlite3_errmsg(database));
            return 1;
        }
    }
    int status = serve_until_signal(argv[1]);
    for (int i = 0; i < STATEMENT_COUNT; i++) sqlite3_finalize(statements[i]);
    sqlite3_close(database);
    return status;
}
