import PathlinkCore

/// The folders (and files) `verify` may read: those named on its command line and by
/// `--root`. A path a receipt names is read only when, with every symbolic link resolved
/// (`realpath`), it lies inside one of them — so a receipt naming `/etc/shadow`,
/// `../../elsewhere` or a link out of the folder makes `verify` read nothing there.
struct VerifiedRoots {
    /// Each root with its links resolved.
    private(set) var resolved: [String] = []

    /// Add `path` (a folder or a file) as a root.
    mutating func add(_ path: String) {
        let real = OutputSafety.resolved(path)
        if !resolved.contains(real) { resolved.append(real) }
    }

    /// `path` with its links resolved, when that lies inside a root; nil when it lies
    /// outside every root (then it must not be read).
    func confined(_ path: String) -> String? {
        let real = OutputSafety.resolved(path)
        for root in resolved where real == root || real.hasPrefix(root == "/" ? "/" : root + "/") {
            return real
        }
        return nil
    }
}
