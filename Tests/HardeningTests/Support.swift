import Foundation
import Testing
import PathlinkCore

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = FilePath.split(path).parent }
    return path
}()

/// The `pathlink` binary under test: `PATHLINK_BINARY` when it is set (CI sets it to the
/// release build, so the binary users run is the tested one), else the one SwiftPM built
/// beside this test bundle (`swift test` builds it).
let pathlinkBinary: String = {
    if let chosen = ProcessInfo.processInfo.environment["PATHLINK_BINARY"], !chosen.isEmpty {
        return chosen.hasPrefix("/") ? chosen : FileManager.default.currentDirectoryPath + "/" + chosen
    }
    let bundle = Bundle.main.bundlePath
    for folder in [bundle, FilePath.split(bundle).parent, repositoryRoot + "/.build/debug"] {
        let candidate = folder + "/pathlink"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return repositoryRoot + "/.build/debug/pathlink"
}()

/// A fresh temporary folder per test, removed when the test ends.
final class TestFolder {
    let path: String

    init() {
        let template = NSTemporaryDirectory() + "pathlink-hardening-XXXXXX"
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { FilePath.removeTree(path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Every path under the folder, relative to it, hidden ones included.
    var allFiles: [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
    }
}

/// The outcome of one `pathlink` invocation.
struct Invocation {
    var status: Int32
    var standardOutput: String
    var standardError: String
    var signalled: Bool = false
}

/// Run the built binary with `arguments` in `folder`; wait for it.
func pathlink(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> Invocation {
    let process = try startPathlink(arguments, in: folder, environment: environment)
    return finish(process)
}

/// A running `pathlink` process whose output goes to files (no pipe can fill and block it).
final class RunningPathlink {
    let process: Process
    let outputFile: String
    let errorFile: String
    init(process: Process, outputFile: String, errorFile: String) {
        self.process = process
        self.outputFile = outputFile
        self.errorFile = errorFile
    }
}

func startPathlink(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> RunningPathlink {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pathlinkBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    var variables = ProcessInfo.processInfo.environment
    variables["PATHLINK_PROGRESS"] = "0"
    for (name, value) in environment { variables[name] = value }
    process.environment = variables
    // Logs go outside the folder under test, so that they are not mistaken for outputs.
    let logs = NSTemporaryDirectory() + "pathlink-hardening-log-\(getpid())-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: logs + ".out", contents: nil)
    FileManager.default.createFile(atPath: logs + ".err", contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: logs + ".out")
    process.standardError = FileHandle(forWritingAtPath: logs + ".err")
    try process.run()
    return RunningPathlink(process: process, outputFile: logs + ".out", errorFile: logs + ".err")
}

func finish(_ running: RunningPathlink) -> Invocation {
    running.process.waitUntilExit()
    defer {
        unlink(running.outputFile)
        unlink(running.errorFile)
    }
    let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    return Invocation(status: running.process.terminationStatus, standardOutput: read(running.outputFile),
                      standardError: read(running.errorFile),
                      signalled: running.process.terminationReason == .uncaughtSignal)
}

/// Hidden temporaries AtomicOutput leaves only after a SIGKILL (`.NAME.partial-PID-N`).
func partialLeftovers(in folder: TestFolder) -> [String] {
    folder.allFiles.filter { FilePath.split($0).name.contains(".partial-") }
}

/// Copy a file's bytes.
func copyFile(_ from: String, _ to: String) throws {
    try FilePath.writeAtomically(try FilePath.readAll(from), to: to, force: true)
}

/// Tests/Fixtures/owner-fixture: a raw export, its manifest and plan, and the published test
/// key, with the token file and receipt the independent Python owner tool wrote from them.
let ownerFixture = repositoryRoot + "/Tests/Fixtures/owner-fixture"

/// A fresh copy of the owner fixture, with its published test key copied to an owner-only
/// file named `key`.
func ownerFixtureCopy() throws -> TestFolder {
    let folder = TestFolder()
    for name in try FileManager.default.contentsOfDirectory(atPath: ownerFixture) {
        try copyFile(ownerFixture + "/" + name, folder.file(name))
    }
    try copyFile(folder.file("test-key.hex"), folder.file("key"))
    chmod(folder.file("key"), 0o600)
    return folder
}

/// `--test-key` when the binary under test has it (a published key is refused without it;
/// an older binary named by `PATHLINK_BINARY` may predate the flag).
func testKeyFlag(_ command: String, in folder: TestFolder) throws -> [String] {
    try pathlink([command, "--help"], in: folder.path).standardOutput.contains("--test-key") ? ["--test-key"] : []
}
