import ArgumentParser
import FailoverConfig
import FailoverStore

/// Where a command that reads the state database file finds it: `--storage.path`, else `storage.path` of
/// `--config.file`, else the default. `failoverd audit` (on the file) and `failoverd backup` take these.
struct DatabaseFileOptions: ParsableArguments {
    @Option(
        name: .customLong("storage.path"),
        help: ArgumentHelp(
            "The state database file (default: storage.path of --config.file, else data/failoverd.db).",
            discussion: """
                --storage.path wins over the file's storage.path. A relative storage.path in the file is relative \
                to the file's directory; a relative --storage.path, and the default, to the current directory. The \
                file is opened read-only and never migrated or created.
                """))
    var storagePath: String?

    @Option(name: .customLong("config.file"), help: "Read storage.path from this configuration file.")
    var configFile: String?

    /// Whether either option was given.
    var isGiven: Bool { storagePath != nil || configFile != nil }

    /// The database file's path.
    func path() throws -> String {
        if let storagePath { return storagePath }
        guard let configFile else { return FailoverConfiguration.defaults.storage.path }
        do {
            return try ConfigurationLoader.load(path: configFile).storage.path
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// The database file, opened read-only: a read never migrates the file, and never creates one.
    func openStore() throws -> ReadOnlyStateStore {
        let path = try path()
        do {
            return try ReadOnlyStateStore(path: path)
        } catch {
            throw CommandFailure(error.message)
        }
    }
}
