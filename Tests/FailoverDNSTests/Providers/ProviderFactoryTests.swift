import FailoverCore
import Testing

@testable import FailoverDNS

@Suite("Provider factory")
struct ProviderFactoryTests {
    func account(_ kind: ProviderAccountConfiguration.Kind, baseURL: String? = nil) -> ProviderAccountConfiguration {
        ProviderAccountConfiguration(name: "main", kind: kind, token: .file("/etc/failoverd/token"), baseURL: baseURL)
    }

    @Test func buildsTheProviderOfTheAccountKind() throws {
        let logger = LogRecorder().logger()
        let linode = try ProviderFactory.make(account: account(.linode), token: "secret-1\n", logger: logger)
        let digitalOcean = try ProviderFactory.make(account: account(.digitalocean), token: "secret-1", logger: logger)
        #expect((linode as? RecordStoreProvider<LinodeProvider>)?.store.baseURL == "https://api.linode.com/v4")
        let digitalOceanStore = (digitalOcean as? RecordStoreProvider<DigitalOceanProvider>)?.store
        #expect(digitalOceanStore?.baseURL == "https://api.digitalocean.com")
        #expect(linode.accountName == "main")
        #expect(linode.rules == .linode)
        // Neither printing nor dumping a provider shows the token.
        var dumped = ""
        dump(linode, to: &dumped)
        #expect(!dumped.contains("secret-1"))
        #expect(!String(describing: digitalOcean).contains("secret-1"))
        #expect(!String(reflecting: digitalOcean).contains("secret-1"))
    }

    @Test func refusesAnEmptyTokenOrABadBaseURL() {
        let logger = LogRecorder().logger()
        let empty = #expect(throws: DNSProviderError.self) {
            _ = try ProviderFactory.make(account: account(.linode), token: " \n", logger: logger)
        }
        #expect(empty?.isConfigurationError == true)
        #expect(empty?.description.contains("file /etc/failoverd/token") == true)
        for bad in ["ftp://api.linode.com", "api.linode.com/v4", "https://"] {
            let error = #expect(throws: DNSProviderError.self) {
                _ = try ProviderFactory.make(account: account(.linode, baseURL: bad), token: "t", logger: logger)
            }
            #expect(error?.isConfigurationError == true, "\(bad)")
        }
    }
}
