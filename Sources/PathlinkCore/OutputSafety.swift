#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an output may be: checked before anything is written, `--force` or not.
///
/// An output is refused when what stands at its path is a symbolic link, a FIFO, a
/// device or a socket (replacing it would follow the link or swallow the stream), and
/// when it is, contains, or lies inside one of the command's inputs (so `--force` can
/// never replace or delete an input). Paths are compared after resolving links
/// (`realpath`), and files also by device and inode (a hard link is the same file).
package enum OutputSafety {
    /// Refuse `output` if its kind is not a regular file or folder, or if it overlaps
    /// any of `inputs`.
    /// - Throws: `.usage` naming the output and the input concerned.
    package static func check(output: String, inputs: [String]) throws {
        if let kind = FilePath.kind(output), kind != S_IFREG, kind != S_IFDIR {
            let what = kind == S_IFLNK ? "a symbolic link" : kind == S_IFIFO ? "a FIFO (named pipe)"
                : kind == S_IFSOCK ? "a socket" : "a device"
            throw PathlinkError(.usage, file: output, problem: "the output path is \(what); Pathlink never writes through or over one, even with --force",
                                remedy: "give the path of a regular file or folder (remove the \(kind == S_IFLNK ? "link" : "special file") yourself if it is yours)")
        }
        let resolvedOutput = resolved(output)
        for input in inputs where !input.isEmpty {
            let resolvedInput = resolved(input)
            let relation: String?
            if resolvedInput == resolvedOutput || sameFile(input, output) {
                relation = "is the input \(input)"
            } else if resolvedInput.hasPrefix(resolvedOutput == "/" ? "/" : resolvedOutput + "/") {
                relation = "contains the input \(input)"
            } else if resolvedOutput.hasPrefix(resolvedInput == "/" ? "/" : resolvedInput + "/") {
                relation = "lies inside the input \(input)"
            } else {
                relation = nil
            }
            if let relation {
                throw PathlinkError(.usage, file: output, problem: "the output \(relation); writing it would replace or delete an input, so it is refused even with --force",
                                    remedy: "choose an output path outside every input file and folder")
            }
        }
    }

    /// `path` with every link resolved: `realpath` of the longest part that exists, with
    /// the rest (not yet created) appended lexically.
    package static func resolved(_ path: String) -> String {
        var head = FilePath.absolute(path)
        var tail: [String] = []
        while head != "/" {
            if let real = realpath(head, nil) {
                defer { free(real) }
                let base = String(cString: real)
                return tail.reversed().reduce(base) { FilePath.join($0, $1) }
            }
            let (parent, name) = FilePath.split(head)
            tail.append(name)
            head = parent
        }
        return "/" + tail.reversed().joined(separator: "/")
    }

    private static func sameFile(_ first: String, _ second: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}
