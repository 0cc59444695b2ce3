import Foundation
import PathlinkCore
@testable import Reporting
import Testing

/// `tables.ods`, the release as a spreadsheet publication (issue 17, item 4): a cover
/// sheet, contents, notes and one table per sheet, written by Pathlink itself as a stored zip.
@Suite("ODS workbook")
struct WorkbookTests {
    @Test("CRC-32 is the ZIP one (check value of \"123456789\") and the mimetype entry comes first, stored")
    func storedZip() {
        #expect(StoredZip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(StoredZip.crc32([]) == 0)
        var zip = StoredZip()
        zip.add("mimetype", OpenDocumentWorkbook.mimeType)
        zip.add("content.xml", "<x/>")
        let bytes = zip.bytes()
        #expect(Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(bytes[8] == 0 && bytes[9] == 0, "method 0: stored")
        #expect(String(decoding: bytes[30..<38], as: UTF8.self) == "mimetype")
        #expect(String(decoding: bytes[38..<(38 + OpenDocumentWorkbook.mimeType.utf8.count)], as: UTF8.self) == OpenDocumentWorkbook.mimeType,
                "the media type right after the first name: no extra field (ODF 1.3, part 2, 3.3)")
        #expect(Array(bytes.suffix(22).prefix(4)) == [0x50, 0x4B, 0x05, 0x06], "ends with the end-of-central-directory record")
    }

    @Test("XML text escapes markup and drops characters XML cannot hold")
    func escaping() {
        #expect(OpenDocumentWorkbook.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot; ")
        #expect(OpenDocumentWorkbook.isNumber("12") && OpenDocumentWorkbook.isNumber("33.3") && OpenDocumentWorkbook.isNumber("-1"))
        #expect(!OpenDocumentWorkbook.isNumber("[c]") && !OpenDocumentWorkbook.isNumber("") && !OpenDocumentWorkbook.isNumber("1.2.3")
                && !OpenDocumentWorkbook.isNumber(".5") && !OpenDocumentWorkbook.isNumber("1e5"))
    }

    @Test("the same release gives the same workbook bytes")
    func deterministic() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, PublicationTests.rows(60))
        try runReport(scratch, spec: PublicationTests.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n", output: "one")
        try runReport(scratch, spec: PublicationTests.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n", output: "two")
        let one = try #require(FileManager.default.contents(atPath: scratch.file("one/tables.ods")))
        let two = try #require(FileManager.default.contents(atPath: scratch.file("two/tables.ods")))
        #expect(one.count > 1000 && one == two)
    }

    @Test("pandas (odfpy) reads the workbook: cover, contents, notes, one sheet per table with the wide CSV's cells, numbers as numbers",
          .enabled(if: PythonWithPandas.canImport("odf"), "no python3 with pandas and odfpy (scripts/install-deps installs python3-odf)"))
    func readBack() throws {
        let scratch = Scratch()
        let linked = scratch.linked(smallHeader, PublicationTests.rows(60) + [["61", "p61", "M", "North", "Withdrawn", "2024-01", "MK2"]])
        try runReport(scratch, spec: PublicationTests.spec, linked: linked, policy: "policy: 1\nthreshold: 3\n")
        let script = """
        import csv, json, sys, zipfile, pandas
        import xml.etree.ElementTree as ET
        folder = sys.argv[1]
        problems = []
        path = folder + "/tables.ods"
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if names[0] != "mimetype" or z.read("mimetype") != b"application/vnd.oasis.opendocument.spreadsheet":
                problems.append("mimetype is not the first entry")
            if any(i.compress_type != zipfile.ZIP_STORED for i in z.infolist()):
                problems.append("an entry is compressed")
            if z.testzip() is not None:
                problems.append("CRC mismatch: " + z.testzip())
            content = ET.fromstring(z.read("content.xml"))
            ET.fromstring(z.read("META-INF/manifest.xml"))
            ET.fromstring(z.read("styles.xml"))
        ns = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0", "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}
        floats = content.findall(".//table:table-cell[@office:value-type='float']", ns)
        if not floats:
            problems.append("no number cells")
        tables = json.load(open(folder + "/tables.json"))["tables"]
        sheets = pandas.read_excel(path, engine="odf", sheet_name=None, header=None)
        expected = ["Cover", "Contents", "Notes"] + ["Table_%d" % (i + 1) for i in range(len(tables))]
        if list(sheets) != expected:
            problems.append("sheets: %s" % list(sheets))
        contents = sheets["Contents"]
        listed = list(contents.iloc[3:, 0])
        if listed != expected[3:]:
            problems.append("contents lists %s" % listed)
        if list(contents.iloc[3:, 2]) != [t["id"] for t in tables]:
            problems.append("contents ids")
        notes = sheets["Notes"]
        if not str(notes.iloc[3, 0]).startswith("[note 1]"):
            problems.append("notes sheet")
        if "[c]" not in " ".join(str(v) for v in sheets["Cover"].iloc[:, 0]):
            problems.append("the cover does not explain [c]")
        for index, table in enumerate(tables):
            name = "Table_%d" % (index + 1)
            sheet = pandas.read_excel(path, engine="odf", sheet_name=name, header=None, skiprows=3, dtype=object)
            title = sheets[name].iloc[0, 0]
            if not str(title).startswith("Table %d: %s" % (index + 1, table["title"])):
                problems.append(name + " title " + str(title))
            if table["notes"] and "[note " not in str(title):
                problems.append(name + " title names no note")
            wide = list(csv.reader(open(folder + "/" + table["id"] + ".wide.csv", newline="")))
            if [str(c) for c in sheet.iloc[0]] != wide[0]:
                problems.append(name + " header %s" % list(sheet.iloc[0]))
            if len(sheet) != len(wide):
                problems.append(name + " rows %d vs %d" % (len(sheet), len(wide)))
                continue
            labels = len(wide[0]) - sum(1 for h in wide[0] if h not in table["dimensions"])
            for r in range(1, len(wide)):
                for c, text in enumerate(wide[r]):
                    value = sheet.iloc[r, c]
                    try:
                        number = float(text)
                        is_number = c >= labels
                    except ValueError:
                        is_number = False
                    if is_number:
                        if isinstance(value, str) or float(value) != number:
                            problems.append("%s r%d c%d: %r is not the number %s" % (name, r, c, value, text))
                    elif str(value) != text:
                        problems.append("%s r%d c%d: %r != %r" % (name, r, c, value, text))
        print(len(tables), "tables;", "problems:", "; ".join(problems[:10]) if problems else "none")
        sys.exit(1 if problems else 0)
        """
        let (status, output) = try PythonWithPandas.run(script, argument: scratch.file("release"))
        #expect(status == 0, "\(output)")
        #expect(output.contains("problems: none"), "\(output)")
    }
}

extension PythonWithPandas {
    /// Whether that python3 can also import `module` (odfpy's `odf`, for `read_excel(engine="odf")`).
    static func canImport(_ module: String) -> Bool {
        guard let path else { return false }
        return (try? run(path, ["-c", "import \(module)"]))?.0 == 0
    }
}
