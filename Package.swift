// swift-tools-version:6.1
import PackageDescription

let strictConcurrency: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "failoverd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "failoverd", targets: ["failoverd"]),
        .executable(name: "failoverd-demo", targets: ["FailoverDemo"]),
        .executable(name: "failoverd-fuzz", targets: ["FailoverFuzz"]),
        .executable(name: "failoverd-chaos", targets: ["FailoverChaos"]),
        .library(name: "FailoverCore", targets: ["FailoverCore"]),
        .library(name: "FailoverTestSupport", targets: ["FailoverTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Runbook `exec` steps: spawning, pidfd-based waiting and output pipes. Its Foundation extensions are not used.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The status page (`GET /`): templates compiled once at start, HTML-escaped `{{ }}` values.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C bridging: typed wrappers around the variadic C entry points.
        .target(
            name: "CMicroHTTPD",
            linkerSettings: [.linkedLibrary("microhttpd"), .linkedLibrary("gnutls")]
        ),
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // glibc's allocator statistics for /metrics (`mallinfo2` is not in Swift's Glibc module).
        .target(name: "CHeapStatistics"),

        // The core: value types and decisions, no I/O.
        // SHA-256 (swift-crypto) is pure computation: the audit hash chain is built and verified in the core.
        .target(
            name: "FailoverCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictConcurrency
        ),

        // Adapters.
        .target(
            name: "FailoverConfig",
            dependencies: [
                "FailoverCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "FailoverHTTPServer",
            dependencies: [
                "CMicroHTTPD",
                "FailoverCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "FailoverHTTPClient",
            dependencies: [
                "CCurl",
                "FailoverCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "FailoverDNS",
            dependencies: [
                "FailoverCore",
                "FailoverHTTPClient",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "FailoverStore",
            dependencies: [
                "FailoverCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        // The runbook engine: the core's decisions carried out through narrow ports (ledger, DNS, HTTP, processes).
        .target(
            name: "FailoverEngine",
            dependencies: [
                "FailoverCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "FailoverProcess",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "FailoverService",
            dependencies: [
                "CHeapStatistics",
                "FailoverCore",
                "FailoverEngine",
                "FailoverDNS",
                "FailoverHTTPClient",
                "FailoverProcess",
                "FailoverConfig",
                "FailoverHTTPServer",
                "FailoverStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),

        // The thin executable.
        .executableTarget(
            name: "failoverd",
            dependencies: [
                "FailoverCore",
                "FailoverConfig",
                "FailoverDNS",
                "FailoverHTTPClient",
                "FailoverService",
                "FailoverStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),

        // `make demo`: Prometheus, Alertmanager, failoverd and the fake providers on loopback, narrated.
        .executableTarget(
            name: "FailoverDemo",
            dependencies: [
                "FailoverCore",
                "FailoverTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),

        // `make chaos`: the crash and fault campaigns (the campaigns themselves are in FailoverTestSupport, which the
        // end-to-end tests run in short).
        .executableTarget(
            name: "FailoverChaos",
            dependencies: [
                "FailoverTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictConcurrency
        ),

        // The audit log benchmark (printed figures, not a timed test).
        .executableTarget(
            name: "failoverd-audit-bench",
            dependencies: [
                "FailoverStore", "FailoverCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AuditBench",
            swiftSettings: strictConcurrency
        ),

        // The runbook engine benchmark: webhook 200 to the first DNS write at an in-process fake provider.
        .executableTarget(
            name: "failoverd-engine-bench",
            dependencies: [
                "FailoverHTTPServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/EngineBench",
            swiftSettings: strictConcurrency
        ),

        // Fuzzing (`make fuzz`): the targets, and one driver binary that runs them under libFuzzer or replays files.
        .target(
            name: "FailoverFuzzTargets",
            dependencies: [
                "FailoverCore", "FailoverConfig", "FailoverDNS", "FailoverHTTPClient",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .executableTarget(
            name: "FailoverFuzz",
            dependencies: ["FailoverFuzzTargets"],
            swiftSettings: strictConcurrency
        ),

        // Test support, shipped as its own target.
        .target(
            name: "FailoverTestSupport",
            dependencies: [
                "FailoverHTTPServer",
                "FailoverCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),

        .testTarget(name: "FailoverCoreTests", dependencies: ["FailoverCore", "FailoverTestSupport"]),
        .testTarget(name: "FailoverFuzzTests", dependencies: ["FailoverFuzzTargets", "FailoverTestSupport"]),
        .testTarget(
            name: "FailoverEngineTests",
            dependencies: [
                "FailoverEngine", "FailoverCore", "FailoverStore", "FailoverTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "FailoverConfigTests", dependencies: ["FailoverConfig", "FailoverCore"]),
        .testTarget(
            name: "FailoverHTTPServerTests",
            dependencies: ["FailoverHTTPServer", "FailoverTestSupport"]
        ),
        .testTarget(
            name: "FailoverStoreTests",
            dependencies: [
                "FailoverStore", "FailoverCore", "FailoverTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FailoverAuditTests",
            dependencies: [
                "FailoverStore", "FailoverCore", "FailoverTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FailoverServiceTests",
            dependencies: [
                "FailoverService", "FailoverConfig", "FailoverStore", "FailoverCore", "FailoverTestSupport",
                "FailoverHTTPServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
        ),
        .testTarget(
            name: "FailoverDNSTests",
            dependencies: [
                "FailoverDNS", "FailoverHTTPClient", "FailoverCore", "FailoverTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "FailoverProcessTests",
            dependencies: [
                "FailoverProcess", "FailoverTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FailoverEndToEndTests",
            dependencies: [
                "FailoverTestSupport", "FailoverCore", "FailoverHTTPServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
