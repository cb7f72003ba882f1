#ifndef FAILOVERD_CCURL_H
#define FAILOVERD_CCURL_H

#include <curl/curl.h>

/// Opens libcurl (`library_name`, normally "libcurl.so.4") and resolves the functions below; 0 on success, else
/// `error` says why and the functions resolved earlier stay in use. Load successfully once before calling them.
int failoverd_curl_load(const char *library_name, char *error, size_t error_len);

/// The libcurl functions failoverd uses, called through the library opened by `failoverd_curl_load`.
CURLcode failoverd_curl_global_init(long flags);
CURL *failoverd_curl_easy_init(void);
void failoverd_curl_easy_cleanup(CURL *handle);
CURLcode failoverd_curl_easy_perform(CURL *handle);
const char *failoverd_curl_easy_strerror(CURLcode code);
struct curl_slist *failoverd_curl_slist_append(struct curl_slist *list, const char *value);
void failoverd_curl_slist_free_all(struct curl_slist *list);

/// Typed wrappers around libcurl's variadic `curl_easy_setopt` and `curl_easy_getinfo`.
CURLcode failoverd_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode failoverd_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode failoverd_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode failoverd_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode failoverd_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);

/// Signature libcurl uses for body and header callbacks.
typedef size_t (*failoverd_curl_data_callback)(char *data, size_t size, size_t count, void *context);
CURLcode failoverd_curl_setopt_write_function(CURL *handle, failoverd_curl_data_callback callback);
CURLcode failoverd_curl_setopt_header_function(CURL *handle, failoverd_curl_data_callback callback);

/// Signature of the transfer-progress callback; returning non-zero aborts the transfer.
typedef int (*failoverd_curl_progress_callback)(
    void *context, curl_off_t download_total, curl_off_t download_now, curl_off_t upload_total, curl_off_t upload_now);
CURLcode failoverd_curl_setopt_xferinfo_function(CURL *handle, failoverd_curl_progress_callback callback);

CURLcode failoverd_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode failoverd_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);

#endif
