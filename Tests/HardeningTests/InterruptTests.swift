import Foundation
import Testing
import PathlinkCore

/// Killing a stage (SIGINT, SIGTERM, SIGKILL) at several points leaves the previous output
/// or none — never a partial one — and a rerun succeeds and clears any hidden temporary.
@Suite("Interrupts and atomicity", .serialized)
struct InterruptTests {
    /// A stage to interrupt: its command line writing to `output`, run in the fixture folder.
    struct Stage {
        var name: String
        var arguments: (_ output: String, _ small: Bool) -> [String]
    }

    /// Inputs large enough (a few seconds per stage in a debug build) to be interrupted.
    final class Fixture {
        let folder = TestFolder()
        let root = repositoryRoot

        init() throws {
            let synth = try pathlink(["synth", "--persons", "3000", "--seed", "3", "--output", "raw"], in: folder.path)
            try #require(synth.status == 0, "\(synth.standardError)")
            // A larger police export (the raw rows four times over) and a small one.
            let police = try FilePath.readText(folder.file("raw/police-crimes.csv"))
            let lines = police.split(separator: "\n", omittingEmptySubsequences: true)
            let body = lines.dropFirst().joined(separator: "\n") + "\n"
            folder.write("police-large.csv", String(lines[0]) + "\n" + String(repeating: body, count: 4))
            folder.write("police-small.csv", lines.prefix(50).joined(separator: "\n") + "\n")
            for (name, byte) in [("owner.key", "5a"), ("linker.secret", "c3")] {
                chmod(folder.write(name, String(repeating: byte, count: 32) + "\n"), 0o600)
            }
            for source in ["police-large", "police-small"] {
                let extract = try pathlink(["extract", "--manifest", root + "/schemas/police/crimes.yaml", "--input", source + ".csv",
                                            "--output", source + ".extract.csv"], in: folder.path)
                try #require(extract.status == 0, "\(extract.standardError)")
            }
            for (dataset, manifest, raw) in LeakTests.datasets {
                for (input, suffix) in [("raw/" + raw, ""), (raw == "police-crimes.csv" ? "police-small.csv" : "raw/" + raw, ".small")] {
                    let extract = try pathlink(["extract", "--manifest", root + "/schemas/" + manifest, "--input", input,
                                                "--output", "\(dataset)\(suffix).extract.csv"], in: folder.path)
                    try #require(extract.status == 0, "\(extract.standardError)")
                    let tokens = try pathlink(["pseudonymise", "--manifest", root + "/schemas/" + manifest, "--plan",
                                               root + "/governance/linkage.yaml", "--key", "owner.key", "--test-key", "--input",
                                               "\(dataset)\(suffix).extract.csv", "--output", "\(dataset)\(suffix).tokens.csv"], in: folder.path)
                    try #require(tokens.status == 0, "\(tokens.standardError)")
                }
            }
            // A one-table report keeps each run short in a debug build: what is tested here is
            // the interrupt, not the disclosure engine (the example report is run elsewhere).
            folder.write("small-report.yaml", """
            report: 1
            id: small
            title: Referral source
            source: journeys
            count: persons
            variables:
              referral_source: {from: referral_source, label: Referral source}
            tables:
              - {id: referral, title: Referral source, rows: [referral_source]}
            """)
            for (name, persons) in [("pipeline", 3000), ("pipeline-small", 100)] {
                folder.write(name + ".yaml", World.pipelineText(synth: (persons, 9), key: "{file: owner.key}",
                                                                secret: "{file: linker.secret}", reportSpec: "small-report.yaml", testKey: true))
            }
        }

        var stages: [Stage] {
            let root = self.root
            return [
                Stage(name: "extract") { output, small in
                    ["extract", "--manifest", root + "/schemas/police/crimes.yaml", "--input", small ? "police-small.csv" : "police-large.csv",
                     "--output", output, "--force"]
                },
                Stage(name: "pseudonymise") { output, small in
                    ["pseudonymise", "--manifest", root + "/schemas/police/crimes.yaml", "--plan", root + "/governance/linkage.yaml",
                     "--key", "owner.key", "--test-key", "--input", small ? "police-small.extract.csv" : "police-large.extract.csv", "--output", output, "--force"]
                },
                Stage(name: "link") { output, small in
                    ["link", "--plan", root + "/governance/linkage.yaml", "--secret", "linker.secret", "--test-key", "--output", output, "--force"]
                        + LeakTests.datasets.flatMap { ["--input", "\($0.0)=\($0.0)\(small ? ".small" : "").tokens.csv"] }
                },
                Stage(name: "run") { output, small in
                    ["run", small ? "pipeline-small.yaml" : "pipeline.yaml", "--output", output, "--force"]
                },
            ]
        }

        /// The output's files and bytes (a file, or every file under a folder), receipts aside
        /// (they hold timestamps); nil when there is nothing at `path`.
        func snapshot(_ name: String) throws -> [String: [UInt8]]? {
            let path = folder.file(name)
            guard FilePath.exists(path) else { return nil }
            guard FilePath.isDirectory(path) else { return ["": try FilePath.readAll(path, limit: 1 << 30)] }
            var files: [String: [UInt8]] = [:]
            for file in FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [] {
                let full = FilePath.join(path, file)
                guard !FilePath.isDirectory(full), !file.hasSuffix(".receipt.json") else { continue }
                files[file] = try FilePath.readAll(full, limit: 1 << 30)
            }
            return files
        }
    }

    @Test("SIGINT, SIGTERM and SIGKILL at several points of extract, pseudonymise, link and run never leave a partial output")
    func interrupts() throws {
        let fixture = try Fixture()
        var cases = 0
        var interrupted = 0
        var durations: [String: Double] = [:]
        var finishedFirst: [String] = []
        for stage in fixture.stages {
            // The complete outputs an interrupted run may leave: the previous (small) one or the new one.
            let complete = "\(stage.name)-complete"
            let previousRun = try pathlink(stage.arguments(complete, true), in: fixture.folder.path)
            try #require(previousRun.status == 0, "\(stage.name): \(previousRun.standardError)")
            let previous = try fixture.snapshot(complete)
            let started = Date()
            let fullRun = try pathlink(stage.arguments(complete, false), in: fixture.folder.path)
            // Signals at 10%, 40% and 80% of an uninterrupted run: early, middle, late.
            let duration = Date().timeIntervalSince(started)
            durations[stage.name] = (duration * 10).rounded() / 10
            try #require(fullRun.status == 0, "\(stage.name): \(fullRun.standardError)")
            let full = try fixture.snapshot(complete)
            #expect(previous != full)
            for signal in [SIGINT, SIGTERM, SIGKILL] {
                for (fraction, hasPrevious) in [(0.1, false), (0.4, true), (0.8, false)] {
                    let delay = (fraction * duration * 100).rounded() / 100
                    do {
                        cases += 1
                        let output = "\(stage.name)-\(signal)-\(fraction)-\(hasPrevious)"
                        if hasPrevious { _ = try pathlink(stage.arguments(output, true), in: fixture.folder.path) }
                        let running = try startPathlink(stage.arguments(output, false), in: fixture.folder.path)
                        usleep(useconds_t(delay * 1_000_000))
                        kill(running.process.processIdentifier, signal)
                        let result = finish(running)
                        let label = "\(stage.name), signal \(signal) after \(delay) s, previous output: \(hasPrevious)"
                        if result.status != 0 { interrupted += 1 } else { finishedFirst.append("\(stage.name)/\(signal)/\(fraction)") }
                        if signal != SIGKILL && result.status != 0 {
                            #expect(result.status == 128 + signal || result.signalled, "\(label): \(result.status) \(result.standardError)")
                        }
                        let after = try fixture.snapshot(output)
                        if result.status == 0 {
                            #expect(after == full, "\(label): finished, so the output must be whole")
                        } else if hasPrevious {
                            #expect(after == previous || after == full, "\(label): neither the previous output nor a whole new one")
                        } else {
                            #expect(after == nil || after == full, "\(label): a partial output was left")
                        }
                        if signal != SIGKILL {
                            let leftovers = partialLeftovers(in: fixture.folder)
                            #expect(leftovers.isEmpty, "\(label): \(leftovers)")
                        }
                        // A rerun succeeds, gives the whole output and removes any hidden temporary.
                        let rerun = try pathlink(stage.arguments(output, false), in: fixture.folder.path)
                        #expect(rerun.status == 0, "\(label): rerun: \(rerun.standardError)")
                        #expect(try fixture.snapshot(output) == full, "\(label): rerun")
                        #expect(partialLeftovers(in: fixture.folder).isEmpty, "\(label): temporaries after the rerun: \(partialLeftovers(in: fixture.folder))")
                        let verify = try pathlink(["verify", output], in: fixture.folder.path)
                        #expect(verify.status == 0, "\(label): \(verify.standardOutput) \(verify.standardError)")
                    }
                }
            }
        }
        print("hardening: \(cases) interrupt cases, \(interrupted) of them interrupted before the stage finished; stage times \(durations); finished before the signal: \(finishedFirst)")
        #expect(cases == 36)
        #expect(interrupted >= cases / 2, "the inputs are too small to interrupt the stages")
    }

    @Test("An unwritable output folder and a full disk give a clear error and nothing partial")
    func unwritableAndFull() throws {
        let fixture = try World.shared.ready()
        let folder = TestFolder()
        let extract = ["extract", "--manifest", fixture.policeManifest, "--input", fixture.output + "/raw/police-crimes.csv"]
        // Read-only: a read-only tmpfs (root ignores permission bits), else a missing folder.
        let readOnly = folder.file("read-only")
        mkdir(readOnly, 0o755)
        let mountedReadOnly = mountTmpfs(at: readOnly, options: "ro,size=1m")
        defer { if mountedReadOnly { unmount(readOnly) } }
        let target = mountedReadOnly ? readOnly + "/out.csv" : folder.file("missing/out.csv")
        let refused = try pathlink(extract + ["--output", target], in: folder.path)
        #expect(refused.status == 1, "\(refused.standardError)")
        #expect(refused.standardError.contains(mountedReadOnly ? "not writable" : "does not exist") || refused.standardError.contains("could not"),
                "\(refused.standardError)")
        #expect(!FilePath.exists(target))
        // Disk full: a 4 KiB tmpfs (one page), and outputs larger than that.
        let full = folder.file("full")
        mkdir(full, 0o755)
        guard mountTmpfs(at: full, options: "size=4k") else {
            print("hardening: cannot mount a tmpfs here; the disk-full case is not run")
            return
        }
        defer { unmount(full) }
        let large = try pathlink(extract + ["--output", full + "/out.csv"], in: folder.path)
        #expect(large.status == 1, "\(large.standardError)")
        #expect(large.standardError.contains("out.csv") && large.standardError.lowercased().contains("space"), "\(large.standardError)")
        #expect(FilePath.contents(of: full).isEmpty, "left behind: \(FilePath.contents(of: full))")
        let run = try pathlink(["run", fixture.folder.file("pipeline.yaml"), "--output", full + "/run"], in: folder.path)
        #expect(run.status == 1, "\(run.standardError)")
        #expect(run.standardError.lowercased().contains("space"), "\(run.standardError)")
        #expect(FilePath.contents(of: full).isEmpty, "left behind: \(FilePath.contents(of: full))")
    }
}

/// Mount a tmpfs (needs root and CAP_SYS_ADMIN; false when not possible).
func mountTmpfs(at path: String, options: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/mount")
    process.arguments = ["-t", "tmpfs", "-o", options, "tmpfs", path]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

func unmount(_ path: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/umount")
    process.arguments = [path]
    try? process.run()
    process.waitUntilExit()
}
