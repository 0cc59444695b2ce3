/// Which keys may protect real data: owner keys and linker secrets loaded from files.
///
/// A key is refused when its bytes repeat with a period of 8 or less (64 zeros, `abab…`),
/// when it has fewer than 16 distinct byte values, or when it is published in the
/// Pathlink repository (the token vectors' key and domain keys, the test keys): with any
/// of those an attacker who knows the key reverses every partial-date token in
/// milliseconds. Tests and demonstrations say so explicitly (`--test-key`, or
/// `test-key: true` in a pipeline file) and may then use them.
///
/// The published keys are listed here by the SHA-256 of their bytes, never by the key.
package enum KeyStrength {
    /// The least number of distinct byte values in a key (32 random bytes have ~28).
    package static let minimumDistinctBytes = 16
    /// A key whose bytes repeat with this period or less is refused.
    package static let maximumRefusedPeriod = 8

    /// SHA-256 of the bytes of every key published in the repository:
    /// governance/token-vectors.json (`key_hex` and each case's `domain_key_hex`) and
    /// the keys written out in Tests/PseudonymisationTests. `KeyStrengthTests` scans those
    /// files and fails when one is missing here.
    static let publishedKeyDigests: Set<String> = [
        "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",  // token vectors' key
        "a204820d619446ad7176132c7aec29a82c1391e22a7cdeeed6c83c9f6bff1b33",
        "be5082e1142180422576fcae799006692f3ee0107ececcc63933898e66036df9",
        "95f977bd3c741abefc1ee2cc7c6f4b4fa96ae2dbf21536a025c920ac13b8a777",
        "83d63af52477b24582cde7109bbb6800167646fb6e3e9acc02a91bd8db44b7ad",
        "42d49567658c0b0808a645a790b4fa5a49766b8a6ace7cf3500ee2e362fccfde",
        "ee4c3bf1ee1203cf6e082cd93854622400e801cfec0dd124d2f9ede72e482ad1",
        "7ec0faf6e83f94c115bd96bddb6cc2e3f50c8a06c8976cac585ff6bc90b6a961",
        "1174af6c9abe23ceb291929a767158d185acbe943be5242cc853eb860b88a7c4",
        "9fd0d168a91046ecc6f6bfd5013b9950334b3cf1b993b0861f92c9cf780ac473",
        "e61c036e23d33d6e1cd7075bfef1798cb54a3a53e485e5472c8a2080d8f84e8c",
        "3730a7a10796a35dd4ac374dd5011158891b6243429a2b595b7bf0eff4976d77",  // SyntheticExtract's test key
        "79c7874d5d082b033bff76370ac3f39161a28ccc5f211d61d163a6c6206d6247",
        "f68729b6ae582d71ea5ab3c29c25cef64ae241f778f41a10a4cc93bded183fa7",
        "986967f8a4d8e1791c3a4a7691f215d005d78415cd41e558bb929999d3a97e4c",
        "05ef5a3cc9f6c84b3fbfc6677986f6d45be8af513732b120c2036b4dbc2d6efd",
        "25dcc464780c6350ae381f47cc7689dfdc6e771ad08082b4a669d9c817b6cd8b",
        "8ed0c08f6812248a41aa7fb0425fedcf3df65c24ab2c0cc90aed88e5e4180903",  // vectors' person/MK2 domain key (full-name match-key vectors)
    ]

    /// Why `bytes` may not be used as a key for real data, or nil when it may.
    /// The reason never shows a byte of the key.
    package static func weakness(of bytes: [UInt8]) -> String? {
        for period in 1...maximumRefusedPeriod where bytes.count > period {
            if (period..<bytes.count).allSatisfy({ bytes[$0] == bytes[$0 - period] }) {
                return "the key's bytes repeat every \(period) byte\(period == 1 ? "" : "s") (a pattern, not a random key)"
            }
        }
        if Set(bytes).count < minimumDistinctBytes {
            return "the key has fewer than \(minimumDistinctBytes) distinct byte values (a random 32-byte key has about 28)"
        }
        if publishedKeyDigests.contains(SHA256.hex(of: bytes)) || (bytes.count > 32 && publishedKeyDigests.contains(prefixDigest(bytes))) {
            return "the key is published in the Pathlink repository (test vectors or tests): anyone can compute its tokens"
        }
        return nil
    }

    /// The SHA-256 of the first 32 bytes, hashed in place (no copy of key bytes is made).
    private static func prefixDigest(_ bytes: [UInt8]) -> String {
        let hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(32))) }
        return Hex.encode(hasher.finalize())
    }

    /// The remedy for a refused key.
    package static let remedy = "generate a key with `pathlink keygen --output KEYFILE`; only for tests or demonstrations with synthetic data, add --test-key (or `test-key: true` in the pipeline file)"
}
