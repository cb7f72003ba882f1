#include "CMicroHTTPD.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Every daemon of the process logs through the same Swift function; each passes its own context (its server)
   as libmicrohttpd's closure, so several daemons can live side by side. */
static failoverd_mhd_log_callback log_callback;

static void forward_log(void *cls, const char *format, va_list arguments) {
    failoverd_mhd_log_callback callback = log_callback;
    if (callback == NULL) {
        return;
    }
    char line[512];
    vsnprintf(line, sizeof line, format, arguments);
    size_t length = strlen(line);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) {
        line[--length] = '\0';
    }
    callback(cls, line);
}

struct MHD_Daemon *failoverd_mhd_start(const failoverd_mhd_settings *settings, char *error, size_t error_len) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char port_text[8];
    snprintf(port_text, sizeof port_text, "%u", (unsigned)settings->port);
    const char *host = (settings->host != NULL && settings->host[0] != '\0') ? settings->host : NULL;
    struct addrinfo *resolved = NULL;
    int status = getaddrinfo(host, port_text, &hints, &resolved);
    if (status != 0 || resolved == NULL) {
        snprintf(error, error_len, "cannot resolve listen host '%s': %s", host ? host : "", gai_strerror(status));
        return NULL;
    }
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    memcpy(&address, resolved->ai_addr, resolved->ai_addrlen);
    int family = resolved->ai_family;
    freeaddrinfo(resolved);

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    if (settings->log_handler != NULL) {
        log_callback = settings->log_handler;
    }

    unsigned int threads = settings->thread_pool_size > 1 ? settings->thread_pool_size : 1;
    size_t memory_limit = settings->connection_memory_limit > 0 ? settings->connection_memory_limit : (size_t)32768;
    /* The logger goes first so that libmicrohttpd routes every later message through it. A pool of one
       thread is expressed by leaving the option out (libmicrohttpd warns about an explicit 0 or 1). */
    struct MHD_OptionItem options[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)forward_log, settings->log_context},
        {MHD_OPTION_SOCK_ADDR, 0, (void *)&address},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)settings->connection_limit, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)settings->connection_timeout, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)settings->completed_handler, settings->completed_context},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)memory_limit, NULL},
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, settings->port, NULL, NULL, settings->access_handler, settings->access_context,
        MHD_OPTION_ARRAY, options, MHD_OPTION_END);
    if (daemon == NULL) {
        snprintf(error, error_len, "cannot listen on %s:%u (address in use, not local, or not permitted)",
                 host ? host : "*", (unsigned)settings->port);
    }
    return daemon;
}

uint16_t failoverd_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

int failoverd_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t buffer_len) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || buffer_len == 0) {
        return -1;
    }
    const struct sockaddr *address = info->client_addr;
    const void *raw = NULL;
    if (address->sa_family == AF_INET) {
        raw = &((const struct sockaddr_in *)address)->sin_addr;
    } else if (address->sa_family == AF_INET6) {
        raw = &((const struct sockaddr_in6 *)address)->sin6_addr;
    } else {
        return -1;
    }
    return inet_ntop(address->sa_family, raw, buffer, (socklen_t)buffer_len) == NULL ? -1 : 0;
}

unsigned int failoverd_mhd_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}
