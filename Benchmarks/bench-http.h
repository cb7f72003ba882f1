/*
 * The HTTP side shared by the benchmark's C servers (naive-server.c, replica-server.c): libmicrohttpd with one
 * thread per connection on 127.0.0.1, the request body gathered in memory, then `store()` (defined by the server)
 * commits it and the request is answered 200, or 503 when the commit failed.
 */
#ifndef FAILOVERD_BENCH_HTTP_H
#define FAILOVERD_BENCH_HTTP_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct request_body {
    char *data;
    size_t length;
};

/* Commits one request body; nonzero when it is durable. Each server defines it. */
static int store(const struct request_body *body);

static volatile sig_atomic_t stopping = 0;

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

/* Listens on 127.0.0.1:PORT until SIGTERM or SIGINT; 0 after a clean stop, 1 when it cannot listen. */
static int serve_until_signal(const char *port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "cannot listen on 127.0.0.1:%s\n", port);
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stopping) pause();
    MHD_stop_daemon(daemon);
    return 0;
}

#endif
