import Disclosure

/// Which means and medians a release publishes (governance/disclosure-control.md, "Means
/// and medians"), once the count tables — the contributor counts among them — are protected.
///
/// 1. A statistic is published only where its contributor count is published and not zero.
/// 2. Primary rules on the true contributions (``MagnitudeRule``): fewer contributors than
///    the threshold, a median of fewer than `median-minimum`, every value the same in a group
///    under the class size, or dominance ((n, k) rule) hide it.
/// 3. Sums: a published mean and count give the cell's sum, and sums add up like counts.
///    Per quantity, ``SumProtection`` hides further means until no hidden mean's sum is a
///    linear combination of the known sums (medians do not add up, and are not part of it).
enum MeasureProtection {
    /// The published statistic of every cell that may show one, per magnitude table id.
    static func statistics(spec: ReportSpec, input: ReleaseInput, policy: DisclosurePolicy,
                           protected: [String: ProtectedTable], protectsSums: Bool = true) throws -> [String: [[String]: Double]] {
        var result: [String: [[String]: Double]] = [:]
        for table in spec.tables where table.kind.isMagnitude {
            let statistic: MagnitudeRule.Statistic = table.kind == .mean ? .mean : .median
            let contributions = input.contributions[table.id] ?? [:]
            var published: [[String]: Double] = [:]
            for cell in protected[table.contributorsID]!.cells {
                guard case .published(let count) = cell.status, count > 0 else { continue }
                let values = contributions[cell.coordinates] ?? []
                guard MagnitudeRule.primaryReason(values, statistic: statistic, policy: policy) == nil,
                      let value = MagnitudeRule.value(values, statistic: statistic) else { continue }
                published[cell.coordinates] = value
            }
            result[table.id] = published
        }

        // Sums, one quantity at a time.
        guard protectsSums else { return result }
        var quantities: [TableSpec.Quantity] = []
        for table in spec.tables where table.kind == .mean && !quantities.contains(table.quantity!) { quantities.append(table.quantity!) }
        for quantity in quantities {
            let tables = spec.tables.filter { $0.kind == .mean && $0.quantity == quantity }
            let sumTables = tables.map { table -> SumProtection.Table in
                let protectedTable = protected[table.contributorsID]!
                let means = result[table.id] ?? [:]
                let contributions = input.contributions[table.id] ?? [:]
                let isPublished = protectedTable.cells.map { means[$0.coordinates] != nil }
                // A published zero count says the sum is zero — when counts are not rounded
                // (a rounded 0 can hide a few units).
                let isKnown = protectedTable.cells.enumerated().map { index, cell in
                    isPublished[index] || (policy.rounding == 0 && cell.status == .published(0))
                }
                return SumProtection.Table(definition: protectedTable.definition, isKnown: isKnown, isPublishedMean: isPublished,
                                           contributors: protectedTable.cells.map { contributions[$0.coordinates]?.count ?? 0 },
                                           contributions: protectedTable.cells.map { contributions[$0.coordinates] ?? [] })
            }
            let protectedSums = try SumProtection.protect(input.microdata, tables: sumTables, policy: policy)
            for (table, sums) in zip(tables, protectedSums) {
                for (index, cell) in protected[table.contributorsID]!.cells.enumerated() where !sums.isPublishedMean[index] {
                    result[table.id]?[cell.coordinates] = nil
                }
            }
        }
        return result
    }
}
