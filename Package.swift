// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "workshop",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "workshop", targets: ["workshop"]),
    .library(name: "WorkshopEngine", targets: ["WorkshopEngine"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
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
      swiftSettings: strictSettings
    ),

    // MARK: Completion records: export, verify, roster.
    .target(
      name: "WorkshopRecords",
      dependencies: [
        "WorkshopEngine",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictSettings
    ),

    // MARK: Terminal UI: rendering, the learner's session, line editing.
    .target(
      name: "WorkshopTerminal",
      dependencies: ["WorkshopEngine", "CReadline", "CCmark"],
      swiftSettings: strictSettings
    ),

    // MARK: Command-line interface
    .executableTarget(
      name: "workshop",
      dependencies: [
        "WorkshopEngine",
        "WorkshopTerminal",
        "WorkshopRecords",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings
    ),

    // MARK: Benchmarks (run with `swift run -c release workshop-bench`)
    .executableTarget(
      name: "workshop-bench",
      dependencies: ["WorkshopEngine", "WorkshopRecords"],
      path: "Benchmarks/workshop-bench",
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
      dependencies: ["WorkshopTerminal", "WorkshopEngine", "WorkshopTestSupport"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopRecordsTests",
      dependencies: ["WorkshopRecords", "WorkshopEngine", "WorkshopTestSupport"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WorkshopCLITests",
      dependencies: ["WorkshopEngine", "WorkshopTestSupport"],
      swiftSettings: strictSettings
    ),
  ]
)
