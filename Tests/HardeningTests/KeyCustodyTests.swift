import Foundation
import Testing
import Cryptography
import Governance
import PathlinkCore
import Pseudonymisation

/// Issue 14, "keys": "the raw key is still in process memory seconds into `pseudonymise`"
/// and "`PR_SET_DUMPABLE` is set but untested". governance/key-custody.md, "In memory",
/// describes the design these tests check.
///
/// The memory test reads a running `pseudonymise` from outside, as an attacker with the
/// process's memory would: the stage stops itself mid-file through the test hook
/// `PATHLINK_TEST_PAUSE_AFTER_PRIMING=1` (SIGSTOP after its first record, made readable by
/// its own user while stopped), and the test reads every readable mapping through
/// `/proc/PID/maps` and `/proc/PID/mem`, looking for the key in every form the stage ever
/// held it in. Two positive controls prove the reader sees the process's stack and heap.
@Suite("The raw key is wiped after priming; key-holding stages cannot be read by others", .serialized)
struct KeyCustodyTests {
    @Test("A pseudonymise stopped mid-file holds no copy of the raw key, its hex text, its padded blocks or a raw domain key")
    func rawKeyWipedAfterPriming() throws {
        let world = try SmallWorld.shared.ready()
        let folder = TestFolder()
        try copyFile(world.key, folder.file("owner.key"))
        chmod(folder.file("owner.key"), 0o600)
        let keyText = try FilePath.readText(world.key).trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try #require(Hex.decode(Array(keyText.utf8)))
        let plan = try LinkagePlan.load(path: world.plan)
        let manifest = try Manifest.load(path: world.policeManifest)

        var needles: [(String, [UInt8])] = [
            ("the raw key", key), ("the raw key's first half", Array(key[0..<16])), ("the raw key's second half", Array(key[16...])),
            ("the key's hex text", Array(keyText.lowercased().utf8)), ("the key's hex text, upper case", Array(keyText.uppercased().utf8)),
            ("the first half of the key's hex text", Array(keyText.lowercased().utf8.prefix(32))),
            ("the key XOR ipad (HMAC's inner block)", key.map { $0 ^ 0x36 }), ("the key XOR opad (HMAC's outer block)", key.map { $0 ^ 0x5C }),
        ]
        for domain in Pseudonymiser.domains(manifest: manifest, plan: plan) {
            let domainKey = try HMACKey(key: key).authenticate("pathlink/1/\(plan.project)/\(domain)")
            needles.append(("the raw domain key of \(domain)", domainKey))
        }
        // Positive controls: a value only in the environment (the stack), and a line of the
        // extract (the CSV reader's buffer, on the heap).
        let canary = "PATHLINK-KEY-CUSTODY-CANARY-" + UUID().uuidString
        let extractLine = try FilePath.readText(world.policeExtract).split(whereSeparator: \.isNewline)[3]
        let controls: [(String, [UInt8])] = [("the environment canary", Array(canary.utf8)), ("a line of the extract", Array(extractLine.utf8))]

        let running = try startPathlink(["pseudonymise", "--manifest", world.policeManifest, "--plan", world.plan, "--key", "owner.key",
                                         "--input", world.policeExtract, "--output", "tokens.csv"],
                                        in: folder.path, environment: ["PATHLINK_TEST_PAUSE_AFTER_PRIMING": "1", "PATHLINK_TEST_CANARY": canary])
        let pid = running.process.processIdentifier
        defer {
            kill(pid, SIGCONT)
            if running.process.isRunning { running.process.waitUntilExit() }
        }
        let stopped = waitUntilStopped(pid)
        try #require(stopped, "pseudonymise did not stop at the test hook: \(running.process.isRunning ? "still running" : "exited")")

        let found = try scanMemory(of: pid, for: needles + controls)
        for (name, _) in controls {
            #expect(found.contains(name), "positive control: \(name) should be in the stopped process's memory (the reader is broken)")
        }
        for (name, _) in needles {
            #expect(!found.contains(name), "\(name) is still in the memory of pseudonymise after priming")
        }

        kill(pid, SIGCONT)
        let result = finish(running)
        #expect(result.status == 0, "pseudonymise should finish once continued: \(result.standardError)")
        #expect(result.standardError.contains("PATHLINK_TEST_PAUSE_AFTER_PRIMING") && !result.standardError.contains(String(keyText.prefix(16))))
        #expect(FilePath.exists(folder.file("tokens.csv")))
    }

    @Test("A link stopped after re-keying its inputs holds no copy of its raw secret, its hex text or its raw derived keys")
    func linkerSecretWipedAfterPriming() throws {
        let world = try SmallWorld.shared.ready()
        let folder = TestFolder()
        let keygen = try pathlink(["keygen", "--output", "linker.secret"], in: folder.path)
        try #require(keygen.status == 0, "\(keygen.standardError)")
        let secretText = try FilePath.readText(folder.file("linker.secret")).trimmingCharacters(in: .whitespacesAndNewlines)
        let secret = try #require(Hex.decode(Array(secretText.utf8)))
        var needles: [(String, [UInt8])] = [
            ("the raw secret", secret), ("the raw secret's first half", Array(secret[0..<16])), ("the raw secret's second half", Array(secret[16...])),
            ("the secret's hex text", Array(secretText.lowercased().utf8)), ("the secret's hex text, upper case", Array(secretText.uppercased().utf8)),
            ("the secret XOR ipad", secret.map { $0 ^ 0x36 }), ("the secret XOR opad", secret.map { $0 ^ 0x5C }),
        ]
        for purpose in ["rekey", "research-ids"] {
            needles.append(("the raw \(purpose) key", try HMACKey(key: secret).authenticate("pathlink/link/" + purpose)))
        }
        let canary = "PATHLINK-LINK-CUSTODY-CANARY-" + UUID().uuidString
        let inputs = LeakTests.datasets.flatMap { ["--input", "\($0.0)=\(world.output)/tokens/\($0.0).csv"] }
        let running = try startPathlink(["link", "--plan", world.plan, "--secret", "linker.secret", "--output", "linked"] + inputs,
                                        in: folder.path, environment: ["PATHLINK_TEST_PAUSE_AFTER_PRIMING": "1", "PATHLINK_TEST_CANARY": canary])
        let pid = running.process.processIdentifier
        defer {
            kill(pid, SIGCONT)
            if running.process.isRunning { running.process.waitUntilExit() }
        }
        try #require(waitUntilStopped(pid), "link did not stop at the test hook")
        let found = try scanMemory(of: pid, for: needles + [("the environment canary", Array(canary.utf8))])
        #expect(found.contains("the environment canary"), "positive control: the reader is broken")
        for (name, _) in needles {
            #expect(!found.contains(name), "\(name) is still in the memory of link after priming")
        }
        kill(pid, SIGCONT)
        let result = finish(running)
        #expect(result.status == 0 && FilePath.exists(folder.file("linked")), "link should finish once continued: \(result.standardError)")
    }

    @Test("A stage that holds raw data is not dumpable: an unprivileged process of the same user cannot open its /proc/PID/mem")
    func stagesAreNotDumpable() throws {
        let folder = TestFolder()
        mkfifo(folder.file("export.csv"), 0o600)
        // One shell starts both a stage (extract, blocked opening the FIFO) and an ordinary
        // process (the control), so it is their parent (Yama's ptrace scope 1 allows that),
        // then tries to open each one's memory. Run as root, the shell first loses
        // CAP_SYS_PTRACE (setpriv), which would let it read any process.
        let script = """
        "$PATHLINK" extract --manifest "$MANIFEST" --input export.csv --output out.csv 2>/dev/null &
        stage=$!
        sleep 30 &
        control=$!
        i=0
        while [ $i -lt 500 ] && ! grep -q '^Max core file size *0 *0 ' /proc/$stage/limits 2>/dev/null; do sleep 0.02; i=$((i+1)); done
        sleep 0.3
        if kill -0 $stage 2>/dev/null && [ "$(cut -d' ' -f3 /proc/$stage/stat)" != Z ]; then echo "stage: running" >&2; fi
        if (: < /proc/$stage/mem) 2>/dev/null; then echo "stage: readable" >&2; else echo "stage: refused" >&2; fi
        if (: < /proc/$control/mem) 2>/dev/null; then echo "control: readable" >&2; else echo "control: refused" >&2; fi
        kill -9 $control
        timeout 5 sh -c ': > export.csv'
        wait $stage
        """
        let shell: [String]
        if geteuid() == 0 {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "running as root, the test needs setpriv to drop CAP_SYS_PTRACE")
            shell = ["/usr/bin/setpriv", "--bounding-set", "-sys_ptrace", "--inh-caps", "-all", "/bin/sh", "-c", script]
        } else {
            shell = ["/bin/sh", "-c", script]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell[0])
        process.arguments = Array(shell.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        var variables = ProcessInfo.processInfo.environment
        variables["PATHLINK"] = pathlinkBinary
        variables["MANIFEST"] = SafeFilesTests.policeManifest
        process.environment = variables
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.contains("control: readable"), "control: this system does not let a parent read its child's memory, so the test proves nothing here: \(output)")
        #expect(output.contains("stage: running"), "the stage should be running, blocked on its FIFO: \(output)")
        #expect(output.contains("stage: refused"), "the stage's memory could be opened by another process of the same user: \(output)")
    }
}

/// Wait (up to 20 s) until process `pid` is stopped (state T in /proc/PID/stat); false
/// when it exits or never stops.
private func waitUntilStopped(_ pid: Int32) -> Bool {
    for _ in 0..<1000 {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // The state follows the command name, which is in parentheses.
        if let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
            if state == "T" || state == "t" { return true }
            if state == "Z" || state == "X" { return false }
        }
        usleep(20_000)
    }
    return false
}

/// The names of the `needles` found anywhere in the readable memory of process `pid`.
private func scanMemory(of pid: Int32, for needles: [(String, [UInt8])]) throws -> Set<String> {
    // Read to the end with read(2): Foundation's file reading stops early on /proc files.
    let maps = String(decoding: try FilePath.readAll("/proc/\(pid)/maps"), as: UTF8.self)
    let memory = open("/proc/\(pid)/mem", O_RDONLY)
    guard memory >= 0 else { throw PathlinkError(.io, problem: "cannot open /proc/\(pid)/mem: \(String(cString: strerror(errno)))") }
    defer { close(memory) }
    let overlap = (needles.map(\.1.count).max() ?? 1) - 1
    let chunkSize = 4 << 20
    var buffer = [UInt8](repeating: 0, count: chunkSize + overlap)
    var found = Set<String>()
    var regions = 0
    for line in maps.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, fields[1].hasPrefix("r") else { continue }
        if line.hasSuffix("[vvar]") || line.hasSuffix("[vsyscall]") || line.hasSuffix("[vvar_vclock]") { continue }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt64(bounds[0], radix: 16), let end = UInt64(bounds[1], radix: 16),
              start < UInt64(Int64.max) else { continue }
        regions += 1
        var offset = start
        var carried = 0   // bytes at the buffer's start kept from the previous chunk
        while offset < end {
            let want = Int(min(UInt64(chunkSize), end - offset))
            let count = buffer.withUnsafeMutableBytes { pread(memory, $0.baseAddress! + carried, want, off_t(offset)) }
            if count <= 0 { break }
            let filled = carried + count
            buffer.withUnsafeBytes { raw in
                for (name, needle) in needles where !found.contains(name) {
                    if contains(UnsafeRawBufferPointer(rebasing: raw[0..<filled]), needle) { found.insert(name) }
                }
            }
            carried = min(overlap, filled)
            buffer.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + filled - carried, carried) }
            offset += UInt64(count)
        }
    }
    #expect(regions > 3 && maps.contains("[stack]"), "read only \(regions) regions of /proc/\(pid)/maps")
    return found
}

/// Whether `needle` occurs in `haystack` (memchr for its first byte, then memcmp).
private func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
    guard let base = haystack.baseAddress, !needle.isEmpty, haystack.count >= needle.count else { return false }
    let first = Int32(needle[0])
    var position = base
    let last = base + (haystack.count - needle.count)
    return needle.withUnsafeBytes { pattern in
        while position <= last {
            guard let hit = memchr(position, first, last - position + 1) else { return false }
            if memcmp(hit, pattern.baseAddress!, needle.count) == 0 { return true }
            position = UnsafeRawPointer(hit) + 1
        }
        return false
    }
}
