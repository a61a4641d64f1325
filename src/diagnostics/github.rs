//! Diagnostics as GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's files:
//!
//! ```text
//! ::error file=policies/a.policy,line=3,col=5,endLine=3,endColumn=9,title=E0201::unknown input `coersion`
//! ```
//!
//! The message (the command's data) escapes `%`, `\r` and `\n`; property values also
//! escape `:` and `,`, which would otherwise end the value. Secondary labels have no
//! place of their own in an annotation, so they are appended to the message with their
//! positions.

use super::{Diagnostic, LabelStyle, Severity};
use crate::source::Sources;

/// Escapes the data of a workflow command (after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`file=...`, `title=...`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// The workflow command line for one diagnostic.
pub fn annotation(sources: &Sources, d: &Diagnostic) -> String {
    let mut props: Vec<String> = Vec::new();
    let primary = d.labels.iter().find(|l| l.style == LabelStyle::Primary);
    if let Some(l) = primary {
        let (line, col) = sources.line_col(l.file, l.span.start);
        let (end_line, end_col) = sources.line_col(l.file, l.span.end.max(l.span.start));
        let name = sources.name(l.file).replace('\\', "/");
        let name = name.strip_prefix("./").unwrap_or(&name).to_string();
        props.push(format!("file={}", escape_property(&name)));
        props.push(format!("line={line}"));
        // GitHub ignores columns on an annotation that spans lines; give them anyway,
        // the runner accepts them and other readers of the log can use them.
        props.push(format!("col={col}"));
        props.push(format!("endLine={end_line}"));
        props.push(format!("endColumn={end_col}"));
    }
    props.push(format!("title={}", escape_property(d.code.as_str())));
    let mut text = super::sarif::result_text(d);
    for l in &d.labels {
        if l.style == LabelStyle::Secondary {
            let (line, col) = sources.line_col(l.file, l.span.start);
            text.push_str(&format!(
                "\n{}:{line}:{col}: {}",
                sources.name(l.file),
                l.message
            ));
        }
    }
    format!(
        "::{} {}::{}",
        command(d.severity),
        props.join(","),
        escape_data(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::source::{Loc, Span};

    #[test]
    fn escaping_follows_the_runner_rules() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // `:` and `,` are fine in the data.
        assert_eq!(escape_data("a:b,c"), "a:b,c");
    }

    #[test]
    fn an_annotation_points_at_the_primary_label_and_lists_secondary_ones() {
        let mut s = Sources::new();
        let f = s.add(
            "dir,x/a:b.policy",
            None,
            "input a bool\nrule r\n".to_string(),
        );
        let d = Diagnostic::error(Code::E0101, "expected `:` after the input name")
            .primary(Loc::new(f, Span::new(8, 12)), "here")
            .secondary(Loc::new(f, Span::new(13, 17)), "declared here")
            .help("write `input a: bool`");
        let line = annotation(&s, &d);
        assert_eq!(
            line,
            "::error file=dir%2Cx/a%3Ab.policy,line=1,col=9,endLine=1,endColumn=13,title=E0101::\
             expected `:` after the input name%0Ahere%0Ahelp: write `input a: bool`\
             %0Adir,x/a:b.policy:2:1: declared here"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn a_diagnostic_without_a_place_is_still_an_annotation() {
        let s = Sources::new();
        let mut d = Diagnostic::warning(Code::W0100, "nothing");
        d.severity = Severity::Note;
        assert_eq!(annotation(&s, &d), "::notice title=W0100::nothing");
    }
}
