// swift-tools-version: 6.1
//
// Pathlink's module graph is its privacy model (see ARCHITECTURE.md):
//   * extraction needs no key;
//   * only Pseudonymisation reads the owners' master key file;
//   * Linkage, Disclosure and Reporting never import Pseudonymisation;
//   * Tabular (CSV I/O) knows nothing of policy.
// Cryptography is the one Swift module that calls OpenSSL (through COpenSSL).
// ArchitectureTests checks these rules on the import lines of Sources.
import PackageDescription

let package = Package(
    name: "Pathlink",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pathlink", targets: ["pathlink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C shims: module maps and a tiny header each, nothing else.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // COIN-OR CLP and CBC (EPL): the disclosure audit's and secondary suppression's solvers.
        .systemLibrary(
            name: "CCoinOR",
            pkgConfig: "cbc",
            providers: [.apt(["coinor-libcbc-dev", "coinor-libclp-dev", "coinor-libcoinutils-dev",
                              "coinor-libosi-dev", "coinor-libcgl-dev"])]
        ),

        // prctl(2), which Swift cannot call (it is variadic): core dumps off.
        .systemLibrary(name: "CProcess"),
        // Errors, atomic outputs, progress: shared by every stage.
        .target(name: "PathlinkCore", dependencies: ["CProcess"]),
        // Streaming CSV reader/writer and input encodings. No policy.
        .target(name: "Tabular", dependencies: ["PathlinkCore"]),
        // The only Swift code that calls OpenSSL: SHA-256, HMAC-SHA256, CSPRNG.
        .target(name: "Cryptography", dependencies: ["COpenSSL", "PathlinkCore"]),
        // Receipts: hashes, counts and lineage of every output.
        .target(name: "Provenance", dependencies: ["PathlinkCore", "Cryptography"]),
        // Schema manifests, linkage plans, value patterns, dates; review sheets.
        .target(name: "Governance", dependencies: ["PathlinkCore", .product(name: "Yams", package: "Yams")]),
        // Stage 1 (owner, no key): raw export -> extract.
        .target(name: "Extraction", dependencies: ["PathlinkCore", "Tabular", "Governance", "Provenance", "Cryptography"]),
        // Stage 2 (owner, key): extract -> tokens.
        .target(name: "Pseudonymisation", dependencies: ["PathlinkCore", "Tabular", "Governance", "Provenance", "Cryptography"]),
        // Stage 3 (linking unit, no owner key): tokens -> linked tables.
        .target(name: "Linkage", dependencies: ["PathlinkCore", "Tabular", "Governance", "Provenance", "Cryptography"]),
        // Disclosure control: suppression and the LP audit (COIN-OR CLP/CBC).
        .target(name: "Disclosure", dependencies: ["PathlinkCore", "CCoinOR"]),
        // Stage 4 (researcher side, no key): linked tables -> release.
        .target(name: "Reporting", dependencies: ["PathlinkCore", "Tabular", "Governance", "Provenance", "Disclosure", .product(name: "Yams", package: "Yams")]),
        // Synthetic raw exports with ground truth.
        .target(name: "Synthesis", dependencies: ["PathlinkCore", "Tabular", "Provenance"]),
        // `run` and `verify`: the stages on one machine, the receipt chain, approvals.
        .target(name: "Pipeline", dependencies: [
            "PathlinkCore", "Tabular", "Governance", "Provenance", "Cryptography", "Extraction", "Pseudonymisation",
            "Linkage", "Reporting", "Synthesis",
        ]),
        // The thin command-line layer.
        .executableTarget(name: "pathlink", dependencies: [
            "PathlinkCore", "Tabular", "Governance", "Provenance", "Cryptography", "Extraction", "Pseudonymisation",
            "Linkage", "Disclosure", "Reporting", "Synthesis", "Pipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers shared by the test targets (temporary folders).
        .target(name: "PathlinkTestSupport", dependencies: ["PathlinkCore"], path: "Tests/Support"),
        .testTarget(name: "TabularTests", dependencies: ["PathlinkTestSupport", "Tabular", "PathlinkCore"]),
        .testTarget(name: "CryptographyTests", dependencies: ["Cryptography"]),
        .testTarget(name: "GovernanceTests", dependencies: ["Governance", "PathlinkCore"]),
        .testTarget(name: "ExtractionTests", dependencies: ["PathlinkTestSupport", "Extraction", "Governance", "Tabular", "PathlinkCore", "Provenance", "Cryptography"]),
        .testTarget(name: "PseudonymisationTests", dependencies: ["Pseudonymisation", "Governance", "Tabular", "PathlinkCore", "Provenance", "Cryptography"],
                    exclude: ["Fixtures", "python"]),  // read from disk by path; the Python check runs via Process
        // The ground-truth evaluation runs the owners' stages too (synth, extract, pseudonymise
        // with a test key); the Linkage module itself never imports them.
        .testTarget(name: "LinkageTests", dependencies: ["Linkage", "Governance", "Tabular", "PathlinkCore", "Provenance",
                                                         "Synthesis", "Extraction", "Pseudonymisation"]),
        .testTarget(name: "DisclosureTests", dependencies: ["Disclosure", "PathlinkCore"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Disclosure", "Tabular", "PathlinkCore"],
                    exclude: ["python"]),  // the independent optimum (IndependentOptimumTests) runs via Process
        .testTarget(name: "PipelineTests", dependencies: ["PathlinkTestSupport", "Pipeline", "PathlinkCore", "Provenance", "Governance", "Cryptography", "Tabular"]),
        // Hostile and broken inputs, leak canaries, determinism and interrupts, through the
        // real stage APIs and the built `pathlink` binary (see docs/hardening.md).
        .testTarget(name: "HardeningTests", dependencies: ["Pipeline", "Extraction", "Pseudonymisation", "Linkage", "Reporting",
                                                           "Governance", "Tabular", "PathlinkCore", "Synthesis", "Provenance"]),
        // The module rules of ARCHITECTURE.md, read from the import lines of Sources; it
        // depends on no project module, so it needs none of the modules it forbids.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "Tabular", "PathlinkCore", "Provenance", .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
