import Foundation
import Testing

/// CI runs this suite twice: against the debug build, then with `PATHLINK_BINARY` set to
/// the release build (`scripts/test`). These checks make sure the second run really
/// launches the binary it names, not a debug build found beside the tests.
@Suite("The binary under test")
struct BinaryUnderTestTests {
    @Test("is the one PATHLINK_BINARY names, when it is set, and it runs")
    func chosenBinaryRuns() throws {
        if let chosen = ProcessInfo.processInfo.environment["PATHLINK_BINARY"], !chosen.isEmpty {
            #expect(URL(fileURLWithPath: pathlinkBinary).standardizedFileURL.path
                    == URL(fileURLWithPath: chosen).standardizedFileURL.path)
        }
        #expect(FileManager.default.isExecutableFile(atPath: pathlinkBinary),
                "\(pathlinkBinary) is not an executable file: build it (swift build) or fix PATHLINK_BINARY")
        let folder = TestFolder()
        let result = try pathlink(["--version"], in: folder.path)
        #expect(result.status == 0, "\(pathlinkBinary) --version failed: \(result.standardError)")
        #expect(!result.standardOutput.isEmpty)
    }
}
