/// A table rendered as aligned text, GitHub markdown or CSV.
public struct Table: Sendable {
    public struct Column: Sendable {
        public var header: String
        public var alignRight: Bool

        public init(_ header: String, right: Bool = false) {
            self.header = header
            self.alignRight = right
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table without the columns whose every cell is empty, except `keeping`.
    func droppingEmptyColumns(keeping: [Int]) -> Table {
        let kept = columns.indices.filter { column in keeping.contains(column) || rows.contains { column < $0.count && !$0[column].isEmpty } }
        var table = Table(columns: kept.map { columns[$0] })
        for row in rows { table.append(kept.map { $0 < row.count ? row[$0] : "" }) }
        return table
    }

    /// Columns padded to their widest cell, two spaces apart.
    public func text() -> String {
        var widths = columns.map { $0.header.count }
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        var lines: [String] = []
        lines.reserveCapacity(rows.count + 2)
        lines.append(line(columns.map(\.header), widths))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows { lines.append(line(row, widths)) }
        return lines.joined(separator: "\n")
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var text = ""
        for (column, cell) in cells.enumerated() {
            // A last left-aligned column needs no padding: a long cell there (a list of
            // names) would otherwise pad every other row to its width.
            let last = column == cells.count - 1 && !columns[column].alignRight
            let padding = last ? "" : String(repeating: " ", count: max(0, widths[column] - cell.count))
            if column > 0 { text += "  " }
            text += columns[column].alignRight ? padding + cell : cell + padding
        }
        return text.trimmedRight()
    }

    /// A GitHub-flavoured markdown table; `|` in cells is escaped.
    public func markdown() -> String {
        var lines = ["| " + columns.map(\.header).joined(separator: " | ") + " |",
                     "|" + columns.map { $0.alignRight ? "---:|" : "---|" }.joined()]
        for row in rows {
            lines.append("| " + row.map { $0.replacingAll("|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted.
    public func csv() -> String {
        ([columns.map(\.header)] + rows).map { row in
            row.map { cell in
                cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + cell.replacingAll("\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",")
        }.joined(separator: "\n")
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
