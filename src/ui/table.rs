//! Text tables: columns as wide as their widest cell, two spaces apart; no line ends in
//! blanks.

/// `headers` over `rows`, one line each.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let lines: Vec<&Vec<String>> = std::iter::once(&header).chain(rows).collect();
    let mut widths = vec![0; headers.len()];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for line in lines {
        let mut out = String::new();
        for (cell, width) in line.iter().zip(&widths) {
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
        }
        text.push_str(out.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_start_where_the_widest_cell_above_or_below_ends() {
        let rows = vec![
            vec!["dev".to_string(), "1.0.0".to_string(), "x".to_string()],
            vec![
                "production-eu".to_string(),
                "2.0".to_string(),
                String::new(),
            ],
        ];
        let text = table(&["ENV", "VERSION", "NOTE"], &rows);
        assert_eq!(
            text,
            "ENV            VERSION  NOTE\n\
             dev            1.0.0    x\n\
             production-eu  2.0\n"
        );
    }
}
