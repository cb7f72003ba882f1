#include "CMicroHTTPD.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Every daemon of the process logs through the same Swift function; each passes its own context (its server)
   as libmicrohttpd's closure, so several daemons can live side by side. Atomic: a daemon starting stores it while
   the polling threads of others read it (ThreadSanitizer reported the plain variable). */
static _Atomic(failoverd_mhd_log_callback) log_callback;

static void forward_log(void *cls, const char *format, va_list arguments) {
    failoverd_mhd_log_callback callback = atomic_load_explicit(&log_callback, memory_order_acquire);
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

/* The peer address of a socket address as text; returns 0 on success. */
static int address_text(const struct sockaddr *address, char *buffer, size_t buffer_len) {
    if (address == NULL || buffer_len == 0) {
        return -1;
    }
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

/* Each daemon's accept and connection callbacks with their contexts; the daemon's closure points at it. */
typedef struct failoverd_mhd_hooks {
    failoverd_mhd_accept_callback accept_handler;
    void *accept_context;
    failoverd_mhd_connection_callback connection_handler;
    void *connection_context;
} failoverd_mhd_hooks;

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *address, socklen_t length) {
    (void)length;
    const failoverd_mhd_hooks *hooks = cls;
    if (hooks == NULL || hooks->accept_handler == NULL) {
        return MHD_YES;
    }
    char text[INET6_ADDRSTRLEN];
    if (address_text(address, text, sizeof text) != 0) {
        text[0] = '\0';
    }
    return hooks->accept_handler(hooks->accept_context, text) ? MHD_YES : MHD_NO;
}

static void notify_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                              enum MHD_ConnectionNotificationCode code) {
    (void)socket_context;
    const failoverd_mhd_hooks *hooks = cls;
    if (hooks == NULL || hooks->connection_handler == NULL) {
        return;
    }
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        char text[INET6_ADDRSTRLEN];
        const union MHD_ConnectionInfo *address_info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (address_info == NULL || address_text(address_info->client_addr, text, sizeof text) != 0) {
            text[0] = '\0';
        }
        const union MHD_ConnectionInfo *socket_info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        int socket = socket_info == NULL ? -1 : socket_info->connect_fd;
        hooks->connection_handler(hooks->connection_context, connection, text, socket, 1);
    } else {
        hooks->connection_handler(hooks->connection_context, connection, "", -1, 0);
    }
}

struct MHD_Daemon *failoverd_mhd_start(const failoverd_mhd_settings *settings, char *error, size_t error_len,
                                       void **hooks_out) {
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
        atomic_store_explicit(&log_callback, settings->log_handler, memory_order_release);
    }

    int tls = settings->tls_key_pem != NULL && settings->tls_certificate_pem != NULL;
    if (tls) {
        flags |= MHD_USE_TLS;
    }
    /* The daemon's callbacks read these until it has stopped: failoverd_mhd_stop frees them after MHD_stop_daemon. */
    failoverd_mhd_hooks *hooks = calloc(1, sizeof *hooks);
    if (hooks == NULL) {
        snprintf(error, error_len, "out of memory");
        return NULL;
    }
    hooks->accept_handler = settings->accept_handler;
    hooks->accept_context = settings->accept_context;
    hooks->connection_handler = settings->connection_handler;
    hooks->connection_context = settings->connection_context;

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
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)notify_connection, hooks},
        {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)settings->tls_key_pem},
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)settings->tls_certificate_pem},
        {(tls && settings->tls_trust_pem != NULL) ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0,
         (void *)settings->tls_trust_pem},
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* An option array ends at its first MHD_OPTION_END: move the unused entries' ends to the back. */
    struct MHD_OptionItem packed[sizeof options / sizeof options[0]];
    size_t used = 0;
    for (size_t index = 0; index < sizeof options / sizeof options[0]; index++) {
        if (options[index].option != MHD_OPTION_END) {
            packed[used++] = options[index];
        }
    }
    packed[used] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, settings->port, accept_policy, hooks, settings->access_handler, settings->access_context,
        MHD_OPTION_ARRAY, packed, MHD_OPTION_END);
    if (daemon == NULL) {
        free(hooks);
        snprintf(error, error_len,
                 tls ? "cannot listen on %s:%u with TLS (address in use or not permitted, or a certificate, key or "
                       "client CA that GnuTLS cannot read)"
                     : "cannot listen on %s:%u (address in use, not local, or not permitted)",
                 host ? host : "*", (unsigned)settings->port);
        return NULL;
    }
    *hooks_out = hooks;
    return daemon;
}

void failoverd_mhd_stop(struct MHD_Daemon *daemon, void *hooks) {
    /* MHD_stop_daemon joins the daemon's threads: no callback reads the hooks after it returns. */
    MHD_stop_daemon(daemon);
    free(hooks);
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
    return address_text(info->client_addr, buffer, buffer_len);
}

int failoverd_mhd_verify_client_certificate(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) {
        return 1;
    }
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned int count = 0;
    if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0) {
        return 2;
    }
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS || status != 0) {
        return 3;
    }
    return 0;
}

unsigned int failoverd_mhd_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}
