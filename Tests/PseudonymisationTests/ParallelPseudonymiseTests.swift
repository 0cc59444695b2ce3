import Foundation
import Testing
import Cryptography
import PathlinkCore
import Provenance
@testable import Pseudonymisation

/// Pseudonymise on every core (issue 19 item 2): records are tokenised in blocks by
/// several threads, each with its own copies of the primed HMAC contexts, and written in
/// order — the file and the receipt's counts do not depend on the thread count or the
/// block size.
@Suite("pseudonymise on several threads")
struct ParallelPseudonymiseTests {
    @Test("1 to 4 threads, blocks of one record to whole-file blocks: the same bytes and the same receipt columns and counts")
    func sameOutputForAnyThreadCount() throws {
        let extract = try SyntheticExtract(rows: 240)
        var files: [String: Data] = [:]
        var columns: [String: [Receipt.Column]] = [:]
        for (threads, perThread) in [(1, 8192), (2, 7), (3, 5), (4, 1), (4, 8192), (2, 120)] {
            var pseudonymiser = try extract.pseudonymiser()
            pseudonymiser.threads = threads
            pseudonymiser.recordsPerThread = perThread
            let output = extract.folder.path("out-\(threads)-\(perThread).csv")
            let summary = try pseudonymiser.run(input: extract.extractPath, output: output)
            #expect(summary.records == 240)
            files["\(threads)/\(perThread)"] = try Data(contentsOf: URL(fileURLWithPath: output))
            columns["\(threads)/\(perThread)"] = try Receipt.read(for: output).columns
        }
        let single = try #require(files["1/8192"])
        let singleColumns = try #require(columns["1/8192"])
        // The counts are real: the synthetic extract has missing and invalid values.
        #expect(singleColumns.contains { ($0.missing ?? 0) > 0 })
        #expect(singleColumns.contains { ($0.invalid ?? 0) > 0 })
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            #expect(bytes == single, "threads/records per thread \(name): the file differs from one thread's")
            #expect(columns[name] == singleColumns, "threads/records per thread \(name): the receipt's columns differ")
        }
    }

    @Test("a context copy that fails on a worker thread: an error naming the extract, no output, no receipt", arguments: [2, 4])
    func failureOnAWorker(threads: Int) throws {
        let extract = try SyntheticExtract(rows: 40)
        let output = extract.folder.path("out.csv")
        var pseudonymiser = try extract.pseudonymiser()
        pseudonymiser.threads = threads
        pseudonymiser.recordsPerThread = 3
        // Every worker's copy of a domain key fails after five tokens: each fails in its share of the second block.
        pseudonymiser.failurePoint = .contextCopy(after: 10)
        let error = #expect(throws: PathlinkError.self) {
            try pseudonymiser.run(input: extract.extractPath, output: output)
        }
        #expect(error?.code == .internal)
        #expect(error?.file == extract.extractPath)
        #expect(error?.problem.contains("OpenSSL failed to copy the primed HMAC-SHA256") == true)
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(!FileManager.default.fileExists(atPath: Receipt.path(for: output)))
    }
}
