#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Governance
import PathlinkCore
import Pseudonymisation

struct PseudonymiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudonymise",
        abstract: "Replace identifiers and person data of an extract by keyed-HMAC tokens (data owner; key).",
        discussion: """
        Every identifier column keeps its name and holds tokens of its domain; every match \
        key and confirm key of the plan adds a token column named after it (MK1, …, CK1; \
        blank where the dataset lacks a field, with a warning in the receipt); linkage \
        columns (names, dates of birth, postcodes) are dropped; attribute, generalised and \
        derived columns pass through. Missing and invalid values give empty tokens, counted \
        per column in the receipt.

        The extract must have the receipt `pathlink extract` wrote, naming this manifest. \
        The key file must be readable by its owner only (chmod 600). Writes OUT.csv and \
        OUT.csv.receipt.json (with the key fingerprint, never the key), atomically. \
        Token derivation: governance/token-specification.md. Stage: docs/pseudonymise.md.
        """)

    @Option(help: "The schema manifest the extract was made with.")
    var manifest: String
    @Option(help: "The linkage plan (project, match keys, confirm keys).")
    var plan: String
    @Option(help: ArgumentHelp("The master key file (from `pathlink keygen`).", valueName: "KEYFILE"))
    var key: String
    @Option(help: "The extract (written by `pathlink extract`).")
    var input: String
    @Option(help: "The pseudonymised file to write.")
    var output: String
    @Flag(help: "Accept a weak or published key (a test key): tests and demonstrations on synthetic data only.")
    var testKey = false
    @Flag(help: "Replace an existing output.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let loadedManifest = try Manifest.load(path: manifest)
            let loadedPlan = try LinkagePlan.load(path: plan)
            let masterKey = try KeyFile.load(key, allowTestKey: testKey)
            // The domain keys are primed and the raw key wiped before any data is read.
            try masterKey.primeAndWipe(project: loadedPlan.project, domains: Pseudonymiser.domains(manifest: loadedManifest, plan: loadedPlan))
            let summary = try Pseudonymiser(manifest: loadedManifest, plan: loadedPlan, key: masterKey, force: force)
                .run(input: input, output: output)
            Log.info("pseudonymise: \(loadedManifest.dataset): \(summary.records) records written to \(output) (key \(masterKey.fingerprint))")
            for warning in summary.warnings { Log.warning(warning) }
        }
    }
}
