import ArgumentParser
import PathlinkCore
import Pseudonymisation

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a new master key file for pseudonymise (owner-only permissions).",
        discussion: """
        Writes 32 random bytes from OpenSSL's CSPRNG as 64 hexadecimal digits and a line \
        feed. The file is created with mode 0600 from the start (never readable by group or \
        others, not even briefly) and appears atomically. Prints the key fingerprint — the \
        first 16 hex digits of HMAC-SHA256(K, "pathlink/1/fingerprint") — which receipts \
        record and which owners compare to check they hold the same key. Never prints the key.

        Every owner in one project must use the same key: generate it once, share it \
        through the channel the data sharing agreement names, and keep it out of version \
        control. See docs/pseudonymise.md.
        """)

    @Option(help: ArgumentHelp("The key file to write.", valueName: "KEYFILE"))
    var output: String
    @Flag(help: "Replace an existing key file (the old key is lost: tokens made with it no longer match new ones).")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try reportingErrors(logging) {
            let fingerprint = try KeyGeneration.generate(output: output, force: force)
            Log.info("keygen: wrote a new key to \(output) (mode 0600); fingerprint \(fingerprint)")
        }
    }
}
