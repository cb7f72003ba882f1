/*
 * The naive limit for durable webhook acknowledgement: libmicrohttpd, one thread per connection, and one SQLite
 * transaction (WAL, synchronous=FULL) per request, committed before the 200. No batching: every request pays its
 * own fsync. `make bench` measures failoverd against this server in the same run.
 *
 * usage: naive-server PORT DATABASE
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct request_body {
    char *data;
    size_t length;
};

static sqlite3 *database;
static sqlite3_stmt *insert;
static pthread_mutex_t database_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stopping = 0;

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

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size,
                              void **request_state) {
    (void)cls; (void)url; (void)version;
    struct request_body *body = *request_state;
    if (body == NULL) {
        body = calloc(1, sizeof *body);
        *request_state = body;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        body->data = realloc(body->data, body->length + *upload_data_size);
        memcpy(body->data + body->length, upload_data, *upload_data_size);
        body->length += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    int ok = strcmp(method, "POST") == 0 && store(body);
    static const char accepted[] = "{\"status\":\"accepted\"}\n";
    static const char failed[] = "{\"error\":\"storage_unavailable\"}\n";
    struct MHD_Response *response = MHD_create_response_from_buffer(
        ok ? sizeof accepted - 1 : sizeof failed - 1, (void *)(ok ? accepted : failed), MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, "Content-Type", "application/json");
    enum MHD_Result result = MHD_queue_response(connection, ok ? 200 : 503, response);
    MHD_destroy_response(response);
    return result;
}

static void completed(void *cls, struct MHD_Connection *connection, void **request_state,
                      enum MHD_RequestTerminationCode code) {
    (void)cls; (void)connection; (void)code;
    struct request_body *body = *request_state;
    if (body != NULL) {
        free(body->data);
        free(body);
        *request_state = NULL;
    }
}

static void on_signal(int number) { (void)number; stopping = 1; }

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
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(argv[1]));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "cannot listen on 127.0.0.1:%s\n", argv[1]);
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stopping) pause();
    MHD_stop_daemon(daemon);
    sqlite3_finalize(insert);
    sqlite3_close(database);
    return 0;
}
