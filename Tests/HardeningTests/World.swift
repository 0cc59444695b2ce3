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

    var policeManifest: String { repositoryRoot + "/schemas/police/crimes.yaml" }
    var plan: String { repositoryRoot + "/governance/linkage.yaml" }
    var key: String { output + "/keys/owner.key" }
    var policeExtract: String { output + "/extracts/police.crimes.csv" }
    var policeTokens: String { output + "/tokens/police.crimes.csv" }
    var linked: String { output + "/linked" }
    var spec: String { repositoryRoot + "/examples/victims-pathway/report.yaml" }
    var policy: String { repositoryRoot + "/governance/disclosure-policy.yaml" }

    private init() {
        let root = repositoryRoot
        let pipeline = folder.write("pipeline.yaml", """
        pipeline: 1
        synth: {persons: 150, seed: 11}
        sources:
          support-service.cases: {manifest: \(root)/schemas/support-service/cases.yaml, raw: support-service-cases.csv}
          police.crimes: {manifest: \(root)/schemas/police/crimes.yaml, raw: police-crimes.csv}
          cps.cases: {manifest: \(root)/schemas/cps/cases.yaml, raw: cps-cases.csv}
        plan: \(root)/governance/linkage.yaml
        key: {generate: true}
        linker-secret: {generate: true}
        report: {spec: \(root)/examples/victims-pathway/report.yaml, policy: \(root)/governance/disclosure-policy.yaml}
        """)
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
