//! A report as a list of blocks, rendered to Markdown (figures as PNG links) or to one
//! self-contained HTML file (figures as inline SVG).

use std::fmt::Write as _;
use std::path::Path;

use crate::error::ReportError;
use crate::report::plot::PlotFiles;

/// One block of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Section heading of level 1–4.
    Heading(u8, String),
    /// A paragraph of plain text (Markdown inline syntax `**`/`` ` `` allowed).
    Paragraph(String),
    /// A table: header and rows of plain text.
    Table {
        /// Column names (with units).
        header: Vec<String>,
        /// Rows, each as long as the header.
        rows: Vec<Vec<String>>,
    },
    /// A chart: its files (relative to the document) and caption.
    Figure {
        /// PNG and SVG paths, relative to the document's directory.
        files: PlotFiles,
        /// Caption stating what the chart shows and what it was computed from.
        caption: String,
    },
    /// Verbatim text.
    Code {
        /// Language tag (`toml`, `text`).
        language: String,
        /// The text.
        text: String,
    },
    /// A bulleted list.
    List(Vec<String>),
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Render blocks as GitHub-flavoured Markdown.
pub fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(
                    out,
                    "{} {text}\n",
                    "#".repeat(usize::from((*level).clamp(1, 6)))
                );
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::Table { header, rows } => {
                let _ = writeln!(
                    out,
                    "| {} |",
                    header
                        .iter()
                        .map(|h| markdown_cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(
                    out,
                    "|{}|",
                    header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
                );
                for row in rows {
                    let _ = writeln!(
                        out,
                        "| {} |",
                        row.iter()
                            .map(|c| markdown_cell(c))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                }
                out.push('\n');
            }
            Block::Figure { files, caption } => {
                let png = files.png.to_string_lossy().replace('\\', "/");
                let svg = files.svg.to_string_lossy().replace('\\', "/");
                let _ = writeln!(
                    out,
                    "![{}]({png})\n\n*{caption}* ([SVG]({svg}))\n",
                    markdown_cell(caption)
                );
            }
            Block::Code { language, text } => {
                let fence = if text.contains("```") { "````" } else { "```" };
                let _ = writeln!(out, "{fence}{language}\n{}\n{fence}\n", text.trim_end());
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {item}");
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Escape text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escape text and turn Markdown's `**bold**` and `` `code` `` into HTML.
fn inline(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::new();
    let mut bold = false;
    let mut code = false;
    let mut chars = escaped.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                out.push_str(if code { "</code>" } else { "<code>" });
                code = !code;
            }
            '*' if !code && chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(if bold { "</strong>" } else { "<strong>" });
                bold = !bold;
            }
            other => out.push(other),
        }
    }
    if code {
        out.push_str("</code>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}

const STYLE: &str = "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;font-size:0.85em;margin:1em 0;display:block;overflow-x:auto}\
th,td{border:1px solid #bbb;padding:3px 7px;text-align:right;white-space:nowrap}th{background:#eee}\
td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}\
figcaption{font-style:italic;font-size:0.9em}pre{background:#f6f6f6;padding:0.8em;overflow-x:auto}";

/// Render blocks as one self-contained HTML page: the SVG of every figure is read from
/// `base` (the directory the figure paths are relative to) and inlined.
///
/// # Errors
/// [`ReportError::Io`] if a figure's SVG cannot be read.
pub fn to_html(blocks: &[Block], title: &str, base: &Path) -> Result<String, ReportError> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let level = (*level).clamp(1, 6);
                let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", inline(text));
            }
            Block::Table { header, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", inline(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for c in row {
                        let _ = write!(out, "<td>{}</td>", inline(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Figure { files, caption } => {
                let path = base.join(&files.svg);
                let svg = std::fs::read_to_string(&path).map_err(|e| ReportError::io(&path, e))?;
                let svg = match svg.find("<svg") {
                    Some(start) => &svg[start..],
                    None => svg.as_str(),
                };
                let _ = writeln!(
                    out,
                    "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>",
                    inline(caption)
                );
            }
            Block::Code { text, .. } => {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text.trim_end()));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", inline(item));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_pipes_in_tables() {
        let blocks = [Block::Table {
            header: vec!["a".into()],
            rows: vec![vec!["x|y".into()]],
        }];
        assert_eq!(to_markdown(&blocks), "| a |\n|---|\n| x\\|y |\n\n");
    }

    #[test]
    fn html_escapes_and_converts_inline_markup() {
        assert_eq!(
            inline("**n** = `5` < 6 & more"),
            "<strong>n</strong> = <code>5</code> &lt; 6 &amp; more"
        );
    }
}
