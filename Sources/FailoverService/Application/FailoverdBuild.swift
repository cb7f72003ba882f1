/// Facts about this build of failoverd.
public enum FailoverdBuild {
    /// The release version.
    public static let version = "0.1.0"
}
