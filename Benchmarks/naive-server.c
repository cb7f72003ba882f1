/*
 * The naive limit for durable webhook acknowledgement: libmicrohttpd, one thread per connection, and one SQLite
 * transaction (WAL, synchronous=FULL) per request, committed before the 200. No batching: every request pays its
 * own fsync. `make bench` measures failoverd against this server in the same run.
 *
 * usage: naive-server PORT DATABASE
 */
#include <pthread.h>
#include <sqlite3.h>

#include "bench-http.h"

static sqlite3 *database;
static sqlite3_stmt *insert;
static pthread_mutex_t database_lock = PTHREAD_MUTEX_INITIALIZER;

static int store(const struct request_body *body) {
    pthread_mutex_lock(&database_lock);
    int ok = sqlite3_exec(database, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_blob(insert, 1, body->data, (int)body->length, SQLITE_STATIC);
        ok = sqlite3_step(insert) == SQLITE_DONE;
        sqlite3_reset(insert);
        ok = sqlite3_exec(database, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK && ok;
    }
    pthread_mutex_unlock(&database_lock);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DATABASE\n", argv[0]);
        return 2;
    }
    if (sqlite3_open(argv[2], &database) != SQLITE_OK ||
        sqlite3_exec(database,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(database, "INSERT INTO deliveries (body) VALUES (?)", -1, &insert, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s: %s\n", argv[2], sqlite3_errmsg(database));
        return 1;
    }
    int status = serve_until_signal(argv[1]);
    sqlite3_finalize(insert);
    sqlite3_close(database);
    return status;
}
