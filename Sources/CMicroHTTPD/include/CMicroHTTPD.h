#ifndef FAILOVERD_CMICROHTTPD_H
#define FAILOVERD_CMICROHTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

/// Receives one formatted libmicrohttpd diagnostic line.
typedef void (*failoverd_mhd_log_callback)(void *context, const char *message);

/// Decides whether to accept a new connection from `address` (its IP as text); returns nonzero to accept.
typedef int (*failoverd_mhd_accept_callback)(void *context, const char *address);

/// Told when a connection opens (`started` nonzero, with its peer address as text and its socket) and when it has
/// closed (`started` zero; the socket is still open at that point and is closed right after).
typedef void (*failoverd_mhd_connection_callback)(
    void *context, struct MHD_Connection *connection, const char *address, int socket, int started);

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
    /// Called for every accepted socket before libmicrohttpd takes it; NULL accepts all.
    failoverd_mhd_accept_callback accept_handler;
    void *accept_context;
    /// Called when connections open and close; NULL for none.
    failoverd_mhd_connection_callback connection_handler;
    void *connection_context;
    /// PEM private key, certificate chain and client CA certificates; NULL key and certificate serve plain HTTP,
    /// a NULL trust list asks for no client certificate. Read while the daemon starts, not kept.
    const char *tls_key_pem;
    const char *tls_certificate_pem;
    const char *tls_trust_pem;
} failoverd_mhd_settings;

/// Starts a daemon with an internal polling thread (epoll where available) and suspend/resume enabled.
/// Returns NULL when the address cannot be resolved or bound; `error` then holds a description. On success
/// `hooks_out` receives the callbacks' state, which `failoverd_mhd_stop` frees with the daemon.
struct MHD_Daemon *failoverd_mhd_start(const failoverd_mhd_settings *settings, char *error, size_t error_len,
                                       void **hooks_out);

/// Stops the daemon (its threads joined) and frees the callbacks' state `failoverd_mhd_start` gave out.
void failoverd_mhd_stop(struct MHD_Daemon *daemon, void *hooks);

/// The port the daemon listens on (useful after binding port 0); 0 when unknown.
uint16_t failoverd_mhd_bound_port(struct MHD_Daemon *daemon);

/// Writes the peer address of a connection as text ("127.0.0.1" or "::1") into `buffer`; returns 0 on success.
int failoverd_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t buffer_len);

/// Whether the connection's TLS client presented a certificate that the daemon's trust list verifies:
/// 0 verified, 1 not a TLS connection, 2 no certificate presented, 3 a certificate that does not verify.
int failoverd_mhd_verify_client_certificate(struct MHD_Connection *connection);

/// Number of connections currently open on the daemon.
unsigned int failoverd_mhd_current_connections(struct MHD_Daemon *daemon);

#endif
