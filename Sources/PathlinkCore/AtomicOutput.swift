#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An output that appears whole or not at all.
///
/// Content is written to a hidden temporary sibling (`.NAME.partial-PID-N`) and renamed
/// over the final path by ``commit()``. Until then nothing exists at the final path; if
/// the process is interrupted (SIGINT, SIGTERM, SIGHUP) the temporary is removed by
/// ``InterruptCleanup``; after a SIGKILL a hidden `.partial-` file may remain, which is
/// never mistaken for an output and is removed by the next run writing the same path.
///
/// Folders work the same way: the folder is built under a temporary name and renamed.
///
/// Files are created owner-only (0600) and folders 0700, whatever the umask: outputs hold
/// personal data, tokens or keys. An output path that is a link, FIFO or device, or that
/// is, contains or lies inside an input, is refused before anything is written
/// (``OutputSafety``), `--force` or not.
package final class AtomicOutput {
    /// The final path.
    package let path: String
    /// Where content is written until ``commit()``.
    package let temporaryPath: String
    package let isDirectory: Bool
    private let force: Bool
    private var committed = false

    /// Refuse an output whose folder does not exist or is not writable: a stage calls this
    /// before any long work, so that a typo in the output path costs nothing.
    /// - Throws: `.io`, naming the output and its folder.
    package static func checkFolder(of path: String) throws {
        let parent = FilePath.split(path).parent
        guard FilePath.isDirectory(parent) else {
            throw PathlinkError(
                .io, file: path, problem: "the folder \(parent) does not exist",
                remedy: "create the folder first, or choose an output path in an existing folder")
        }
        guard access(parent, W_OK) == 0 else {
            throw PathlinkError(
                .io, file: path, problem: "the folder \(parent) is not writable",
                remedy: "choose an output path in a folder you can write to")
        }
    }

    /// Prepare an output at `path`.
    /// - Parameter inputs: the command's inputs; the output may not be, contain or lie
    ///   inside any of them.
    /// - Throws: `.usage` for an unsafe output (``OutputSafety``); `.outputExists` if
    ///   `path` exists and `force` is false; `.io` if the folder it goes in does not exist
    ///   or is not writable.
    package init(path: String, isDirectory: Bool = false, force: Bool, inputs: [String] = []) throws {
        self.path = path
        self.isDirectory = isDirectory
        self.force = force
        let (parent, name) = FilePath.split(path)
        try OutputSafety.check(output: path, inputs: inputs)
        if FilePath.exists(path) && !force {
            throw PathlinkError(
                .outputExists, file: path, problem: "the output already exists",
                remedy: "choose another output path, or add --force to replace it")
        }
        try Self.checkFolder(of: path)
        FilePath.removeStalePartials(in: parent, for: name)
        temporaryPath = FilePath.join(parent, ".\(name).partial-\(getpid())-\(AtomicOutput.nextSerial())")
        // Registered before it exists, so an interrupt at any moment finds it.
        InterruptCleanup.shared.register(temporaryPath)
        if isDirectory {
            let temporaryPath = self.temporaryPath
            let made = InterruptCleanup.shared.creating { mkdir(temporaryPath, 0o700) == 0 && chmod(temporaryPath, 0o700) == 0 }
            guard made else {
                InterruptCleanup.shared.unregister(temporaryPath)
                throw PathlinkError.io(path: path, operation: "create a temporary folder for")
            }
        }
    }

    /// Create the temporary file (never following a link, never an existing file) with
    /// exactly `mode` — 0600 unless asked — whatever the umask.
    /// - Returns: the open descriptor, for writing; the caller closes it.
    package func createFile(mode: mode_t = 0o600) throws -> Int32 {
        precondition(!isDirectory, "createFile on a folder output")
        let temporaryPath = self.temporaryPath
        let descriptor = InterruptCleanup.shared.creating { open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode) }
        guard descriptor >= 0 else { throw PathlinkError.io(path: path, operation: "create") }
        guard fchmod(descriptor, mode) == 0 else {
            close(descriptor)
            throw PathlinkError.io(path: path, operation: "set the permissions of")
        }
        return descriptor
    }

    /// Create a folder inside a folder output, 0700 whatever the umask.
    package static func makeFolder(_ path: String, reportedAs shown: String) throws {
        guard mkdir(path, 0o700) == 0, chmod(path, 0o700) == 0 else {
            throw PathlinkError.io(path: shown, operation: "create")
        }
    }

    /// Make the output appear at its final path (replacing an old one when forced).
    package func commit() throws {
        precondition(!committed, "AtomicOutput committed twice")
        // Under the interrupt lock: an interrupt now waits for the renames to finish, and
        // then finds nothing of ours to remove (InterruptCleanup).
        let aside: String? = try InterruptCleanup.shared.committing(temporaryPath) {
            if isDirectory {
                if FilePath.exists(path) {
                    guard force else {
                        throw PathlinkError(.outputExists, file: path, problem: "the output appeared while Pathlink was writing it",
                                            remedy: "run again, with --force to replace it")
                    }
                    let aside = temporaryPath + ".old"
                    guard rename(path, aside) == 0 else { throw PathlinkError.io(path: path, operation: "replace") }
                    guard rename(temporaryPath, path) == 0 else {
                        _ = rename(aside, path)
                        throw PathlinkError.io(path: path, operation: "replace")
                    }
                    return aside
                }
                guard rename(temporaryPath, path) == 0 else { throw PathlinkError.io(path: path, operation: "write") }
            } else {
                if !force && FilePath.exists(path) {
                    throw PathlinkError(.outputExists, file: path, problem: "the output appeared while Pathlink was writing it",
                                        remedy: "run again, with --force to replace it")
                }
                guard rename(temporaryPath, path) == 0 else { throw PathlinkError.io(path: path, operation: "write") }
            }
            return nil
        }
        committed = true
        if let aside {
            InterruptCleanup.shared.register(aside)
            FilePath.removeTree(aside)
            InterruptCleanup.shared.unregister(aside)
        }
        FilePath.syncDirectory(FilePath.split(path).parent)
    }

    /// Remove the temporary (on failure). Safe to call after ``commit()``.
    package func discard() {
        guard !committed else { return }
        if isDirectory { FilePath.removeTree(temporaryPath) } else { unlink(temporaryPath) }
        InterruptCleanup.shared.unregister(temporaryPath)
    }

    deinit { discard() }

    private static let serial = Atomic<Int>(0)
    private static func nextSerial() -> Int {
        serial.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

extension PathlinkError {
    /// An I/O failure with the system's reason (`strerror(errno)`), which never holds data.
    package static func io(path: String, operation: String, remedy: String? = nil) -> PathlinkError {
        let reason = String(cString: strerror(errno))
        return PathlinkError(.io, file: path, problem: "could not \(operation) the file: \(reason)",
                             remedy: remedy ?? "check the path, the permissions and the free disk space, then run again")
    }
}
