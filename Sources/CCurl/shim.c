#include "CCurl.h"

#include <dlfcn.h>
#include <stdio.h>

/* libcurl is opened on first use rather than linked: `failoverd serve` never makes an outbound call today, and
   linking libcurl maps its whole dependency tree (OpenSSL, nghttp2, libssh2, Kerberos, LDAP …), about 4 MiB of
   resident memory in an idle server. The declarations still come from <curl/curl.h>. */
struct failoverd_curl_api {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
};

static struct failoverd_curl_api api;

int failoverd_curl_load(const char *library_name, char *error, size_t error_len) {
    void *library = dlopen(library_name, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(error, error_len, "cannot load libcurl (%s): %s", library_name, dlerror());
        return -1;
    }
    /* Resolved into a copy: a library that lacks a function leaves the functions in use untouched. */
    struct failoverd_curl_api resolved;
#define FAILOVERD_RESOLVE(field, symbol)                                                        \
    *(void **)(&resolved.field) = dlsym(library, symbol);                                       \
    if (resolved.field == NULL) {                                                               \
        snprintf(error, error_len, "%s lacks %s", library_name, symbol);                        \
        dlclose(library);                                                                       \
        return -1;                                                                              \
    }
    FAILOVERD_RESOLVE(global_init, "curl_global_init")
    FAILOVERD_RESOLVE(easy_init, "curl_easy_init")
    FAILOVERD_RESOLVE(easy_cleanup, "curl_easy_cleanup")
    FAILOVERD_RESOLVE(easy_perform, "curl_easy_perform")
    FAILOVERD_RESOLVE(easy_strerror, "curl_easy_strerror")
    FAILOVERD_RESOLVE(slist_append, "curl_slist_append")
    FAILOVERD_RESOLVE(slist_free_all, "curl_slist_free_all")
    FAILOVERD_RESOLVE(easy_setopt, "curl_easy_setopt")
    FAILOVERD_RESOLVE(easy_getinfo, "curl_easy_getinfo")
#undef FAILOVERD_RESOLVE
    api = resolved;
    return 0;
}

CURLcode failoverd_curl_global_init(long flags) { return api.global_init(flags); }
CURL *failoverd_curl_easy_init(void) { return api.easy_init(); }
void failoverd_curl_easy_cleanup(CURL *handle) { api.easy_cleanup(handle); }
CURLcode failoverd_curl_easy_perform(CURL *handle) { return api.easy_perform(handle); }
const char *failoverd_curl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }
struct curl_slist *failoverd_curl_slist_append(struct curl_slist *list, const char *value) {
    return api.slist_append(list, value);
}
void failoverd_curl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

CURLcode failoverd_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode failoverd_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode failoverd_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode failoverd_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode failoverd_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode failoverd_curl_setopt_write_function(CURL *handle, failoverd_curl_data_callback callback) {
    return api.easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

CURLcode failoverd_curl_setopt_header_function(CURL *handle, failoverd_curl_data_callback callback) {
    return api.easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

CURLcode failoverd_curl_setopt_xferinfo_function(CURL *handle, failoverd_curl_progress_callback callback) {
    return api.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

CURLcode failoverd_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return api.easy_getinfo(handle, info, value);
}

CURLcode failoverd_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return api.easy_getinfo(handle, info, value);
}
