import Foundation
import Linkage
import PathlinkCore
import Provenance
import Testing

@Suite("pathlink link: the output does not depend on the thread count")
struct ParallelLinkTests {
    /// A few hundred records in three datasets: returners, shared crimes, typos, twins.
    static func world(seed: UInt64) -> LinkWorld {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let forenames = ["Jane", "Amy", "Lucy", "Maya", "Sara", "Emma"], surnames = ["Smith", "Khan", "Nowak", "Patel"]
        let persons = (0..<120).map { number in
            LinkWorld.Person(forename: forenames[next(forenames.count)], surname: surnames[next(surnames.count)],
                             dob: "19\(70 + next(30))0\(1 + next(9))1\(next(9))", postcode: next(10) == 0 ? "" : "MK\(next(5)) 1AA")
        }
        let world = LinkWorld()
        for (index, dataset) in [LinkWorld.support, LinkWorld.police, LinkWorld.cps].enumerated() {
            for row in 0..<(150 - 30 * index) {
                var person = persons[next(persons.count)]
                if next(20) == 0 { person.forename += "e" }   // a typo: only later keys can match
                let crime: String? = next(3) == 0 ? nil : "42/\(next(60))/23"
                world.add(dataset, "\(dataset)-\(row)", next(25) == 0 ? nil : person, crime: crime,
                          date: "202\(next(4))-0\(1 + next(9))", extra: next(4) == 0 ? "Secondary" : "Primary")
            }
        }
        return world
    }

    @Test("PATHLINK_THREADS=1 and 2 give byte-identical folders", arguments: [UInt64(1), 2, 3])
    func threadCountDoesNotChangeOutput(seed: UInt64) throws {
        let world = Self.world(seed: seed)
        let inputs = try world.writeInputs()
        try FilePath.writeAtomically(LinkWorld.planText, to: world.planPath, force: true)
        var folders: [String] = []
        for threads in [1, 2, 4] {
            let output = FilePath.join(world.folder, "linked-\(threads)")
            let summary = try Linker.link(LinkOptions(planPath: world.planPath, inputs: inputs, outputPath: output,
                                                      secret: LinkWorld.fixedSecret, force: true, threads: threads))
            #expect(summary.links > 0)
            folders.append(output)
        }
        let names = FilePath.contents(of: folders[0])
        #expect(names.contains("journeys.csv") && names.contains("links.csv"))
        for folder in folders.dropFirst() {
            #expect(FilePath.contents(of: folder) == names)
            for name in names {
                let a = try FilePath.readAll(FilePath.join(folders[0], name)), b = try FilePath.readAll(FilePath.join(folder, name))
                #expect(a == b, "\(name) differs between 1 thread and \(folder)")
            }
        }
    }
}
