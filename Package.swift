// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
]

// The modules linked into `workshop` (and WorkshopSync) use FoundationEssentials, not corelibs
// Foundation (which brings ICU). Without this, a Foundation member made visible by a dependency's
// own `import Foundation` would compile and quietly link corelibs back in.
let learnerBinarySettings: [SwiftSetting] = strictSettings + [
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "workshop",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "workshop", targets: ["workshop"]),
    .executable(name: "workshop-live", targets: ["workshop-live"]),
    .library(name: "WorkshopEngine", targets: ["WorkshopEngine"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    // Live sessions (workshop serve / join)
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    // Sending records to a Learning Record Store (workshop sync)
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    // Open Badges 3.0 credentials secured as VC-JWT (workshop export --format badge)
    .package(url: "https://github.com/vapor/jwt-kit.git", "5.7.1"..<"6.0.0"),
  ],
  targets: [
    // MARK: System libraries (Debian -dev packages)
    .systemLibrary(
      name: "CCmark",
      pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"])]
    ),
    .systemLibrary(
      name: "CYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]
    ),
    .systemLibrary(
      name: "CReadline",
      providers: [.apt(["libreadline-dev"])]
    ),

    // MARK: Engine: lessons, grading, scoring, progress. No terminal I/O.
    .target(
      name: "WorkshopEngine",
      dependencies: [
        "CCmark",
        "CYAML",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: learnerBinarySettings
    ),

    // MARK: Completion records: export, verify, roster.
    .target(
      name: "WorkshopRecords",
      dependencies: [
        "WorkshopEngine",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "JWTKit", package: "jwt-kit"),
      ],
      swiftSettings: learnerBinarySettings
    ),

    // MARK: Sending xAPI statements to a Learning Record Store: outbox, batching, retries.
    .target(
      name: "WorkshopSync",
      dependencies: [
        "WorkshopEngine",
        "WorkshopRecords",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: learnerBinarySettings
    ),

    // MARK: Terminal UI: rendering, the learner's session, line editing.
    .target(
      name: "WorkshopTerminal",
      dependencies: ["WorkshopEngine", "CReadline", "CCmark"],
      swiftSettings: learnerBinarySettings
    ),

    // MARK: Live sessions: the classroom state machine and its Hummingbird/WebSocket server.
    .target(
      name: "WorkshopServer",
      dependencies: [
        "WorkshopEngine",
        "WorkshopRecords",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSettings
    ),

    // MARK: Live sessions on the terminal: `workshop join` and the `serve` console, on the
    // REPL's host loop. Only the workshop-live executable links it (and so the network stack).
    .target(
      name: "WorkshopLiveTerminal",
      dependencies: ["WorkshopTerminal", "WorkshopServer", "WorkshopRecords", "WorkshopEngine"],
      swiftSettings: strictSettings
    ),

    // MARK: Command-line interface: argument parsing, then one call per command.
    // Options and help shared by both executables.
    .target(
      name: "WorkshopCommandLine",
      dependencies: [
        "WorkshopEngine", "WorkshopRecords", "WorkshopTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: learnerBinarySettings
    ),
    // What learners, authors and administrators run; `serve`, `join` and `sync` exec workshop-live,
    // and `--sync` starts it beside the session (`workshop-live sync --follow`), so that no
    // network code is linked here (ModuleArrowTests checks that).
    .executableTarget(
      name: "workshop",
      dependencies: [
        "WorkshopEngine",
        "WorkshopTerminal",
        "WorkshopRecords",
        "WorkshopCommandLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: learnerBinarySettings
    ),
    // `workshop serve`, `join` and `sync`: the live-session server and client, and the LRS client.
    .executableTarget(
      name: "workshop-live",
      dependencies: [
        "WorkshopLiveTerminal",
        "WorkshopServer",
        "WorkshopSync",
        "WorkshopRecords",
        "WorkshopEngine",
        "WorkshopCommandLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings
    ),

    // MARK: Benchmarks (run with `swift run -c release workshop-bench`)
    .executableTarget(
      name: "workshop-bench",
      dependencies: ["WorkshopEngine", "WorkshopRecords", "WorkshopSync", "WorkshopTestSupport"],
      path: "Benchmarks/workshop-bench",
      swiftSettings: strictSettings
    ),

    // The yardstick of the start-up benchmark: a bare Foundation program, built like workshop.
    .executableTarget(
      name: "bare-foundation",
      path: "Benchmarks/bare-foundation",
      swiftSettings: strictSettings
    ),

    // Simulated classroom: many learners over WebSockets on loopback
    // (run with `swift run -c release workshop-loadgen`).
    .executableTarget(
      name: "workshop-loadgen",
      dependencies: ["WorkshopServer", "WorkshopEngine", "WorkshopRecords"],
      path: "Benchmarks/workshop-loadgen",
      swiftSettings: strictSettings
    ),

    // MARK: Tests
    // A small program that appends journal events until killed; the crash tests SIGKILL it.
    .executableTarget(
      name: "journal-writer",
      dependencies: ["WorkshopEngine"],
      path: "Tests/JournalWriterTool",
      swiftSettings: strictSettings
    ),
    .target(
      name: "WorkshopTestSupport",
      dependencies: ["WorkshopEngine"],
      path: "Tests/WorkshopTestSupport",
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopEngineTests",
      dependencies: ["WorkshopEngine", "WorkshopTestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopTerminalTests",
      dependencies: ["WorkshopTerminal", "WorkshopEngine", "WorkshopRecords", "WorkshopTestSupport"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopRecordsTests",
      dependencies: ["WorkshopRecords", "WorkshopEngine", "WorkshopTestSupport"],
      exclude: ["Golden"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopCLITests",
      dependencies: ["WorkshopEngine", "WorkshopRecords", "WorkshopTestSupport"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopSyncTests",
      dependencies: ["WorkshopSync", "WorkshopEngine", "WorkshopTestSupport"],
      swiftSettings: strictSettings
    ),
      // Serves a built-in course until killed; the restart tests SIGKILL it.
    .executableTarget(
      name: "live-session-tool",
      dependencies: ["WorkshopServer", "WorkshopEngine", "WorkshopRecords"],
      path: "Tests/LiveSessionTool",
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopServerTests",
      dependencies: [
        "WorkshopServer", "WorkshopEngine", "WorkshopRecords", "WorkshopTestSupport",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
      ],
      swiftSettings: strictSettings
    ),
  ]
)
