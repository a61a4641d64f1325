//! What is being typed at the cursor, read from the text before it: completion offers
//! what fits there. Read from the text, not the syntax tree, because the declaration
//! being typed does not parse yet (`then investigation = ` has no value).

use super::index::ValueType;

/// Where the cursor is, as completion sees it.
#[derive(Debug, PartialEq, Eq)]
pub enum Context<'a> {
    /// A value of the input, output or define named here: after `name = ` (an
    /// assignment in `then`, `given` or `expect`), `name == `, `name != `,
    /// `name in {`, `name contains `, `name = {` (a set).
    ValueOf {
        name: &'a str,
        /// An assignment (`name = `): only inputs and outputs are assigned.
        assigned: bool,
        /// Inside a set's braces, or after `contains`: an element is wanted.
        element: bool,
        /// The values already listed in the braces.
        listed: Vec<&'a str>,
    },
    /// A value of the type written on the line: after `default` or `typical`.
    ValueOfType(ValueType),
    /// A type, after `name:` in a declaration.
    Type,
    /// A rule's name, after `overrides`.
    Overrides,
    /// Anything: names and keywords.
    General,
}

/// How far back a set's opening brace is looked for.
const BRACE_WINDOW: usize = 2000;

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// The name that `s` ends with (`alias.output` included), if it ends with one.
fn last_name(s: &str) -> Option<&str> {
    let s = s.trim_end();
    let start = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name_char(c))
        .last()
        .map(|(i, _)| i)?;
    let name = s.get(start..)?;
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some(name)
}

/// `s` without the keyword `word` it ends with, when it ends with that word.
fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let rest = s.trim_end().strip_suffix(word)?;
    (!rest.ends_with(is_name_char)).then_some(rest)
}

/// The byte offset in `s` of the `{` left open at its end, looked for within
/// [`BRACE_WINDOW`] bytes.
fn open_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev().take(BRACE_WINDOW) {
        match c {
            '}' => depth += 1,
            '{' if depth == 0 => return Some(i),
            '{' => depth -= 1,
            // A set is part of one declaration: a quote, or a line that starts a
            // declaration (at the margin), ends the search.
            '"' => return None,
            '\n' | '\r'
                if s.get(i + 1..)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic())) =>
            {
                return None
            }
            _ => {}
        }
    }
    None
}

/// The type written on a declaration's line: `output o: T default` gives `T`.
fn declared_type(line: &str, keyword: &str) -> Option<ValueType> {
    let before = strip_word(line, keyword)?;
    let (_, ty) = before.split_once(':')?;
    let ty = ty.trim();
    if ty == "bool" {
        return Some(ValueType::Bool);
    }
    if ty.contains("..=") {
        return Some(ValueType::Int);
    }
    if let Some(elem) = ty.strip_prefix("set of ") {
        return Some(ValueType::SetOf(elem.trim().to_string()));
    }
    (!ty.is_empty() && ty.chars().all(is_name_char)).then(|| ValueType::Enum(ty.to_string()))
}

/// The context of a cursor after `before` (the document's text up to the cursor).
pub fn context(before: &str) -> Context<'_> {
    // The word being typed is replaced by the completion: look before it.
    let head = before.trim_end_matches(is_name_char);
    let line_start = head.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = head.get(line_start..).unwrap_or("");
    let trimmed = head.trim_end();

    if let Some(open) = open_brace(head) {
        let inside = head.get(open + 1..).unwrap_or("");
        let listed: Vec<&str> = inside
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let before_brace = head.get(..open).unwrap_or("").trim_end();
        if let Some(rest) = strip_word(before_brace, "in") {
            let rest = strip_word(rest, "not").unwrap_or(rest);
            if let Some(name) = last_name(rest) {
                return Context::ValueOf {
                    name,
                    assigned: false,
                    element: true,
                    listed,
                };
            }
        }
        if let Some(rest) = single_equals(before_brace) {
            if let Some(name) = last_name(rest) {
                return Context::ValueOf {
                    name,
                    assigned: true,
                    element: true,
                    listed,
                };
            }
        }
    }
    for op in ["==", "!="] {
        if let Some(rest) = trimmed.strip_suffix(op) {
            if let Some(name) = last_name(rest) {
                return value_of(name, false, false);
            }
        }
    }
    if let Some(rest) = single_equals(trimmed) {
        if let Some(name) = last_name(rest) {
            return value_of(name, true, false);
        }
    }
    if let Some(rest) = strip_word(trimmed, "contains") {
        if let Some(name) = last_name(rest) {
            return value_of(name, false, true);
        }
    }
    for keyword in ["default", "typical"] {
        if let Some(ty) = declared_type(line, keyword) {
            return Context::ValueOfType(ty);
        }
    }
    if line.trim_start().starts_with("overrides") {
        return Context::Overrides;
    }
    let words = line
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .count();
    if line.contains(':') && !line.contains('=') && words <= 4 {
        return Context::Type;
    }
    Context::General
}

fn value_of(name: &str, assigned: bool, element: bool) -> Context<'_> {
    Context::ValueOf {
        name,
        assigned,
        element,
        listed: Vec::new(),
    }
}

/// `s` without the `=` it ends with, when that is an assignment's (not `==`, `!=`,
/// `<=`, `>=`).
fn single_equals(s: &str) -> Option<&str> {
    let rest = s.trim_end().strip_suffix('=')?;
    (!rest.ends_with(['=', '!', '<', '>'])).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str, assigned: bool, element: bool, listed: &[&str]) -> Context<'static> {
        Context::ValueOf {
            name: Box::leak(name.to_string().into_boxed_str()),
            assigned,
            element,
            listed: listed
                .iter()
                .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
                .collect(),
        }
    }

    #[test]
    fn values_are_wanted_after_assignments_and_comparisons() {
        for (before, want) in [
            (
                "rule r\n  then investigation = ",
                value("investigation", true, false, &[]),
            ),
            (
                "  then investigation = jo",
                value("investigation", true, false, &[]),
            ),
            (
                "  then a = x, investigation =",
                value("investigation", true, false, &[]),
            ),
            (
                "scenario s given coercion = ",
                value("coercion", true, false, &[]),
            ),
            ("  expect response = ", value("response", true, false, &[])),
            ("  when severity == ", value("severity", false, false, &[])),
            (
                "  when severity != nu",
                value("severity", false, false, &[]),
            ),
            (
                "always national.response == ",
                value("national.response", false, false, &[]),
            ),
            ("  when severity in {", value("severity", false, true, &[])),
            (
                "  when severity not in { nude, ",
                value("severity", false, true, &["nude"]),
            ),
            (
                "  when severity in {\n    nude,\n    ",
                value("severity", false, true, &["nude"]),
            ),
            (
                "  then actions = { refer, ",
                value("actions", true, true, &["refer"]),
            ),
            (
                "  when actions contains ",
                value("actions", false, true, &[]),
            ),
        ] {
            assert_eq!(context(before), want, "{before:?}");
        }
    }

    #[test]
    fn declared_types_give_defaults_and_typical_values() {
        for (before, want) in [
            (
                "output o: Action default ",
                ValueType::Enum("Action".into()),
            ),
            ("output o: bool default tr", ValueType::Bool),
            ("input age: 0..=99 typical ", ValueType::Int),
            (
                "output s: set of Action default ",
                ValueType::SetOf("Action".into()),
            ),
        ] {
            assert_eq!(context(before), Context::ValueOfType(want), "{before:?}");
        }
    }

    #[test]
    fn other_places_keep_their_completions() {
        assert_eq!(context("rule r \"t\"\n  overrides a, "), Context::Overrides);
        assert_eq!(context("input severity: Sev"), Context::Type);
        assert_eq!(context("  when age >= "), Context::General);
        assert_eq!(context("  when age <= 3 and "), Context::General);
        assert_eq!(context("define d = "), value("d", true, false, &[]));
        assert_eq!(context("enum E { a, "), Context::General);
        assert_eq!(context("rule r \"a { b\" when "), Context::General);
        assert_eq!(context(""), Context::General);
        assert_eq!(context("  when 3 == "), Context::General);
        // A brace left open by an earlier, broken declaration is not this one's.
        assert_eq!(
            context("rule a when x in {\nrule b when y == "),
            value("y", false, false, &[])
        );
        assert_eq!(
            context("rule a when x in {\nrule b when "),
            Context::General
        );
    }
}
