import Foundation
import PathlinkCore
import Provenance

/// `pathlink keygen`: a new master key file and its receipt.
package enum KeyGeneration {
    /// Generate a key, write it to `output` (mode 0600) with `output.receipt.json`
    /// beside it (fingerprint only), and return the fingerprint.
    package static func generate(output: String, force: Bool) throws -> String {
        let started = Date()
        let receiptPath = Receipt.path(for: output)
        if !force && FilePath.exists(output) {
            throw PathlinkError(.outputExists, file: output, problem: "the key file already exists",
                                remedy: "keep using it, choose another path, or add --force to replace it (tokens made with the old key will no longer match new ones)")
        }
        if !force && FilePath.exists(receiptPath) {
            throw PathlinkError(.outputExists, file: receiptPath, problem: "the key file's receipt already exists",
                                remedy: "choose another key path, or add --force to replace the key (tokens made with the old key will no longer match)")
        }
        let key = try MasterKey.generate()
        try write(key, to: output, force: force, started: started)
        return key.fingerprint
    }

    /// Write `key` to `output` (mode 0600) with its receipt (fingerprint only).
    package static func write(_ key: MasterKey, to output: String, force: Bool, started: Date = Date()) throws {
        let receiptPath = Receipt.path(for: output)
        _ = try KeyFile.save(key, to: output, force: force)
        var receipt = Receipt(stage: "keygen", started: started)
        receipt.keyFingerprint = key.fingerprint
        do {
            let folder = FilePath.split(receiptPath).parent
            // No hash of the key file: a hash of the key would be one more way to test a
            // guessed key. The fingerprint identifies it; `pathlink verify` checks that.
            receipt.outputs = [Receipt.FileEntry(path: FilePath.relative(output, to: folder), sha256: "")]
            try receipt.write(beside: output, force: force)
        } catch {
            unlink(output)
            throw error
        }
    }
}
