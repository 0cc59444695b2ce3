import Foundation

/// quality.md: the readable summary of quality.json.
enum QualitySummary {
    static func markdown(_ quality: LinkQuality) -> String {
        var text = "# Linkage quality — \(quality.project)\n\n"
        text += "\(quality.persons.total) persons. Figures are counts of records or persons; no token or identifier appears here. "
        text += "Full figures, including link rates by every declared attribute, are in quality.json.\n\n"
        text += "## Datasets\n\n| dataset | records | persons | linked records | unlinked records |\n|---|---:|---:|---:|---:|\n"
        for dataset in quality.datasets {
            text += "| \(dataset.dataset) | \(dataset.records) | \(dataset.persons) | \(dataset.linkedRecords) | \(dataset.unlinkedRecords) |\n"
        }
        text += "\n## Rules\n\n| link | rule | kind | record pairs | persons joined |\n|---|---|---|---:|---:|\n"
        for rule in quality.rules {
            text += "| \(rule.link) | \(rule.rule) | \(rule.kind) | \(rule.recordPairs) | \(rule.personsJoined) |\n"
        }
        let refuting = quality.rules.filter { $0.refutedPairs != nil }
        if !refuting.isEmpty {
            text += "\nRefuted record pairs (a confirm key agreed, but every refute key both records have differed; persons not merged):\n\n"
            for rule in refuting { text += "- \(rule.link), \(rule.rule): \(rule.refutedPairs!)\n" }
        }
        if let estimates = quality.errorEstimates { text += errorSection(estimates) }
        text += "\n## Ambiguity (reported, never guessed)\n\n"
        if quality.ambiguous.isEmpty {
            text += "No ambiguous tokens.\n"
        } else {
            text += "| link | rule | ambiguous tokens | refused cluster pairs | records involved |\n|---|---|---:|---:|---:|\n"
            for item in quality.ambiguous {
                text += "| \(item.link) | \(item.rule) | \(item.tokens) | \(item.conflicts) | \(item.recordIds.count) |\n"
            }
        }
        text += "\n## Journeys: records attached to each spine record (\(quality.spine))\n\n"
        text += "| dataset | attached | unattached | one candidate | own person | nearest date | input order |\n|---|---:|---:|---:|---:|---:|---:|\n"
        for item in quality.attach {
            let attached = item.attachedBy.values.reduce(0, +)
            text += "| \(item.dataset) | \(attached) | \(item.unattached) | \(item.single) | \(item.samePerson) | \(item.nearestDate) | \(item.inputOrder) |\n"
        }
        if !quality.warnings.isEmpty {
            text += "\n## Warnings\n\n" + quality.warnings.map { "- \($0)\n" }.joined()
        }
        return text
    }

    private static func percent(_ rate: LinkQuality.Rate) -> String {
        String(format: "%.3f%% (%.3f–%.3f%%)", rate.estimate * 100, rate.lower * 100, rate.upper * 100)
    }

    static func errorSection(_ estimates: LinkQuality.ErrorEstimates) -> String {
        var text = "\n## Estimated linkage error (\(estimates.method))\n\n"
        text += "Over cross-source record pairs (two records of different datasets in one person), without ground truth; "
        text += "95% intervals. Basis: \(estimates.basis).\n\n"
        text += "| link | rule | linked pairs | false-match rate | missed-match rate |\n|---|---|---:|---:|---:|\n"
        text += "| all | all | \(estimates.linkedPairs) | \(percent(estimates.falseMatchRate)) | \(percent(estimates.missedMatchRate)) |\n"
        for link in estimates.links {
            text += "| \(link.link) | \(link.rule) | \(link.linkedPairs) | \(percent(link.falseMatchRate)) | \(percent(link.missedMatchRate)) |\n"
        }
        return text
    }
}
