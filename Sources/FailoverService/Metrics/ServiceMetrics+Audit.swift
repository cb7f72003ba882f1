import Prometheus

/// The audit chain's head on `/metrics`: an id alone, since a hash is no number; with its hash from the log line
/// at start or stop it is an anchor for `failoverd audit verify --anchor`, and a head id that goes down is a log
/// that lost its tail or was rolled back.
extension ServiceMetrics {
    /// `failoverd_audit_head_id`: the newest audit event's id, read at each scrape.
    var auditHeadID: Gauge {
        gauge(
            "failoverd_audit_head_id",
            "Id of the newest audit event (the chain head); it never decreases in an untouched log.")
    }

    /// `failoverd_audit_signed_head_id`: the id of the newest signed head, 0 without one.
    var auditSignedHeadID: Gauge {
        gauge(
            "failoverd_audit_signed_head_id",
            "Id of the audit event the newest signed head covers (audit.signing_key_file); 0 without one.")
    }
}
