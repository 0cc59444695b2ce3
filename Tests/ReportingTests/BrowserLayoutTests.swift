import Foundation
import PathlinkCore
@testable import Reporting
import Testing

/// report.html in a real browser (issue 17): headless Chromium at a phone's 390 px and a
/// desktop's 1280 px, and printed to PDF. Skipped, saying why, on a machine without
/// `chromium` and `pdftotext` (scripts/install-deps installs both).
@Suite("report.html in headless Chromium", .enabled(if: Browser.chromium != nil && Browser.pdftotext != nil,
                                                   "chromium or pdftotext (poppler-utils) not installed: run scripts/install-deps"))
struct BrowserLayoutTests {
    /// The example spec's release over 400 synthetic persons (linkage-quality section included).
    static func release(_ scratch: Scratch) throws -> String {
        let linked = scratch.linked(ExampleData.header, ExampleData.rows(persons: 400))
        try ReportStage(specPath: exampleSpecPath, inputPath: linked, outputPath: scratch.file("release")).run()
        return scratch.file("release/report.html")
    }

    /// Loads the page with a probe script added (the published page has none) and returns
    /// what it measured: the page's scrollWidth, the viewport width, the number of charts and
    /// the charts that stick out of their container. Headless Chromium will not make a window
    /// narrower than 500 px, so the page is shown in an iframe exactly `width` px wide: an
    /// iframe is a viewport of its own (its media queries and scrollWidth are the page's).
    static func measure(_ page: String, width: Int, scratch: Scratch) throws -> [String: String] {
        let probe = """
        <script>
        const charts = [...document.querySelectorAll('svg.chart')];
        const outside = charts.filter(c => { const r = c.getBoundingClientRect(), p = c.parentElement.getBoundingClientRect();
          return r.width < 1 || r.left < p.left - 0.5 || r.right > p.right + 0.5; }).length;
        const out = parent.document.createElement('pre'); out.id = 'probe';
        out.textContent = 'PROBE scrollWidth=' + document.documentElement.scrollWidth + ' innerWidth=' + window.innerWidth
          + ' charts=' + charts.length + ' outside=' + outside + ' END';
        parent.document.body.appendChild(out);
        </script>
        """
        let html = try String(contentsOfFile: page, encoding: .utf8).replacingOccurrences(of: "</body>", with: probe + "</body>")
        let attribute = html.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
        let frame = "<!DOCTYPE html><html><body style=\"margin:0\"><iframe style=\"width:\(width)px;height:1500px;border:0;display:block\" srcdoc=\"\(attribute)\"></iframe></body></html>"
        let probed = scratch.write("probe-\(width).html", frame)
        let (_, output) = try Browser.run(Browser.chromium!, Browser.flags + ["--window-size=\(max(width + 40, 800)),1600", "--dump-dom", "file://" + probed])
        guard let start = output.range(of: "<pre id=\"probe\">PROBE "), let end = output.range(of: " END", range: start.upperBound..<output.endIndex) else {
            Issue.record("the probe did not run: \(output.suffix(400))")
            return [:]
        }
        var values: [String: String] = [:]
        for pair in output[start.upperBound..<end.lowerBound].split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    @Test("at 390 px and 1280 px nothing is wider than the viewport and every chart fits its container", arguments: [390, 1280])
    func fitsViewport(width: Int) throws {
        let scratch = Scratch()
        let page = try Self.release(scratch)
        let measured = try Self.measure(page, width: width, scratch: scratch)
        let viewport = try #require(measured["innerWidth"].flatMap(Int.init))
        #expect(viewport == width, "the window size took effect")
        let scrollWidth = try #require(measured["scrollWidth"].flatMap(Int.init))
        #expect(scrollWidth <= viewport, "document scrollWidth \(scrollWidth) > viewport \(viewport)")
        #expect((measured["charts"].flatMap(Int.init) ?? 0) > 10, "the charts were found")
        #expect(measured["outside"] == "0", "charts outside their container: \(measured["outside"] ?? "?")")
    }

    @Test("printed to PDF, the first page holds more than the title")
    func printedFirstPage() throws {
        let scratch = Scratch()
        let page = try Self.release(scratch)
        let pdf = scratch.file("report.pdf")
        _ = try Browser.run(Browser.chromium!, Browser.flags + ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + page])
        #expect(FileManager.default.fileExists(atPath: pdf))
        let (status, text) = try Browser.run(Browser.pdftotext!, ["-f", "1", "-l", "1", "-layout", pdf, "-"])
        #expect(status == 0)
        let spec = try ReportSpec.load(path: exampleSpecPath)
        #expect(text.contains("Victims"), "the title is on page 1")
        let firstSection = try #require(spec.tables.first?.title)
        #expect(text.contains("Contents"), "the contents follow the title on page 1")
        #expect(text.contains(String(firstSection.prefix(20))), "page 1 is not title-only: \(text.prefix(600))")
    }
}

enum Browser {
    static let chromium = find(["chromium", "chromium-browser", "google-chrome"])
    static let pdftotext = find(["pdftotext"])
    /// Headless, no sandbox (CI runs as root), no GPU, and no network (the page needs none).
    static let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--proxy-server=127.0.0.1:9", "--virtual-time-budget=2000"]

    static func find(_ names: [String]) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init) + ["/usr/bin"]
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) { return folder + "/" + name }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString).txt").path
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let handle = FileHandle(forWritingAtPath: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = FileManager.default.temporaryDirectory.path
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        try? handle?.close()
        return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
