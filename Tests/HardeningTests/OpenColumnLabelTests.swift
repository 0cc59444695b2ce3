import Foundation
import Testing
import PathlinkCore

/// Issue 15 item 3 (and issue 14's `jane.canary@example.org,[c]`): category labels are never
/// data text. A column the owner declares `open: true` reaches the release only through a
/// recode into categories the report spec declares; the link records which linked columns
/// are open (quality.json `open_columns`), from the receipts, and the report refuses a spec
/// that would tabulate one by its own values.
@Suite("Open columns never become category labels", .serialized)
struct OpenColumnLabelTests {
    /// A run over the shipped manifests, but with the support service's `referral_source`
    /// declared `open: true` instead of its closed list.
    static func openRun(_ folder: TestFolder, spec: String) throws -> Invocation {
        var manifest = try FilePath.readText(repositoryRoot + "/schemas/support-service/cases.yaml")
        let closed = #"    values: ["Police", "Self", "Healthcare", "Social care", "Education", "Voluntary sector", "Other"]"#
        try #require(manifest.contains(closed), "the shipped manifest's referral_source list changed")
        manifest = manifest.replacingOccurrences(of: closed, with: "    open: true")
        let local = folder.write("cases.yaml", manifest)
        folder.write("spec.yaml", spec)
        let pipeline = World.pipelineText(synth: (600, 3), reportSpec: folder.file("spec.yaml"), testKey: true)
            .replacingOccurrences(of: repositoryRoot + "/schemas/support-service/cases.yaml", with: local)
        folder.write("pipeline.yaml", pipeline)
        return try pathlink(["run", "pipeline.yaml", "--output", "out"], in: folder.path)
    }

    /// A spec recoding referral_source into Police, Self and (when given) `other`; the
    /// variable is on line 7.
    static func routeSpec(other: String?) -> String {
        """
        report: 1
        id: recoded
        title: Referral route
        source: journeys
        count: persons
        variables:
          route: {from: referral_source, map: {Police: [Police], Self: [Self]}\(other.map { ", other: \($0)" } ?? "")}
        tables:
          - {id: route, title: Referral route, rows: [route]}
        """
    }

    @Test("tabulating an open column by its own values is refused, naming the spec line, table and column; nothing is released")
    func refusedAsLabels() throws {
        let folder = TestFolder()
        let run = try Self.openRun(folder, spec: SafeFilesTests.smallReportText)
        #expect(run.status == ExitStatus.inputError.rawValue, "\(run.status): \(run.standardError)")
        #expect(run.standardError.contains("spec.yaml") && run.standardError.contains("line 9")
                && run.standardError.contains("referral") && run.standardError.contains("referral_source")
                && run.standardError.contains("open: true"), "\(run.standardError)")
        #expect(!FilePath.exists(folder.file("out")), "a refused run leaves no output folder")
        #expect(!run.standardError.contains("Voluntary sector") && !run.standardError.contains("Healthcare"), "a data value was printed")
    }

    @Test("the link records the open column in quality.json and makes no link-rate table by it; a recode with other: is released")
    func recodedIsReleased() throws {
        let folder = TestFolder()
        let run = try Self.openRun(folder, spec: Self.routeSpec(other: "Another route"))
        try #require(run.status == 0, "\(run.standardError)")
        let quality = try #require(try JSONSerialization.jsonObject(with: Data(FilePath.readAll(folder.file("out/linked/quality.json")))) as? [String: Any])
        let open = quality["open_columns"] as? [String: [String]]
        #expect(open?["journeys"] == ["referral_source"] && open?["support-service.cases"] == ["referral_source"], "\(String(describing: open))")
        let rates = quality["link_rates"] as? [[String: Any]] ?? []
        #expect(!rates.isEmpty && !rates.contains { $0["attribute"] as? String == "referral_source" }, "a link-rate table by an open column")
        let release = try FilePath.readText(folder.file("out/release/route.csv"))
        let labels = Set(release.split(separator: "\n").dropFirst().map { String($0.split(separator: ",").first ?? "") })
        #expect(labels.isSubset(of: ["Police", "Self", "Another route", "Total"]), "labels: \(labels)")
        #expect(!release.contains("Voluntary sector") && !release.contains("Healthcare"))
    }

    @Test("a map of an open column without other: is refused on its line, before any value could be named")
    func mapNeedsOther() throws {
        let folder = TestFolder()
        let run = try Self.openRun(folder, spec: Self.routeSpec(other: nil))
        #expect(run.status == ExitStatus.inputError.rawValue && run.standardError.contains("line 7")
                && run.standardError.contains("other:"), "\(run.status): \(run.standardError)")
        #expect(!run.standardError.contains("Voluntary sector") && !run.standardError.contains("Healthcare"))
        #expect(!FilePath.exists(folder.file("out")))
    }
}
