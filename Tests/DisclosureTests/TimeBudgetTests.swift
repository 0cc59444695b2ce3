import Disclosure
import PathlinkCore
import Testing

/// The report stage's time budget (governance/disclosure-control.md, "Time budget"): past
/// it the release is refused, never published on an unfinished audit; within it the
/// clock changes nothing.
@Suite("Time budget of the disclosure work")
struct TimeBudgetTests {
    let policy = DisclosurePolicy(threshold: 3, zeros: .show)
    /// A 3 × 3 grid with small cells: primary and secondary suppression, audits to run.
    let data = makeGrid("row", ["r1", "r2", "r3"], "column", ["c1", "c2", "c3"], [[1, 4, 6], [5, 2, 7], [8, 9, 3]])
    let table = TableDefinition(id: "grid", dimensions: ["row", "column"], categories: [["r1", "r2", "r3"], ["c1", "c2", "c3"]])

    @Test("a spent budget refuses the release with the budget's reason", arguments: [SuppressionSettings.Method.optimal, .greedy])
    func spentBudgetRefuses(method: SuppressionSettings.Method) {
        let protector = ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: method),
                                         budget: TimeBudget(seconds: 1e-9))
        do {
            _ = try protector.protect(data, tables: [table])
            Issue.record("a release was produced past its time budget")
        } catch {
            #expect(TimeBudget.isExceeded(error), "\(error)")
            let refusal = error as? PathlinkError
            #expect(refusal?.code == .disclosure)
            #expect(refusal?.problem.contains("nothing was written") == true)
            #expect(refusal?.remedy?.contains("--time-budget") == true)
        }
    }

    @Test("within the budget the release is the same as with no clock at all")
    func budgetChangesNothingWithin() throws {
        let unbounded = try ReleaseProtector(policy: policy).protect(data, tables: [table])
        let budgeted = try ReleaseProtector(policy: policy, budget: TimeBudget()).protect(data, tables: [table])
        #expect(budgeted == unbounded)
        #expect(budgeted.suppression.method == .optimal)
        #expect(!budgeted.audit.isEmpty)
    }

    @Test("the documented default is five minutes of processor time")
    func documentedDefault() {
        #expect(TimeBudget.defaultSeconds == 300)
        #expect(TimeBudget().seconds == 300)
        #expect(TimeBudget.optimiserShare == 0.5)
    }

    @Test("the optimiser may use its own limit or half of what is left, whichever is smaller")
    func optimiserShare() {
        #expect(TimeBudget(seconds: 10).optimiserSeconds(limit: 60) <= 5)
        #expect(TimeBudget(seconds: 10).optimiserSeconds(limit: 60) > 4)
        #expect(TimeBudget(seconds: 1_000).optimiserSeconds(limit: 60) == 60)
        #expect(TimeBudget(seconds: 1e-9).optimiserSeconds(limit: 60) == 0)
    }

    @Test("when the optimiser's time runs out, the greedy pattern is the fallback and the sidecar names it")
    func optimiserTimeFallback() throws {
        let stopped = SuppressionSettings(limits: SuppressionSettings.Limits(seconds: 0))
        let release = try ReleaseProtector(policy: policy, suppression: stopped, budget: TimeBudget())
            .protect(data, tables: [table])
        let greedy = try ReleaseProtector(policy: policy, suppression: SuppressionSettings(method: .greedy))
            .protect(data, tables: [table])
        #expect(release.suppression.method == .greedy)
        #expect(release.suppression.reason.contains("time limit"), "\(release.suppression.reason)")
        #expect(release.tables == greedy.tables)
        #expect(release.suppression.greedySecondaryCells != nil, "the greedy pattern ran, so the sidecar compares it")
        expectAuditHolds(release, threshold: policy.threshold)
    }

    @Test("when the optimiser converges, the greedy method is not run and the sidecar says so")
    func greedyNotRunWhenOptimal() throws {
        let release = try ReleaseProtector(policy: policy).protect(data, tables: [table])
        #expect(release.suppression.method == .optimal)
        #expect(release.suppression.greedySecondaryCells == nil)
        #expect(release.suppression.greedySecondaryUnits == nil)
        #expect(release.suppression.lowerBound != nil)
    }
}
