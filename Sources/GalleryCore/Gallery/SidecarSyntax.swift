/// What a sidecar may not use of YAML, found before a YAML library sees the text: anchors
/// and aliases (`&a`, `*a`: a few hundred bytes of aliases can stand for billions of nodes,
/// and YAML libraries expand them while checking mapping keys for duplicates), tags (`!x`,
/// `!!python/object`: a sidecar is plain data) and nesting deeper than ``maximumDepth``
/// (a decoder recurses per level). Sidecars are written by photographers and admins: none
/// needs any of these.
///
/// A token is an anchor, alias or tag only where a YAML node starts — at the start of a
/// line after its indentation and any `- `, `? ` or `key: `, or after `[`, `{` or `,` in a
/// flow collection — and never inside quotes, comments or block scalars (`|`, `>`): a
/// caption such as `Foto *neu* & mehr` stays allowed.
public enum SidecarSyntax {
    /// Nesting levels at most (flow brackets, block indentation steps).
    public static let maximumDepth = 32

    /// Why `text` is refused, naming the line (1-based); nil when it is allowed.
    public static func problem(in text: String) -> String? {
        var flowDepth = 0
        var blockScalarIndent: Int?  // lines indented more than this belong to a block scalar
        var indents: [Int] = []
        var line = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            line += 1
            let characters = Array(rawLine)
            let indent = characters.prefix { $0 == " " }.count
            let isBlank = characters.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if let scalarIndent = blockScalarIndent {
                if isBlank || indent > scalarIndent { continue }
                blockScalarIndent = nil
            }
            if isBlank { continue }
            if flowDepth == 0 {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                if indents.count > maximumDepth { return "line \(line) nests deeper than \(maximumDepth) levels" }
            }
            var index = indent
            var nodeStart = true
            var quote: Character?
            while index < characters.count {
                let character = characters[index]
                let next: Character = index + 1 < characters.count ? characters[index + 1] : " "
                let nextIsSpace = next == " " || next == "\t" || next == "\r"
                if let open = quote {
                    if character == open {
                        // '' inside single quotes is a quote, not the end.
                        if open == "'" && next == "'" {
                            index += 2
                            continue
                        }
                        quote = nil
                    } else if character == "\\" && open == "\"" {
                        index += 1
                    }
                    index += 1
                    continue
                }
                if character == "#" && (index == 0 || characters[index - 1] == " " || characters[index - 1] == "\t") {
                    break  // a comment: the rest of the line
                }
                if nodeStart && (character == "\"" || character == "'") {
                    quote = character
                    nodeStart = false
                } else if nodeStart && (character == "!" || ((character == "&" || character == "*") && !nextIsSpace)) {
                    let what = character == "&" ? "an anchor" : character == "*" ? "an alias" : "a tag"
                    return "line \(line) uses \(what) (\(character)…); sidecars allow plain values only"
                } else if character == "[" || character == "{" {
                    if nodeStart || flowDepth > 0 {
                        flowDepth += 1
                        if flowDepth + indents.count > maximumDepth {
                            return "line \(line) nests deeper than \(maximumDepth) levels"
                        }
                        nodeStart = true
                    }
                } else if (character == "]" || character == "}") && flowDepth > 0 {
                    flowDepth -= 1
                    nodeStart = false
                } else if character == "," && flowDepth > 0 {
                    nodeStart = true
                } else if (character == "-" || character == "?" || character == ":") && nextIsSpace {
                    nodeStart = true
                } else if character == ":" && flowDepth > 0 {
                    nodeStart = true
                } else if nodeStart && flowDepth == 0 && (character == "|" || character == ">") {
                    // A block scalar: the lines below it, indented more, are text.
                    blockScalarIndent = indent
                    break
                } else if character != " " && character != "\t" && character != "\r" {
                    nodeStart = false
                }
                index += 1
            }
        }
        return nil
    }
}
