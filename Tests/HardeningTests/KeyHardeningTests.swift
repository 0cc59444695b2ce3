import Foundation
import Testing
import Cryptography
import PathlinkCore

/// Issue 14, "keys": weak and published keys never protect real data, the linker secret
/// is never an owner key, inputs made under different keys, projects or plans are never
/// linked, and no stage can leave a core file.
@Suite("Keys are never weak, published or mixed", .serialized)
struct KeyHardeningTests {
    static let vectorsKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    /// 32 bytes cycling through 15 values: period 15, so only the distinct-byte rule refuses it.
    static var fifteenValues: String { (0..<32).map { String(format: "%02x", ($0 % 15) * 17) }.joined() }
    /// A random-looking block of 8 bytes repeated: period 8, 8 distinct values.
    static var periodEight: String { String(repeating: "8c1f4e27a93b60d5", count: 4) }
    /// Period 8 but 16+ distinct values over a 64-byte key? Impossible: a period-8 key has at most 8.
    /// So a key of 16 distinct values with period 16 is the first accepted pattern (tested below).
    static var periodSixteen: String { String(repeating: "00112233445566778899aabbccddeeff", count: 2) }

    func pseudonymise(key: String, extra: [String] = [], in folder: TestFolder, world: SmallWorld) throws -> Invocation {
        chmod(folder.write("owner.key", key + "\n"), 0o600)
        return try pathlink(["pseudonymise", "--manifest", world.policeManifest, "--plan", world.plan, "--key", "owner.key",
                             "--input", world.policeExtract, "--output", "tokens.csv"] + extra, in: folder.path)
    }

    @Test("Weak and published owner keys are refused by pseudonymise; --test-key accepts them")
    func weakKeys() throws {
        let world = try SmallWorld.shared.ready()
        let cases: [(String, String, String)] = [
            ("64 zeros", String(repeating: "0", count: 64), "repeat every 1 byte"),
            ("a repeated two-byte pattern", String(repeating: "ab12", count: 16), "repeat every 2 bytes"),
            ("a repeated eight-byte block", Self.periodEight, "repeat every 8 bytes"),
            ("15 distinct byte values", Self.fifteenValues, "fewer than 16 distinct byte values"),
            ("the token vectors' key", Self.vectorsKey, "published"),
            ("the token vectors' key, upper case", Self.vectorsKey.uppercased(), "published"),
            ("the token vectors' key twice", Self.vectorsKey + Self.vectorsKey, "published"),
        ]
        for (name, key, reason) in cases {
            let folder = TestFolder()
            let result = try pseudonymise(key: key, in: folder, world: world)
            #expect(result.status == ExitStatus.key.rawValue, "\(name): exit \(result.status)")
            #expect(result.standardError.contains("owner.key") && result.standardError.contains(reason), "\(name): \(result.standardError)")
            #expect(result.standardError.contains("--test-key"), "\(name): the remedy should name --test-key")
            #expect(!result.standardError.lowercased().contains(String(key.lowercased().prefix(16))), "\(name): key bytes printed")
            #expect(folder.allFiles == ["owner.key"], "\(name): \(folder.allFiles)")

            let allowed = try pseudonymise(key: key, extra: ["--force", "--test-key"], in: folder, world: world)
            #expect(allowed.status == 0, "\(name) with --test-key: \(allowed.standardError)")
        }
        // Sixteen distinct values with period 16: not a pattern the rules refuse.
        let folder = TestFolder()
        #expect(try pseudonymise(key: Self.periodSixteen, in: folder, world: world).status == 0)
    }

    @Test("run refuses a weak key file unless the pipeline says test-key: true or --test-key is given")
    func runWeakKey() throws {
        let folder = TestFolder()
        chmod(folder.write("owner.key", String(repeating: "5a", count: 32) + "\n"), 0o600)
        folder.write("pipeline.yaml", World.pipelineText(synth: (30, 2), key: "{file: owner.key}",
                                                         reportSpec: SafeFilesTests.smallReport(in: folder)))
        let refused = try pathlink(["run", "pipeline.yaml", "--output", "out"], in: folder.path)
        #expect(refused.status == ExitStatus.key.rawValue && refused.standardError.contains("owner.key") && refused.standardError.contains("repeat"),
                "\(refused.standardError)")
        #expect(!FilePath.exists(folder.file("out")) && partialLeftovers(in: folder).isEmpty)
        let allowed = try pathlink(["run", "pipeline.yaml", "--output", "out", "--test-key"], in: folder.path)
        #expect(allowed.status == 0, "\(allowed.standardError)")
    }

    @Test("A weak linker secret, and a linker secret that is the owner key, are refused by link")
    func linkerSecret() throws {
        let world = try SmallWorld.shared.ready()
        let folder = TestFolder()
        let inputs = LeakTests.datasets.flatMap { ["--input", "\($0.0)=\(world.output)/tokens/\($0.0).csv"] }
        chmod(folder.write("weak.secret", String(repeating: "c3", count: 32) + "\n"), 0o600)
        let weak = try pathlink(["link", "--plan", world.plan, "--secret", "weak.secret", "--output", "linked"] + inputs, in: folder.path)
        #expect(weak.status == ExitStatus.key.rawValue && weak.standardError.contains("weak.secret"), "\(weak.standardError)")
        #expect(!FilePath.exists(folder.file("linked")))

        try copyFile(world.key, folder.file("owner-copy.key"))
        chmod(folder.file("owner-copy.key"), 0o600)
        let ownerKey = try pathlink(["link", "--plan", world.plan, "--secret", "owner-copy.key", "--output", "linked"] + inputs, in: folder.path)
        #expect(ownerKey.status == ExitStatus.key.rawValue, "\(ownerKey.standardError)")
        #expect(ownerKey.standardError.contains("linker secret is the owners' key"), "\(ownerKey.standardError)")
        let keyText = try FilePath.readText(world.key).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!ownerKey.standardError.contains(String(keyText.prefix(16))))
        #expect(!FilePath.exists(folder.file("linked")) && partialLeftovers(in: folder).isEmpty)
    }

    @Test("link refuses inputs pseudonymised under different keys or plans, naming datasets and fingerprints")
    func mixedInputs() throws {
        let world = try SmallWorld.shared.ready()
        let folder = TestFolder()
        let keygen = try pathlink(["keygen", "--output", "other.key"], in: folder.path)
        try #require(keygen.status == 0)
        let cps = repositoryRoot + "/schemas/cps/cases.yaml"
        let other = try pathlink(["pseudonymise", "--manifest", cps, "--plan", world.plan, "--key", "other.key",
                                  "--input", world.output + "/extracts/cps.cases.csv", "--output", "cps-other.csv"], in: folder.path)
        try #require(other.status == 0, "\(other.standardError)")
        func link(cps: String) throws -> Invocation {
            try pathlink(["link", "--plan", world.plan, "--output", "linked",
                          "--input", "police.crimes=\(world.output)/tokens/police.crimes.csv", "--input", "cps.cases=\(cps)",
                          "--input", "support-service.cases=\(world.output)/tokens/support-service.cases.csv"], in: folder.path)
        }
        let ownerFingerprint = try #require(try receiptJSON(world.policeTokens)["key_fingerprint"] as? String)
        let otherFingerprint = try #require(try receiptJSON("cps-other.csv", in: folder)["key_fingerprint"] as? String)
        let mixed = try link(cps: "cps-other.csv")
        #expect(mixed.status != 0)
        for word in ["cps.cases", "police.crimes", ownerFingerprint, otherFingerprint, "different keys"] {
            #expect(mixed.standardError.contains(word), "should mention \(word): \(mixed.standardError)")
        }
        #expect(!FilePath.exists(folder.file("linked")) && partialLeftovers(in: folder).isEmpty)

        // Same key, another plan (a copy with a changed match key): refused too.
        let plan = try FilePath.readText(world.plan)
        let edited = folder.write("plan.yaml", plan.replacingOccurrences(of: "linkage: 1", with: "linkage: 1\n# edited"))
        try copyFile(world.key, folder.file("owner.key"))
        chmod(folder.file("owner.key"), 0o600)
        let replanned = try pathlink(["pseudonymise", "--manifest", cps, "--plan", edited, "--key", "owner.key",
                                      "--input", world.output + "/extracts/cps.cases.csv", "--output", "cps-replanned.csv"], in: folder.path)
        try #require(replanned.status == 0, "\(replanned.standardError)")
        let otherPlan = try link(cps: "cps-replanned.csv")
        #expect(otherPlan.status != 0 && otherPlan.standardError.contains("plan"), "\(otherPlan.standardError)")
        #expect(otherPlan.standardError.contains("cps.cases"))
        #expect(!FilePath.exists(folder.file("linked")))
    }

    @Test("Every stage runs with core dumps off")
    func noCoreDumps() throws {
        let folder = TestFolder()
        mkfifo(folder.file("export.csv"), 0o600)
        // extract blocks opening the FIFO: long enough to read its limits from /proc.
        let running = try startPathlink(["extract", "--manifest", SafeFilesTests.policeManifest, "--input", "export.csv", "--output", "out.csv"],
                                        in: folder.path)
        let limitsPath = "/proc/\(running.process.processIdentifier)/limits"
        var coreLine = ""
        for _ in 0..<250 {
            let limits = (try? String(contentsOfFile: limitsPath, encoding: .utf8)) ?? ""
            coreLine = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }.map(String.init) ?? ""
            if coreLine.split(separator: " ").suffix(3).prefix(2) == ["0", "0"] { break }
            usleep(20_000)
        }
        // Unblock it with an empty export (refused: no header).
        let writer = open(folder.file("export.csv"), O_WRONLY)
        if writer >= 0 { close(writer) }
        _ = finish(running)
        #expect(coreLine.split(separator: " ").suffix(3).prefix(2) == ["0", "0"], "\(coreLine)")
    }

    @Test("Every 64-digit key written in the token vectors and the pseudonymisation tests is refused as published")
    func publishedKeysAreListed() throws {
        var files = [repositoryRoot + "/governance/token-vectors.json"]
        let tests = repositoryRoot + "/Tests/PseudonymisationTests"
        for name in FileManager.default.enumerator(atPath: tests)?.allObjects as? [String] ?? []
        where name.hasSuffix(".swift") || name.hasSuffix(".json") || name.hasSuffix(".py") {
            files.append(tests + "/" + name)
        }
        var found = 0
        for file in files {
            // Every maximal run of exactly 64 hexadecimal digits.
            let text = try FilePath.readAll(file)
            var start = 0
            while start < text.count {
                var end = start
                while end < text.count, Hex.decode(Array(repeating: text[end], count: 2)) != nil { end += 1 }
                if end - start == 64, let bytes = Hex.decode(Array(text[start..<end])) {
                    found += 1
                    #expect(KeyStrength.weakness(of: bytes) != nil, "\(file): a published 64-digit value is not refused as a key")
                }
                start = end + 1
            }
        }
        #expect(found >= 17)
    }
}

/// A receipt's JSON as a dictionary.
private func receiptJSON(_ output: String, in folder: TestFolder? = nil) throws -> [String: Any] {
    let path = (folder.map { $0.file(output) } ?? output) + ".receipt.json"
    return try JSONSerialization.jsonObject(with: Data(try FilePath.readAll(path))) as? [String: Any] ?? [:]
}
