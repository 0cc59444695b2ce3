import Foundation
import Testing
import PathlinkCore

/// One small pipeline run (synthetic exports, every stage) shared by the tests that need
/// good inputs for a later stage: an extract, tokens, a linked folder, a key file.
final class World: @unchecked Sendable {
    static let shared = World()

    let folder = TestFolder()
    let output: String
    let error: String?

    /// The header and one valid row of the police export (schemas/police/crimes.yaml).
    static let policeHeader = "crime_reference,victim_nominal_id,victim_name,victim_dob,victim_sex,victim_postcode,victim_address,"
        + "offence_date,date_reported,offence_group,outcome_code,outcome_date,officer_name,mo_notes"
    static func policeRow(_ index: Int, name: String = "\"SMITH, Jane\"", dob: String = "1990-02-03", postcode: String = "AB1 2CD",
                          notes: String = "notes") -> String {
        "42/0\(10000 + index)/21,N\(index),\(name),\(dob),F,\(postcode),1 High Street,2021-01-05,2021-02-01,Rape,1,2021-03-01,PC Plum,\(notes)"
    }

    /// A pipeline file over the three shipped manifests, the shipped plan and disclosure
    /// policy: synth at `synth` (or raw exports under `rawFolder`), the given key and linker
    /// secret lines, and `reportSpec` (default: the example report). `testKey` lets the
    /// key and secret files be test keys (repeated bytes), as `test-key: true`.
    static func pipelineText(synth: (persons: Int, seed: Int)? = nil, rawFolder: String = "",
                             key: String = "{generate: true}", secret: String = "{generate: true}",
                             reportSpec: String = repositoryRoot + "/examples/victims-pathway/report.yaml",
                             testKey: Bool = false) -> String {
        let root = repositoryRoot
        var lines = ["pipeline: 1"]
        if let synth { lines.append("synth: {persons: \(synth.persons), seed: \(synth.seed)}") }
        lines.append("sources:")
        lines += LeakTests.datasets.map { "  \($0.0): {manifest: \(root)/schemas/\($0.1), raw: \(rawFolder)\($0.2)}" }
        lines += ["plan: \(root)/governance/linkage.yaml", "key: \(key)", "linker-secret: \(secret)",
                  "report: {spec: \(reportSpec), policy: \(root)/governance/disclosure-policy.yaml}"]
        if testKey { lines.append("test-key: true") }
        return lines.joined(separator: "\n")
    }

    var policeManifest: String { repositoryRoot + "/schemas/police/crimes.yaml" }
    var plan: String { repositoryRoot + "/governance/linkage.yaml" }
    var key: String { output + "/keys/owner.key" }
    var policeExtract: String { output + "/extracts/police.crimes.csv" }
    var policeTokens: String { output + "/tokens/police.crimes.csv" }
    var linked: String { output + "/linked" }
    var spec: String { repositoryRoot + "/examples/victims-pathway/report.yaml" }
    var policy: String { repositoryRoot + "/governance/disclosure-policy.yaml" }

    private init() {
        let pipeline = folder.write("pipeline.yaml", World.pipelineText(synth: (600, 11)))
        output = folder.file("world")
        do {
            let result = try pathlink(["run", pipeline, "--output", output], in: folder.path)
            error = result.status == 0 ? nil : "pathlink run failed (\(result.status)): \(result.standardError)"
        } catch {
            self.error = "could not start \(pathlinkBinary): \(error)"
        }
    }

    /// Fail the test when the shared run could not be made.
    func ready(sourceLocation: SourceLocation = #_sourceLocation) throws -> World {
        if let error {
            Issue.record(Comment(rawValue: error), sourceLocation: sourceLocation)
            throw PathlinkError(.io, problem: error)
        }
        return self
    }
}
