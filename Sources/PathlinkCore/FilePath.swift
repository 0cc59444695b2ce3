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

    /// Remove a file or a folder and everything in it.
    package static func removeTree(_ path: String) {
        if isDirectory(path) {
            for name in contents(of: path) { removeTree(join(path, name)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Remove `.NAME.partial-*` leftovers of an earlier run killed with SIGKILL.
    static func removeStalePartials(in folder: String, for name: String) {
        let prefix = ".\(name).partial-"
        for entry in contents(of: folder) where entry.hasPrefix(prefix) {
            // Only leftovers of processes that no longer run.
            let rest = entry.dropFirst(prefix.count)
            if let pid = Int32(rest.prefix { $0 != "-" }), pid != getpid(), kill(pid, 0) == 0 { continue }
            removeTree(join(folder, entry))
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
    package static func writeAtomically(_ bytes: [UInt8], to path: String, force: Bool, mode: mode_t = 0o644) throws {
        let output = try AtomicOutput(path: path, force: force)
        let descriptor = open(output.temporaryPath, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw PathlinkError.io(path: path, operation: "create") }
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
    package static func writeAtomically(_ text: String, to path: String, force: Bool, mode: mode_t = 0o644) throws {
        try writeAtomically(Array(text.utf8), to: path, force: force, mode: mode)
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
