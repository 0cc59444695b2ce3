import Foundation
import Testing
import Cryptography
import PathlinkCore
import Provenance
@testable import Pseudonymisation

/// A failed OpenSSL call during pseudonymise is an error, and no token reaches a file
/// (issue 13): the context copy is made to fail through ``FailurePoint``.
@Suite("pseudonymise when OpenSSL fails")
struct FailedOpenSSLCallTests {
    @Test("a context copy that fails mid-file: a clear error naming the extract, no output, no receipt, no partial file")
    func failedContextCopy() throws {
        let extract = try SyntheticExtract(rows: 20)
        let output = extract.folder.path("out.csv")
        var pseudonymiser = try extract.pseudonymiser()
        // Each domain key fails after five tokens (two context copies each): records 1–5
        // have been tokenised and handed to the writer when record 6 fails.
        pseudonymiser.failurePoint = .contextCopy(after: 10)
        let error = #expect(throws: PathlinkError.self) {
            try pseudonymiser.run(input: extract.extractPath, output: output)
        }
        #expect(error?.code == .internal)
        #expect(error?.file == extract.extractPath)
        #expect(error?.problem.contains("OpenSSL failed to copy the primed HMAC-SHA256") == true)
        #expect(error?.remedy?.contains("OpenSSL") == true)
        let text = error?.description ?? ""
        for value in extract.protectedValues where value.count >= 3 {
            #expect(!text.contains(value), "the error shows a protected value")
        }
        #expect(!text.contains(extract.keyHex))
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(!FileManager.default.fileExists(atPath: Receipt.path(for: output)))
        let written = try FileManager.default.contentsOfDirectory(atPath: extract.folder.root)
            .filter { $0.hasPrefix("out") || $0.contains("partial") }
        #expect(written.isEmpty, "left behind: \(written)")

        // The same extract without a failure point pseudonymises (the failure was the only cause).
        pseudonymiser.failurePoint = nil
        let summary = try pseudonymiser.run(input: extract.extractPath, output: output)
        #expect(summary.records == 20)
    }
}
