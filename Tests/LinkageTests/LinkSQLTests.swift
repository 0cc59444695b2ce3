import Foundation
import Governance
import Linkage
import PathlinkCore
import Testing

@Suite("link --emit-sql: the plan's joins as SQL on token columns")
struct LinkSQLTests {
    func plan(_ world: LinkWorld) throws -> LinkagePlan {
        try FilePath.writeAtomically(LinkWorld.planText, to: world.planPath, force: true)
        return try LinkagePlan.load(path: world.planPath)
    }

    @Test("columns come from the receipts; reference joins, confirm keys and every match key of every person link appear in plan order")
    func shape() throws {
        let world = LinkContractTests.sampleWorld()
        let inputs = try world.writeInputs()
        let plan = try plan(world)
        let described = try inputs.map { try LinkSQL.Input.fromReceipt(dataset: $0.dataset, path: $0.path) }
        let sql = LinkSQL.render(plan: plan, inputs: described)
        // One table per dataset, sorted by name, reading its file.
        for (index, input) in inputs.sorted(by: { $0.dataset < $1.dataset }).enumerated() {
            #expect(sql.contains("CREATE TABLE d\(index) AS SELECT row_number() OVER () AS rid, * FROM read_csv('\(input.path)'"))
        }
        // Reference links join on each side's own column for the domain, as the receipts say.
        for link in plan.links {
            for domain in link.by where domain != "person" {
                let from = try #require(described.first { $0.dataset == link.from }?.referenceColumns[domain])
                let to = try #require(described.first { $0.dataset == link.to }?.referenceColumns[domain])
                #expect(sql.contains("x.\"\(from)\" = y.\"\(to)\""))
            }
            for key in link.confirm { #expect(sql.contains("x.\"\(key)\" = y.\"\(key)\"")) }
            // Refute keys veto only when both tokens are there and differ (NULL is missing).
            for key in link.refute {
                #expect(sql.contains("coalesce(x.\"\(key)\" = y.\"\(key)\", false)"))
                #expect(sql.contains("(x.\"\(key)\" IS NOT NULL AND y.\"\(key)\" IS NOT NULL)"))
            }
        }
        // The cascade: key by key (outer), link by link (inner), in plan order.
        var expected: [String] = []
        for key in plan.matchKeys {
            for link in plan.links where link.by.contains("person") { expected.append("-- \(key.name): \(link.from) -> \(link.to)") }
        }
        let positions = expected.map { sql.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(expected)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        // Only tokens: no value of any input leaks into the script, and tokens appear nowhere.
        for token in world.tokens { #expect(!sql.contains(token)) }
    }

    @Test("a dataset without a key column gets a comment, not a join on a missing column")
    func missingKey() throws {
        let world = LinkContractTests.sampleWorld()
        let inputs = try world.writeInputs()
        let plan = try plan(world)
        var described = try inputs.map { try LinkSQL.Input.fromReceipt(dataset: $0.dataset, path: $0.path) }
        let last = try #require(plan.matchKeys.last?.name)
        described[0].keyColumns.remove(last)
        let sql = LinkSQL.render(plan: plan, inputs: described)
        #expect(sql.contains("a dataset has no \(last) column"))
    }
}
