/// Rows printed as columns padded to the widest cell, two spaces apart; the last column is never padded.
struct TextTable {
    private var rows: [[String]]

    /// A table with a header row.
    init(header: [String]) {
        rows = [header]
    }

    /// Appends a row; missing trailing cells print empty.
    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table's lines, each prefixed with `indent`, without a final newline.
    func render(indent: String = "") -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return rows.map { row in
            var line = indent
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            return String(line.reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
    }
}
