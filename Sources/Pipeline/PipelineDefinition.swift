import Governance
import PathlinkCore

/// A pipeline file (`pipeline: 1`): the sources, the plan, the key, the report — what
/// `pathlink run` needs to run every stage on one machine. See docs/pipeline.md.
package struct PipelineDefinition: Sendable {
    package struct Source: Sendable, Equatable {
        package var dataset: String
        package var manifest: String
        /// The raw export: a path relative to the pipeline file, or with `synth`, a file
        /// name in the output's `raw/` folder.
        package var raw: String
    }

    package enum KeySource: Sendable, Equatable {
        /// Generate a new key into the output folder (owner-only permissions): the demo.
        case generate
        /// Use an existing key file.
        case file(String)
    }

    package enum SecretSource: Sendable, Equatable {
        /// Draw a fresh linker secret and discard it (the default).
        case fresh
        /// Generate one into the output folder and keep it, so the run can be repeated exactly.
        case generate
        case file(String)
    }

    package var name: String
    package var path: String
    package var synth: (persons: Int, seed: UInt64)?
    package var sources: [Source]
    package var plan: String
    package var key: KeySource
    package var secret: SecretSource
    package var spec: String
    package var policy: String?
    package var requireApproved: Bool
    package var approvals: String?
    /// `test-key: true`: the key and secret files may be weak or published test keys
    /// (synthetic data only; see KeyStrength).
    package var testKey = false

    /// Load and validate a pipeline file; every path is resolved against its folder.
    package static func load(path: String) throws -> PipelineDefinition {
        let document = try YAMLDocument(path: path)
        let top = try document.root.mapping(allowed: ["pipeline", "name", "description", "synth", "sources", "plan", "key",
                                                      "linker-secret", "report", "require-approved", "approvals", "test-key"])
        let version = try top.required("pipeline")
        guard try version.int() == 1 else {
            throw version.error("pipeline format version \(try version.int()) is not supported (this Pathlink reads version 1)")
        }
        let folder = FilePath.split(path).parent
        func resolve(_ value: YAMLValue) throws -> String {
            let text = try value.nonEmptyString()
            return text.hasPrefix("/") ? text : FilePath.join(folder, text)
        }
        var synth: (Int, UInt64)? = nil
        if let synthValue = top["synth"] {
            let map = try synthValue.mapping(allowed: ["persons", "seed"])
            let persons = try map.required("persons")
            guard try persons.int() > 0 else { throw persons.error("must be a positive number of persons") }
            let seed = try map["seed"]?.int() ?? 1
            guard seed >= 0 else { throw synthValue.error("seed must not be negative") }
            synth = (try persons.int(), UInt64(seed))
        }
        var sources: [Source] = []
        let sourcesValue = try top.required("sources")
        for (dataset, entry) in try sourcesValue.freeMapping().entries {
            let map = try entry.mapping(allowed: ["manifest", "raw"])
            let rawValue = try map.required("raw")
            let raw = synth == nil ? try resolve(rawValue) : try rawValue.nonEmptyString()
            if synth != nil && raw.contains("/") {
                throw rawValue.error("with synth:, raw names a file that synth writes (e.g. police-crimes.csv), not a path")
            }
            sources.append(Source(dataset: dataset, manifest: try resolve(try map.required("manifest")), raw: raw))
        }
        guard !sources.isEmpty else { throw sourcesValue.error("names no source") }

        var key = KeySource.generate
        if let keyValue = top["key"] {
            let map = try keyValue.mapping(allowed: ["generate", "file"])
            if let file = map["file"] { key = .file(try resolve(file)) }
            else if try map["generate"]?.bool() != true { throw keyValue.error("say generate: true or file: PATH") }
        }
        var secret = SecretSource.fresh
        if let secretValue = top["linker-secret"] {
            let map = try secretValue.mapping(allowed: ["generate", "file", "fresh"])
            if let file = map["file"] { secret = .file(try resolve(file)) }
            else if try map["generate"]?.bool() == true { secret = .generate }
            else if try map["fresh"]?.bool() == true { secret = .fresh }
            else { throw secretValue.error("say fresh: true, generate: true or file: PATH") }
        }
        let report = try top.required("report").mapping(allowed: ["spec", "policy"])
        let requireApproved = try top["require-approved"]?.bool() ?? false
        var definition = PipelineDefinition(
            name: try top["name"]?.nonEmptyString() ?? FilePath.split(path).name, path: path, synth: synth, sources: sources,
            plan: try resolve(try top.required("plan")), key: key, secret: secret,
            spec: try resolve(try report.required("spec")), policy: try report["policy"].map(resolve),
            requireApproved: requireApproved, approvals: try top["approvals"].map(resolve))
        definition.testKey = try top["test-key"]?.bool() ?? false
        return definition
    }
}

extension PipelineDefinition {
    /// Every file the run reads: the pipeline file, the documents, the raw exports (unless
    /// synthesised), the key, secret and approvals files. An output may be none of them.
    package var inputs: [String] {
        var paths = [path, plan, spec] + sources.map(\.manifest)
        if synth == nil { paths += sources.map(\.raw) }
        if let policy { paths.append(policy) }
        if let approvals { paths.append(approvals) }
        if case .file(let key) = key { paths.append(key) }
        if case .file(let secret) = secret { paths.append(secret) }
        return paths
    }
}
