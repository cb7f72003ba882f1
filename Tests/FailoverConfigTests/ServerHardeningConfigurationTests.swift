import FailoverConfig
import FailoverCore
import Foundation
import Testing

@Suite("server: TLS, networks, limits")
struct ServerHardeningConfigurationTests {
    @Test("every new setting is read, with the documented defaults when absent")
    func reads() throws {
        let defaults = try ConfigurationLoader.parse(yaml: "", source: "x.yml").server
        #expect(defaults.maxConnectionsPerAddress == 64)
        #expect(defaults.maxHeaderBytes == 32 << 10)
        #expect(defaults.requestTimeout == .seconds(30))
        #expect(defaults.trustedProxies.isEmpty && defaults.tls == nil)
        #expect(defaults.auth.failureLimit == AuthenticationFailureLimit(maxFailures: 10, window: .seconds(60)))
        #expect(defaults.auth.webhook.allowedNetworks == nil)

        let yaml = """
            server:
              max_connections_per_address: 8
              max_header_size: 16KiB
              request_timeout: 5s
              trusted_proxies: ["10.0.0.0/8", "::1"]
              tls: {cert_file: /etc/hostname, key_file: /etc/hostname, client_ca_file: /etc/hostname}
              auth:
                failure_limit: {max_failures: 3, window: 5m}
                webhook:
                  allowed_networks: ["192.0.2.0/24", "2001:db8::/32"]
            """
        let server = try ConfigurationLoader.parse(yaml: yaml, source: "x.yml").server
        #expect(server.maxConnectionsPerAddress == 8)
        #expect(server.maxHeaderBytes == 16 << 10)
        #expect(server.requestTimeout == .seconds(5))
        #expect(server.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(
            server.tls
                == TLSSettings(
                    certificateFile: "/etc/hostname", keyFile: "/etc/hostname", clientCAFile: "/etc/hostname"))
        #expect(server.auth.failureLimit == AuthenticationFailureLimit(maxFailures: 3, window: .seconds(300)))
        #expect(server.auth.webhook.allowedNetworks?.map(\.description) == ["192.0.2.0/24", "2001:db8::/32"])
    }

    @Test(
        "mistakes are reported with their place",
        arguments: [
            (
                "server:\n  trusted_proxies: [10.0.0.1/8]",
                #"2:21: server.trusted_proxies[0]: "10.0.0.1/8" has bits set after the prefix: write the network as 10.0.0.0/8"#
            ),
            (
                "server:\n  auth:\n    read:\n      allowed_networks: [example.com]",
                #"4:26: server.auth.read.allowed_networks[0]: "example.com" is not a network: expected an IPv4 or IPv6 address with an optional /prefix (10.0.0.0/8)"#
            ),
            (
                "server:\n  auth:\n    admin:\n      allowed_networks: []",
                "4:25: server.auth.admin.allowed_networks: an empty list would refuse every caller: list networks, or leave the setting out to allow all"
            ),
            ("server:\n  trusted_proxies: 10.0.0.0/8", "2:20: server.trusted_proxies: expected a list"),
            ("server:\n  tls: {cert_file: /etc/hostname}", "2:8: server.tls: cert_file and key_file are both required"),
            (
                "server:\n  tls: {cert_file: /nonexistent/c, key_file: /etc/hostname}",
                "2:20: server.tls.cert_file: cannot read /nonexistent/c"
            ),
            (
                "server:\n  tls: {cert_file: /etc/hostname, key_file: /etc/hostname, ca: x}",
                "2:64: server.tls.ca: unknown setting"
            ),
            (
                "server:\n  max_header_size: 1KiB",
                "2:20: server.max_header_size: 1KiB is smaller than the minimum of 4096 bytes"
            ),
            (
                "server:\n  request_timeout: 0s",
                "2:20: server.request_timeout: 0s is shorter than the minimum of 1.0 seconds"
            ),
            (
                "server:\n  auth:\n    failure_limit: {max_failures: 0}",
                "3:35: server.auth.failure_limit.max_failures: 0 is out of range 1...1000000"
            ),
        ])
    func mistakes(yaml: String, expected: String) {
        #expect {
            try ConfigurationLoader.parse(yaml: yaml, source: "x.yml")
        } throws: { error in
            let problems = (error as? ConfigurationError)?.problems.map(\.description) ?? []
            #expect(problems == [expected])
            return problems == [expected]
        }
    }
}
