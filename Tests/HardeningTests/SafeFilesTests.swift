import Foundation
import Testing
import PathlinkCore

/// Issue 14, "files are destroyed": every case runs the real binary against a planted
/// link, an input named as output, a FIFO or device, a umask, or a killed run; nothing an
/// input or a bystander holds may be replaced or deleted.
@Suite("Outputs never destroy inputs or follow links", .serialized)
struct SafeFilesTests {
    static let policeManifest = repositoryRoot + "/schemas/police/crimes.yaml"

    /// A police export of a few valid rows, in `folder` as `name`.
    @discardableResult
    static func police(in folder: TestFolder, _ name: String = "police.csv") -> String {
        folder.write(name, World.policeHeader + "\n" + (0..<3).map { World.policeRow($0) + "\n" }.joined())
    }

    /// Every file under `path` with its bytes (hidden ones included).
    static func contents(_ path: String) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for name in (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []) {
            let full = path + "/" + name
            if FilePath.isRegularFile(full) { result[name] = (try? FilePath.readAll(full)) ?? [] }
        }
        return result
    }

    static func expectRefused(_ result: Invocation, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0 && !result.signalled, "exit \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains("pathlink: error: "), "\(result.standardError)", sourceLocation: sourceLocation)
        for word in words {
            #expect(result.standardError.contains(word), "the error should mention \(word): \(result.standardError)", sourceLocation: sourceLocation)
        }
    }

    @Test("A planted link named like a stale temporary is left alone, and so is what it points to")
    func plantedStaleTemporary() throws {
        let folder = TestFolder()
        Self.police(in: folder)
        mkdir(folder.file("victim"), 0o755)
        mkdir(folder.file("victim2"), 0o755)
        folder.write("victim/precious.txt", "keep me")
        folder.write("victim2/precious.txt", "keep me too")
        // Dead process ids: the cleanup believes these are leftovers of a killed run.
        symlink("victim", folder.file(".out.csv.partial-999999-1"))
        symlink("victim2", folder.file(".out.csv.receipt.json.partial-999998-1"))
        let result = try pathlink(["extract", "--manifest", Self.policeManifest, "--input", "police.csv", "--output", "out.csv"], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.contents(folder.file("victim")) == ["precious.txt": Array("keep me".utf8)])
        #expect(Self.contents(folder.file("victim2")) == ["precious.txt": Array("keep me too".utf8)])
        #expect(FilePath.kind(folder.file(".out.csv.partial-999999-1")) == S_IFLNK)

        // The same through `run` (a folder output), without --force.
        symlink("victim", folder.file(".run-out.partial-999997-1"))
        folder.write("pipeline.yaml", World.pipelineText(synth: (40, 2), reportSpec: SafeFilesTests.smallReport(in: folder)))
        let run = try pathlink(["run", "pipeline.yaml", "--output", "run-out"], in: folder.path)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(Self.contents(folder.file("victim")) == ["precious.txt": Array("keep me".utf8)])
    }

    /// A one-table report spec (short runs in a debug build).
    static func smallReport(in folder: TestFolder) -> String {
        folder.write("small-report.yaml", smallReportText)
    }

    static let smallReportText = """
        report: 1
        id: small
        title: Referral source
        source: journeys
        count: persons
        variables:
          referral_source: {from: referral_source, label: Referral source}
        tables:
          - {id: referral, title: Referral source, rows: [referral_source]}
        """

    @Test("extract --input X --output X --force is refused and X is untouched")
    func extractOverItsInput() throws {
        let folder = TestFolder()
        let input = Self.police(in: folder)
        let before = try FilePath.readAll(input)
        let result = try pathlink(["extract", "--manifest", Self.policeManifest, "--input", "police.csv", "--output", "police.csv", "--force"],
                                  in: folder.path)
        Self.expectRefused(result, mentioning: ["police.csv", "input"])
        #expect(try FilePath.readAll(input) == before)
        #expect(folder.allFiles == ["police.csv"])
        // Through a link to the input's folder, and over the manifest.
        symlink(".", folder.file("same"))
        let viaLink = try pathlink(["extract", "--manifest", Self.policeManifest, "--input", "police.csv", "--output", "same/police.csv", "--force"],
                                   in: folder.path)
        Self.expectRefused(viaLink, mentioning: ["police.csv", "input"])
        #expect(try FilePath.readAll(input) == before)
        let manifest = folder.write("crimes.yaml", try FilePath.readAll(Self.policeManifest))
        let overManifest = try pathlink(["extract", "--manifest", "crimes.yaml", "--input", "police.csv", "--output", "crimes.yaml", "--force"],
                                        in: folder.path)
        Self.expectRefused(overManifest, mentioning: ["crimes.yaml"])
        #expect(try FilePath.readAll(manifest) == (try FilePath.readAll(Self.policeManifest)))
    }

    @Test("run proj/pipeline.yaml --output proj --force is refused; nothing in proj is deleted")
    func runOverItsProjectFolder() throws {
        let folder = TestFolder()
        let synth = try pathlink(["synth", "--persons", "30", "--seed", "4", "--output", "proj"], in: folder.path)
        try #require(synth.status == 0, "\(synth.standardError)")
        folder.write("proj/unrelated.txt", "not Pathlink's")
        folder.write("proj/pipeline.yaml", World.pipelineText(reportSpec: Self.smallReport(in: folder)))
        let before = Self.contents(folder.file("proj"))
        let result = try pathlink(["run", "proj/pipeline.yaml", "--output", "proj", "--force"], in: folder.path)
        Self.expectRefused(result, mentioning: ["proj", "input"])
        #expect(Self.contents(folder.file("proj")) == before)
        // An output inside an input folder is refused too (the raw exports' folder).
        let inside = try pathlink(["run", "proj/pipeline.yaml", "--output", "proj/police-crimes.csv", "--force"], in: folder.path)
        Self.expectRefused(inside, mentioning: ["police-crimes.csv"])
        #expect(Self.contents(folder.file("proj")) == before)
    }

    @Test("report --input linked --output linked --force is refused; the linked folder is untouched")
    func reportOverItsInput() throws {
        let world = try SmallWorld.shared.ready()
        let folder = TestFolder()
        try FileManager.default.copyItem(atPath: world.linked, toPath: folder.file("linked"))
        try FileManager.default.copyItem(atPath: world.linked + ".receipt.json", toPath: folder.file("linked.receipt.json"))
        let before = Self.contents(folder.path)
        for output in ["linked", "linked/release", "."] {
            let result = try pathlink(["report", "--spec", world.spec, "--policy", world.policy, "--input", "linked", "--output", output, "--force"],
                                      in: folder.path)
            Self.expectRefused(result, mentioning: ["input"])
            #expect(Self.contents(folder.path) == before, "output \(output)")
        }
    }

    @Test("An output that is a link, a FIFO or a device is refused even with --force")
    func specialOutputs() throws {
        let folder = TestFolder()
        Self.police(in: folder)
        mkdir(folder.file("victim"), 0o755)
        folder.write("victim/precious.txt", "keep me")
        symlink("victim", folder.file("out-link"))
        symlink("victim/precious.txt", folder.file("file-link"))
        mkfifo(folder.file("fifo"), 0o600)
        for output in ["out-link", "file-link", "fifo"] {
            let result = try pathlink(["extract", "--manifest", Self.policeManifest, "--input", "police.csv", "--output", output, "--force"],
                                      in: folder.path)
            Self.expectRefused(result, mentioning: [output])
        }
        #expect(FilePath.kind(folder.file("out-link")) == S_IFLNK && FilePath.kind(folder.file("fifo")) == S_IFIFO)
        #expect(Self.contents(folder.file("victim")) == ["precious.txt": Array("keep me".utf8)])

        // `run --output LINK --force` emptied the linked folder.
        folder.write("pipeline.yaml", World.pipelineText(synth: (30, 2), reportSpec: Self.smallReport(in: folder)))
        let run = try pathlink(["run", "pipeline.yaml", "--output", "out-link", "--force"], in: folder.path)
        Self.expectRefused(run, mentioning: ["out-link", "symbolic link"])
        #expect(Self.contents(folder.file("victim")) == ["precious.txt": Array("keep me".utf8)])

        // A character device (1,3: a null device; only root can make one): never replaced by a regular file.
        if mknod(folder.file("device"), S_IFCHR | 0o600, dev_t((1 << 8) | 3)) == 0 {
            let result = try pathlink(["extract", "--manifest", Self.policeManifest, "--input", "police.csv", "--output", "device", "--force"],
                                      in: folder.path)
            Self.expectRefused(result, mentioning: ["device"])
            #expect(FilePath.kind(folder.file("device")) == S_IFCHR)
        }
        #expect(partialLeftovers(in: folder).isEmpty)
    }

    @Test("Files are created 0600 and folders 0700 under umask 022")
    func ownerOnlyModes() throws {
        let folder = TestFolder()
        Self.police(in: folder)
        folder.write("pipeline.yaml", World.pipelineText(synth: (30, 2), reportSpec: Self.smallReport(in: folder)))
        for command in [
            "extract --manifest \(Self.policeManifest) --input police.csv --output out.csv",
            "run pipeline.yaml --output run-out",
        ] {
            let shell = try pathlinkInShell("umask 022; exec \"$PATHLINK\" \(command)", in: folder.path)
            #expect(shell.status == 0, "\(command): \(shell.standardError)")
        }
        var checked = 0
        for name in folder.allFiles where name.hasPrefix("out.csv") || name.hasPrefix("run-out") {
            var info = stat()
            lstat(folder.file(name), &info)
            let mode = info.st_mode & 0o777
            let expected: mode_t = (info.st_mode & S_IFMT) == S_IFDIR ? 0o700 : 0o600
            #expect(mode == expected, "\(name) has mode \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(checked > 20)
    }

    @Test("A run killed with SIGKILL leaves no key in its temporary folder, and the next command on that output removes it")
    func killedRunLeavesNoKey() throws {
        let folder = TestFolder()
        folder.write("pipeline.yaml", World.pipelineText(synth: (3000, 6), secret: "{generate: true}", reportSpec: Self.smallReport(in: folder)))
        let running = try startPathlink(["run", "pipeline.yaml", "--output", "out"], in: folder.path)
        // Kill once it has pseudonymised (tokens exist): the key was in use by then.
        let deadline = Date().addingTimeInterval(120)
        var sawTokens = false
        while running.process.isRunning && Date() < deadline {
            if folder.allFiles.contains(where: { $0.hasPrefix(".out.partial-") && $0.contains("/tokens/") && $0.hasSuffix(".receipt.json") }) {
                sawTokens = true
                break
            }
            usleep(20_000)
        }
        kill(running.process.processIdentifier, SIGKILL)
        _ = finish(running)
        try #require(sawTokens, "the run ended before its tokens were written; cannot test the kill")
        let leftovers = partialLeftovers(in: folder)
        #expect(!leftovers.isEmpty, "SIGKILL should leave the hidden folder (removed only by the next command)")
        let keys = folder.allFiles.filter { $0.hasSuffix(".key") || $0.hasSuffix(".secret") || $0.contains("/keys/") && !$0.hasSuffix("/keys") }
        #expect(keys.isEmpty, "a killed run left key material: \(keys)")

        // Any Pathlink command naming the output removes the leftover first.
        let verify = try pathlink(["verify", "out"], in: folder.path)
        #expect(verify.status != 0)
        #expect(partialLeftovers(in: folder).isEmpty, "\(partialLeftovers(in: folder))")
    }
}

/// A 30-person run with a one-table report (seconds in a debug build, unlike ``World``'s
/// example report): generated key and secret, extracts, tokens, a linked folder. It lives
/// for the whole test process (a static is never released), in a temporary folder.
final class SmallWorld: Sendable {
    static let shared = SmallWorld()
    let root: String
    let output: String
    let error: String?
    var key: String { output + "/keys/owner.key" }
    var linked: String { output + "/linked" }
    var plan: String { repositoryRoot + "/governance/linkage.yaml" }
    var policeManifest: String { repositoryRoot + "/schemas/police/crimes.yaml" }
    var policeExtract: String { output + "/extracts/police.crimes.csv" }
    var policeTokens: String { output + "/tokens/police.crimes.csv" }
    var spec: String { root + "/small-report.yaml" }
    var policy: String { repositoryRoot + "/governance/disclosure-policy.yaml" }

    private init() {
        var template = Array((NSTemporaryDirectory() + "pathlink-small-world-XXXXXX").utf8CString)
        root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        output = root + "/world"
        let spec = SafeFilesTests.smallReportText
        let pipeline = World.pipelineText(synth: (30, 8), reportSpec: root + "/small-report.yaml")
        do {
            try spec.write(toFile: root + "/small-report.yaml", atomically: true, encoding: .utf8)
            try pipeline.write(toFile: root + "/pipeline.yaml", atomically: true, encoding: .utf8)
            let result = try pathlink(["run", "pipeline.yaml", "--output", "world"], in: root)
            error = result.status == 0 ? nil : "pathlink run failed (\(result.status)): \(result.standardError)"
        } catch {
            self.error = "could not start \(pathlinkBinary): \(error)"
        }
    }

    func ready(sourceLocation: SourceLocation = #_sourceLocation) throws -> SmallWorld {
        if let error {
            Issue.record(Comment(rawValue: error), sourceLocation: sourceLocation)
            throw PathlinkError(.io, problem: error)
        }
        return self
    }
}

/// Run `script` with `/bin/sh -c` in `folder`, with `$PATHLINK` set to the built binary.
func pathlinkInShell(_ script: String, in folder: String) throws -> Invocation {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    var variables = ProcessInfo.processInfo.environment
    variables["PATHLINK"] = pathlinkBinary
    variables["PATHLINK_PROGRESS"] = "0"
    process.environment = variables
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let data = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Invocation(status: process.terminationStatus, standardOutput: "", standardError: String(decoding: data, as: UTF8.self))
}
