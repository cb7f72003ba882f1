#ifndef FAILOVERD_CMICROHTTPD_H
#define FAILOVERD_CMICROHTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

/// Receives one formatted libmicrohttpd diagnostic line.
typedef void (*failoverd_mhd_log_callback)(void *context, const char *message);

/// Settings for `failoverd_mhd_start`; every field is plain data so Swift can fill it without varargs.
typedef struct failoverd_mhd_settings {
    /// Host to bind: an IPv4 or IPv6 literal or a name; NULL or "" binds every address.
    const char *host;
    /// Port to bind; 0 lets the kernel choose (read it back with `failoverd_mhd_bound_port`).
    uint16_t port;
    /// Most connections at once; further ones are refused by libmicrohttpd.
    unsigned int connection_limit;
    /// Seconds of inactivity after which a connection is closed.
    unsigned int connection_timeout;
    /// Polling threads; 0 or 1 means a single internal polling thread.
    unsigned int thread_pool_size;
    /// Per-connection memory pool in bytes (header parsing, not bodies); 0 keeps the library default.
    size_t connection_memory_limit;
    MHD_AccessHandlerCallback access_handler;
    void *access_context;
    MHD_RequestCompletedCallback completed_handler;
    void *completed_context;
    failoverd_mhd_log_callback log_handler;
    void *log_context;
} failoverd_mhd_settings;

/// Starts a daemon with an internal polling thread (epoll where available) and suspend/resume enabled.
/// Returns NULL when the address cannot be resolved or bound; `error` then holds a description.
struct MHD_Daemon *failoverd_mhd_start(const failoverd_mhd_settings *settings, char *error, size_t error_len);

/// The port the daemon listens on (useful after binding port 0); 0 when unknown.
uint16_t failoverd_mhd_bound_port(struct MHD_Daemon *daemon);

/// Writes the peer address of a connection as text ("127.0.0.1" or "::1") into `buffer`; returns 0 on success.
int failoverd_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t buffer_len);

/// Number of connections currently open on the daemon.
unsigned int failoverd_mhd_current_connections(struct MHD_Daemon *daemon);

#endif
