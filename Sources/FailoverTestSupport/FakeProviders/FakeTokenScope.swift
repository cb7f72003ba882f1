/// What the fake's valid token may do.
public enum FakeTokenScope: Sendable, Hashable {
    /// Read and write DNS (Linode `domains:read_write`; DigitalOcean `domain:*`).
    case readWrite
    /// Read only (Linode `domains:read_only`; DigitalOcean `domain:read`): writes answer 403.
    case readOnly
}
