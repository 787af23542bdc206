import BulwarkCore

/// Lines of the scanned files around findings, for reports that show the offending source (the
/// HTML report's per-object sections). Reporters stay pure: the command reads the files once,
/// through `collect`, and hands the excerpts in `ReportFormat.Options.sources`.
///
/// Bounded and sanitised: only lines within `context` of a requested line are kept, at most
/// `Limits.linesPerFile` per file and `Limits.totalLines` in all; each line loses its control
/// characters, is cut at `Limits.lineLength` characters and has credential-looking values redacted
/// (`SecretDetector`), so a report never carries more of a file than the lines around its findings,
/// nor a secret that sits next to a finding.
public struct SourceExcerpts: Sendable, Equatable {
    /// Consecutive lines of one file, starting at 1-based `firstLine`.
    public struct Excerpt: Sendable, Equatable {
        public var firstLine: Int
        public var lines: [String]

        public init(firstLine: Int, lines: [String]) {
            self.firstLine = firstLine
            self.lines = lines
        }

        public var lastLine: Int { firstLine + lines.count - 1 }
    }

    public struct Limits: Sendable, Equatable {
        /// Lines before and after each requested line.
        public var context: Int
        public var linesPerFile: Int
        public var totalLines: Int
        /// Characters kept of one line (the rest becomes `…`).
        public var lineLength: Int
        /// Files larger than this are not read for excerpts.
        public var fileBytes: Int

        public init(context: Int = 3, linesPerFile: Int = 2_000, totalLines: Int = 50_000, lineLength: Int = 240,
                    fileBytes: Int = 16 << 20) {
            self.context = context
            self.linesPerFile = linesPerFile
            self.totalLines = totalLines
            self.lineLength = lineLength
            self.fileBytes = fileBytes
        }

        public static let standard = Limits()
    }

    /// The excerpts of each file, sorted by first line, never overlapping.
    public var files: [String: [Excerpt]]
    /// Requested lines that got no excerpt because a cap was reached (not files that could not be read).
    public var linesLeftOut: Int

    public init(files: [String: [Excerpt]] = [:], linesLeftOut: Int = 0) {
        self.files = files
        self.linesLeftOut = linesLeftOut
    }

    public static let none = SourceExcerpts()

    /// The lines `context` either side of `line` in `file`, as far as they were collected (cut at
    /// the file's ends); nil when the line itself was not collected.
    public func excerpt(file: String, line: Int, context: Int = 3) -> Excerpt? {
        guard line > 0, let excerpts = files[file],
              let excerpt = excerpts.first(where: { $0.firstLine <= line && line <= $0.lastLine })
        else { return nil }
        let first = max(excerpt.firstLine, line - context)
        let last = min(excerpt.lastLine, line + context)
        return Excerpt(firstLine: first, lines: Array(excerpt.lines[(first - excerpt.firstLine)...(last - excerpt.firstLine)]))
    }

    /// Reads the lines around `locations` (text positions; binary ones, line 0, are ignored) with
    /// `read`, which returns a file's bytes or nil when it cannot or should not be read. Locations
    /// are served in the order given, so the first ones get their excerpts when a cap is reached.
    public static func collect(
        around locations: [SourceLocation], limits: Limits = .standard, read: (String) -> [UInt8]?
    ) -> SourceExcerpts {
        // Wanted line ranges per file, in the order files are first asked for.
        var order: [String] = []
        var wanted: [String: [ClosedRange<Int>]] = [:]
        for location in locations where location.line > 0 && location.offset == nil {
            let range = max(1, location.line - limits.context)...(location.line + limits.context)
            if wanted[location.file] == nil { order.append(location.file) }
            wanted[location.file, default: []].append(range)
        }
        var result = SourceExcerpts()
        var total = 0
        for file in order {
            let ranges = wanted[file] ?? []
            guard total < limits.totalLines else {
                result.linesLeftOut += ranges.count
                continue
            }
            guard let bytes = read(file), bytes.count <= limits.fileBytes, !bytes.contains(0) else { continue }
            let lines = Self.lines(of: bytes)
            var kept: [ClosedRange<Int>] = []
            var keptLines = Set<Int>()
            for range in ranges {
                let upper = min(range.upperBound, lines.count)
                guard range.lowerBound <= upper else { continue }
                let clamped = range.lowerBound...upper
                let added = clamped.count { !keptLines.contains($0) }
                if keptLines.count + added > limits.linesPerFile || total + added > limits.totalLines {
                    result.linesLeftOut += 1
                    continue
                }
                kept.append(clamped)
                keptLines.formUnion(clamped)
                total += added
            }
            let merged = merge(kept)
            guard !merged.isEmpty else { continue }
            result.files[file] = merged.map { range in
                Excerpt(firstLine: range.lowerBound,
                        lines: ((range.lowerBound - 1)...(range.upperBound - 1)).map { index in
                            sanitise(lines[index], after: index > 0 ? lines[index - 1] : nil, limit: limits.lineLength)
                        })
            }
        }
        return result
    }

    /// Sorted, overlapping or touching ranges joined.
    static func merge(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var merged: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The lines of a text (UTF-8, a byte-order mark dropped, LF or CRLF).
    static func lines(of bytes: [UInt8]) -> [Substring] {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // "\r\n" is one Character, so both separators are named.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// One line as a report may show it: tabs as spaces, other control and format characters
    /// dropped, cut at `limit` characters, credential-looking values redacted.
    /// `after` is the line before it, for a value whose key is there (`- name: HF_TOKEN` then `value: …`).
    public static func sanitise(_ line: some StringProtocol, after previous: Substring? = nil,
                                limit: Int = Limits.standard.lineLength) -> String {
        var clean = ""
        var characters = 0
        for scalar in line.unicodeScalars {
            if characters >= limit {
                clean += "…"
                break
            }
            switch scalar.value {
            case 0x09: clean += "    "
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: continue
            default: clean.unicodeScalars.append(scalar)
            }
            characters += 1
        }
        return redactingSecrets(clean, after: previous)
    }

    /// Known token formats, and values of credential-named keys (`password: …`, `API_KEY=…`,
    /// `value:` after `name: HF_TOKEN`) or high-entropy words, replaced by `SecretDetector.redact`.
    static func redactingSecrets(_ line: String, after previous: Substring? = nil) -> String {
        var text = line
        // A Kubernetes env entry: `- name: DB_PASSWORD` on the line before `value: …`.
        if let previous, let name = previous.split(separator: "name:", maxSplits: 1).last, previous.contains("name:"),
           SecretDetector.isSensitiveName(name.trimmingCharacters(in: " \"'")),
           let range = text.firstRange(of: "value: ") {
            let value = text[range.upperBound...].trimmingCharacters(in: " \"'")
            if !value.isEmpty, !SecretDetector.isReference(value), !SecretDetector.isPlaceholder(value) {
                return String(text[..<range.upperBound]) + SecretDetector.redact(value)
            }
        }
        let matches = SecretDetector.scan(value: text)
        if !matches.isEmpty {
            var bytes = Array(text.utf8)
            for match in matches.reversed() where match.range.upperBound <= bytes.count {
                let secret = String(decoding: bytes[match.range], as: UTF8.self)
                bytes.replaceSubrange(match.range, with: Array(SecretDetector.redact(secret).utf8))
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        // `key: value` and `KEY=value` under a credential name.
        for separator in [": ", "="] {
            guard let range = text.firstRange(of: separator) else { continue }
            let key = text[..<range.lowerBound].trimmingCharacters(in: " -\"'")
            let value = text[range.upperBound...].trimmingCharacters(in: " \"'")
            if !value.isEmpty, !value.contains("…("), SecretDetector.isSensitiveName(key),
               !SecretDetector.isReference(value), !SecretDetector.isPlaceholder(value) {
                return String(text[..<range.upperBound]) + SecretDetector.redact(value)
            }
        }
        // Any high-entropy word (a base64 Secret value, a key body).
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        for word in words {
            let token = String(word).trimmingCharacters(in: "\"',;")
            // Not host names, image references, URLs or dotted versions (a key body has no `.` or `:`).
            if token.count >= 16, !token.contains("."), !token.contains(":"), SecretDetector.looksLikeSecretValue(token), let range = text.firstRange(of: token) {
                text.replaceSubrange(range, with: SecretDetector.redact(token))
            }
        }
        return text
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        var slice = self[...]
        while let first = slice.first, drop.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, drop.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
