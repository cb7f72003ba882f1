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

    @Test func refusesPlainHTTPOutsideLoopback() throws {
        let logger = LogRecorder().logger()
        for remote in [
            "http://api.linode.com/v4", "http://10.0.0.7:8080", "http://127.1/v4", "http://2130706433",
            "http://[::2]/v4", "http://[2001:db8::1]", "http://localhost.example.com", "HTTP://api.linode.com",
        ] {
            let error = #expect(throws: DNSProviderError.self) {
                _ = try ProviderFactory.make(account: account(.linode, baseURL: remote), token: "t", logger: logger)
            }
            #expect(error?.isConfigurationError == true, "\(remote)")
            #expect(error?.description.contains("in clear") == true, "\(remote)")
        }
        for local in [
            "http://127.0.0.1:8080", "http://127.9.8.7", "http://localhost:1234/v4", "http://LOCALHOST",
            "http://fake.localhost", "http://[::1]:9000", "http://[0:0:0:0:0:0:0:1]", "https://api.linode.com/v4",
        ] {
            _ = try ProviderFactory.make(account: account(.digitalocean, baseURL: local), token: "t", logger: logger)
        }
    }
}
