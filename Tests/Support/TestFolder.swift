import Foundation
import PathlinkCore

/// A fresh temporary folder for a test, removed (with everything in it) when released.
public final class TestFolder {
    public let path: String

    public init() {
        let template = NSTemporaryDirectory() + "pathlink-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { FilePath.removeTree(path) }

    /// Write `bytes` to `name` in the folder; return its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Every file name in the folder, hidden ones included.
    public var contents: [String] { FilePath.contents(of: path) }
}
