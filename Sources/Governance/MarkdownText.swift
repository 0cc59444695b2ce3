/// Text written by a document's author, made inert for Markdown (and the HTML it becomes).
///
/// Review sheets show what a manifest, plan, spec or policy author wrote; a reviewer
/// approves what they see. So a description may not add a table row (`|`, a line break),
/// a fake "APPROVED" cell, a link (`[x](javascript:…)`), an image or raw HTML (`<script>`).
package enum MarkdownText {
    /// Escape the characters that make emphasis, code, links, images, table cells and
    /// strike-through with a backslash, `&`, `<` and `>` as HTML entities, and turn line
    /// breaks and tabs into spaces. (The text is always placed after a list marker or a
    /// cell bar, so characters that matter only at a line's start need no escape.)
    package static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\n", "\r", "\r\n", "\t", "\u{2028}", "\u{2029}", "\u{85}": result += " "
            case "\\", "`", "*", "_", "[", "]", "!", "|", "~":
                result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }
}
