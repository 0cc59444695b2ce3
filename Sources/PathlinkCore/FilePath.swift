#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small path and file-system helpers over POSIX, shared by every stage.
package enum FilePath {
    /// Split into (parent folder, last component); the parent of `x` is `.`.
    package static func split(_ path: String) -> (parent: String, name: String) {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", trimmed) }
        let parent = String(trimmed[..<slash])
        return (parent.isEmpty ? "/" : parent, String(trimmed[trimmed.index(after: slash)...]))
    }

    package static func join(_ parent: String, _ name: String) -> String {
        if parent == "." { return name }
        return parent.hasSuffix("/") ? parent + name : parent + "/" + name
    }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The kind of what is at `path` itself (a link is not followed), or nil if nothing is.
    package static func kind(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    package static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The names in a folder, sorted, without `.` and `..`.
    package static func contents(of folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Remove a file or a folder and everything in it, never following a symbolic link.
    ///
    /// A link is removed as a link (its target is left alone), and the walk opens each
    /// folder with `O_NOFOLLOW | O_DIRECTORY` relative to its parent (`openat`), so a
    /// folder swapped for a link half-way cannot send the removal elsewhere.
    package static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 { removeContents(of: descriptor) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Remove everything in the open folder `descriptor` (which it closes), without
    /// following links.
    private static func removeContents(of descriptor: Int32) {
        guard let directory = fdopendir(descriptor) else { close(descriptor); return }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            if unlinkat(descriptor, name, 0) == 0 { continue }
            let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if child >= 0 { removeContents(of: child) }
            unlinkat(descriptor, name, AT_REMOVEDIR)
        }
    }

    /// Remove `.NAME.partial-PID-N` leftovers (and `.old` asides) of an earlier run of
    /// `name` killed with SIGKILL.
    ///
    /// Only what Pathlink can prove it made is removed: the exact name pattern, a process
    /// id that no longer runs, a regular file or folder (never a link, FIFO or device)
    /// owned by the user running Pathlink. A planted link named like a leftover is left
    /// alone, and so is its target.
    package static func removeStalePartials(in folder: String, for name: String) {
        guard !name.isEmpty, name != ".", name != ".." else { return }
        let prefix = ".\(name).partial-"
        for entry in contents(of: folder) where entry.hasPrefix(prefix) {
            var rest = Substring(entry.dropFirst(prefix.count))
            if rest.hasSuffix(".old") { rest = rest.dropLast(4) }
            let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, let serial = Int(parts[1]), serial > 0,
                  parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII) else { continue }
            // Only leftovers of processes that no longer run.
            if pid == getpid() || kill(pid, 0) == 0 || errno == EPERM { continue }
            let path = join(folder, entry)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == geteuid() else { continue }
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFREG || kind == S_IFDIR else { continue }
            removeTree(path)
        }
    }

    /// fsync a folder so that a rename in it is durable.
    static func syncDirectory(_ folder: String) {
        let descriptor = open(folder, O_RDONLY)
        if descriptor >= 0 { fsync(descriptor); close(descriptor) }
    }

    /// Read a whole (small) file: manifests, plans, receipts, keys.
    package static func readAll(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw PathlinkError.io(path: path, operation: "open", remedy: "check that the file exists and that you may read it")
        }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw PathlinkError.io(path: path, operation: "read")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            if result.count > limit {
                throw PathlinkError(.io, file: path, problem: "the file is larger than \(limit >> 20) MiB",
                                    remedy: "check that this is the file you meant to give")
            }
        }
        return result
    }

    /// Read a whole (small) text file as UTF-8.
    package static func readText(_ path: String) throws -> String {
        let bytes = try readAll(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PathlinkError(.invalidDocument, file: path, problem: "the file is not valid UTF-8 text",
                                remedy: "save it as UTF-8")
        }
        return text
    }

    /// Write a small file atomically (temporary + rename).
    /// The file is created owner-only (0600, whatever the umask) unless `mode` says
    /// otherwise; see ``AtomicOutput/createFile()``.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, force: Bool, mode: mode_t = 0o600,
                                        inputs: [String] = []) throws {
        let output = try AtomicOutput(path: path, force: force, inputs: inputs)
        let descriptor = try output.createFile(mode: mode)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                close(descriptor)
                throw PathlinkError.io(path: path, operation: "write")
            }
            written += count
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else { throw PathlinkError.io(path: path, operation: "write") }
        try output.commit()
    }

    /// Write a small text file atomically.
    package static func writeAtomically(_ text: String, to path: String, force: Bool, mode: mode_t = 0o600,
                                        inputs: [String] = []) throws {
        try writeAtomically(Array(text.utf8), to: path, force: force, mode: mode, inputs: inputs)
    }

    /// A path relative to `base` folder when possible (for receipts), else absolute.
    package static func relative(_ path: String, to base: String) -> String {
        let target = absolute(path).split(separator: "/")
        let from = absolute(base).split(separator: "/")
        var common = 0
        while common < target.count && common < from.count && target[common] == from[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = target[common...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// An absolute, `.`/`..`-resolved path (lexically; symbolic links are not followed).
    package static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
            let cwd = getcwd(&buffer, buffer.count) != nil ? String(cString: buffer) : "/"
            full = cwd + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
