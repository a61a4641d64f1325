//! Turning pest's errors into diagnostics a person can act on.
//!
//! pest reports the grammar rules it expected at the failing position; this module
//! names them in words ("`then`", "a name", "an expression") and adds the context of the
//! declaration being read ("after the condition of rule `x`").

use pest::error::{ErrorVariant, InputLocation};

use super::grammar::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Loc, Span};

/// How a grammar rule is named in a message, or `None` for rules that are never worth
/// naming on their own (they are covered by a broader word).
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        ident | decl_name | keyword_as_name | qualified => "a name",
        use_alias | as_tok => "`as`",
        string | string_inner => "a string",
        int | sint => "an integer",
        doc_comment => "a doc comment",
        kw_policy => "`policy`",
        kw_use => "`use`",
        kw_enum => "`enum`",
        kw_input => "`input`",
        kw_output => "`output`",
        kw_define => "`define`",
        kw_assume => "`assume`",
        kw_scope => "`scope`",
        kw_rule => "`rule`",
        kw_accept => "`accept`",
        kw_gap => "`gap`",
        kw_assert => "`assert`",
        kw_scenario => "`scenario`",
        kw_when => "`when`",
        kw_then => "`then`",
        kw_overrides => "`overrides`",
        kw_cites => "`cites`",
        kw_given => "`given`",
        kw_expect => "`expect`",
        kw_always => "`always`",
        kw_default => "`default`",
        kw_typical => "`typical`",
        kw_judgement | judgement_clause => "`judgement`",
        kw_precedence | precedence_clause => "`precedence`",
        kw_exclusive | exclusive_clause => "`exclusive`",
        kw_ignore => "`ignore`",
        gt_tok => "`>`",
        precedence_value => "a value (a variant, `true` or `false`)",
        kw_source => "`source`",
        kw_version => "`version`",
        kw_set => "`set`",
        kw_of => "`of`",
        kw_bool | type_expr | range_type | set_type => {
            "a type (`bool`, an enum, `0..=99` or `set of E`)"
        }
        kw_undecided | kw_out_of_scope | undecided | out_of_scope => "an expectation",
        assignment => "an assignment (`name = value`)",
        expr | paren | set_lit | kw_true | kw_false | kw_not | op_not | op_neg => "an expression",
        range_lit => "a range (`13..=15`) or a set (`{a, b}`)",
        op_implies | op_or | op_and | op_eq | op_ne | op_le | op_ge | op_lt | op_gt
        | op_contains | op_add | op_sub | op_mul | op_in | kw_and | kw_or | kw_implies | kw_in
        | kw_contains => "an operator",
        variant => "a variant name",
        item | policy_decl | use_decl | enum_decl | input_decl | output_decl | define_decl
        | assume_decl | scope_decl | rule_decl | accept_decl | assert_decl | scenario_decl
        | ignore_decl => "a declaration (`input`, `output`, `rule`, ...)",
        source_clause | version_clause => "`source` or `version`",
        cites_clause => "`cites`",
        overrides_clause => "`overrides`",
        when_clause => "`when`",
        then_clause => "`then`",
        given_clause => "`given`",
        expect_clause => "`expect`",
        default_clause => "`default`",
        typical_clause => "`typical`",
        EOI => "the end of the declaration",
        assign_tok => "`=`",
        colon_tok => "`:`",
        open_brace_tok => "`{`",
        close_brace_tok => "`}`",
        close_paren_tok => "`)`",
        range_dots_tok => "`..=`",
        _ => return None,
    })
}

/// What the chunk being parsed is: its keyword and name, for context in messages.
struct Context<'a> {
    keyword: &'a str,
    name: Option<&'a str>,
}

fn context(chunk: &str) -> Option<Context<'_>> {
    let body = chunk
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with("//"))?;
    let mut words = body
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let keyword = words.next()?;
    if !super::scan::ITEM_KEYWORDS.contains(&keyword) {
        return None;
    }
    let name = if keyword == "accept" {
        words.nth(1)
    } else {
        words.next()
    };
    Some(Context { keyword, name })
}

fn what(ctx: &Context) -> String {
    let kind = match ctx.keyword {
        "accept" => "accepted gap",
        "policy" => "policy header",
        k => k,
    };
    match ctx.name {
        Some(n) if !matches!(ctx.keyword, "use" | "assume" | "scope" | "ignore") => {
            format!("{kind} `{n}`")
        }
        _ => format!("`{}` declaration", ctx.keyword),
    }
}

fn list(items: &[&str]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// How much of an unexpected word a message quotes.
const MAX_QUOTED: usize = 40;

/// The token at `pos`, shown in "found ..." (a word, a symbol or the end of input).
fn found(chunk: &str, pos: usize) -> (String, usize) {
    let rest = chunk.get(pos..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return ("the end of the declaration".to_string(), 0);
    };
    if c.is_ascii_alphanumeric() || c == '_' {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let w = rest.get(..len).unwrap_or("");
        // A word of megabytes is named by its start (it is all ASCII).
        return match w.get(..MAX_QUOTED) {
            Some(start) if len > MAX_QUOTED => (format!("`{start}…`"), len),
            _ => (format!("`{w}`"), len),
        };
    }
    if c == '"' {
        // At most 60 bytes of it, ending on a character boundary.
        let mut len = rest.find(['\n']).unwrap_or(rest.len()).clamp(1, 60);
        while !rest.is_char_boundary(len) {
            len -= 1;
        }
        return ("a string".to_string(), len);
    }
    if rest.starts_with("///") {
        return (
            "a doc comment".to_string(),
            rest.find('\n').unwrap_or(rest.len()),
        );
    }
    (shown_char(c), c.len_utf8())
}

/// A character as "found" names it: itself in backticks when it can be seen, else its
/// code point and name, since an invisible one in backticks (a byte-order mark, a
/// control character) leaves the reader nothing to find.
fn shown_char(c: char) -> String {
    let name = match c {
        '\u{feff}' => Some("a byte-order mark"),
        '\u{200b}' => Some("a zero-width space"),
        '\u{00a0}' => Some("a no-break space"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Some("a bidirectional control character")
        }
        c if c.is_control() => Some("a control character"),
        _ => None,
    };
    match name {
        Some(n) => format!("U+{:04X} ({n})", u32::from(c)),
        None => format!("`{c}`"),
    }
}

/// Converts a pest error on `chunk` (which starts at `offset` in the file).
pub fn to_diagnostic(
    err: &pest::error::Error<Rule>,
    file: FileId,
    chunk: &str,
    offset: usize,
) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if let ErrorVariant::CustomError { message } = &err.variant {
        // pest stops, rather than overflow, when the thread's stack runs low ("stack
        // limit reached"), or at a call limit: the nesting is too deep for this thread.
        let at = offset + pos;
        return Diagnostic::error(
            Code::E0104,
            format!("nested too deeply to parse here ({message})"),
        )
        .primary(
            Loc::new(file, Span::new(at, at + found(chunk, pos).1)),
            "the parser ran out of stack here",
        )
        .note("policyc needs 8 MiB of stack for expressions at the nesting limits")
        .help("split the expression into named `define`s");
    }
    // pest reports the position after trailing whitespace; point at the next token.
    let ctx = context(chunk);
    let (found_text, found_len) = found(chunk, pos);
    let at_end = chunk.get(pos..).is_none_or(only_comments);
    let mut expected: Vec<&str> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for r in positives {
            if let Some(d) = describe(*r) {
                if !expected.contains(&d) {
                    expected.push(d);
                }
            }
        }
    }
    // After a complete expression pest lists every operator. A person wants to hear
    // about the clause that should come next; operators are worth naming only when
    // what was found looks like a mistyped one (a symbol, not a word).
    let found_word = chunk
        .get(pos..)
        .and_then(|r| r.chars().next())
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    if expected.len() > 1 {
        if let Some(i) = expected.iter().position(|e| *e == "an operator") {
            expected.remove(i);
            if !found_word && !at_end {
                expected.push("an operator");
            }
        }
    }
    // "expected the end of the declaration" is pest's way of saying that what follows
    // a complete declaration does not belong to it.
    let only_end = expected
        .iter()
        .all(|e| *e == "the end of the declaration" || *e == "an operator");
    let before = chunk.get(..pos).unwrap_or("");
    let last_clause = last_clause(before);
    // `when` followed by nothing but blanks: there is no condition to be "after".
    let empty_when = last_clause.is_some_and(|(i, k)| {
        k == "when"
            && before
                .get(i + k.len()..)
                .is_some_and(|rest| rest.trim().is_empty())
    });
    // And missing only when `then` or the end follows: `when !coercion` has a condition,
    // written with an operator the language spells `not`, and is told so.
    let no_condition = empty_when && {
        let rest = chunk.get(pos..).unwrap_or("");
        at_end || starts_with_word(rest, "then")
    };
    let last_clause = last_clause.map(|(_, k)| k);
    let place = match (&ctx, last_clause) {
        (Some(c), Some("when")) if empty_when => {
            format!(" after `when` in {}", what(c))
        }
        (Some(c), Some("when")) if c.keyword == "rule" => {
            format!(" after the condition of {}", what(c))
        }
        (Some(c), Some("then")) => format!(" in the assignments of {}", what(c)),
        (Some(c), Some("given")) => format!(" in the facts of {}", what(c)),
        (Some(c), Some("expect")) => format!(" in the expectations of {}", what(c)),
        (Some(c), _) => format!(" in {}", what(c)),
        (None, _) => String::new(),
    };
    let trailing_comma = at_end && before.trim_end().ends_with(',');
    let message = if trailing_comma {
        format!("trailing `,`{place}")
    } else if no_condition {
        format!("the condition is missing: expected a condition{place}")
    } else if expected.is_empty() || (only_end && !at_end) {
        format!("unexpected {found_text}{place}")
    } else {
        format!("expected {}{place}", list(&expected))
    };
    // At the end of a declaration, point just after its last token, not at whatever
    // blank line or comment follows it.
    let last = offset + before.trim_end().len();
    let (span, label) = if trailing_comma {
        (
            Span::new(last.saturating_sub(1), last),
            "nothing follows this `,`".to_string(),
        )
    } else if at_end {
        (
            Span::new(last, last),
            format!("expected {} here", list(&expected)),
        )
    } else {
        let start = offset + pos;
        let label = if only_end {
            "does not belong here".to_string()
        } else {
            format!("found {found_text}")
        };
        (Span::new(start, start + found_len.max(1)), label)
    };
    let mut d = Diagnostic::error(Code::E0101, message).primary(Loc::new(file, span), label);
    if trailing_comma {
        return d.help("remove the `,` after the last item, or add the missing item after it");
    }
    if no_condition {
        return d.help("write the condition between `when` and `then`, e.g. `when coercion`");
    }
    if let Some(h) = hint(&ctx, &expected, chunk.get(pos..).unwrap_or(""), before) {
        d = d.help(h);
    }
    d
}

/// Whether the rest of a declaration's text is only blank lines and `//` comments
/// (which belong to the next declaration's leading comments).
fn only_comments(rest: &str) -> bool {
    rest.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || (t.starts_with("//") && !t.starts_with("///"))
    })
}

fn find_word(hay: &str, word: &str) -> Option<usize> {
    let mut best = None;
    let mut start = 0;
    while let Some(i) = hay
        .get(start..)
        .and_then(|h| h.find(word))
        .map(|i| i + start)
    {
        let before_ok = hay
            .get(..i)
            .and_then(|b| b.chars().last())
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after_ok = hay
            .get(i + word.len()..)
            .and_then(|a| a.chars().next())
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if before_ok && after_ok {
            best = Some(i);
        }
        start = i + word.len();
    }
    best
}

/// A suggestion for the most common slips.
fn hint(ctx: &Option<Context>, expected: &[&str], rest: &str, before: &str) -> Option<String> {
    if rest.starts_with("///") {
        return Some("doc comments (`///`) document the declaration that follows them; use `//` for a comment inside a declaration".into());
    }
    if rest.starts_with('=') && !rest.starts_with("==") {
        if let Some(h) = and_between_assignments(before, rest) {
            return Some(h);
        }
    }
    if rest.starts_with('=') && !rest.starts_with("==") && expected.contains(&"an operator") {
        return Some(
            "compare with `==`; a single `=` assigns a value in `then`, `given` and `expect`"
                .into(),
        );
    }
    if rest.starts_with("&&") || rest.starts_with("||") {
        return Some("write `and` and `or` instead of `&&` and `||`".into());
    }
    if rest.starts_with('!') && !rest.starts_with("!=") {
        return Some("write `not` instead of `!`".into());
    }
    // Before the `..` of a range: `use ../incident.policy` is an unquoted path.
    if let Some(h) = ctx
        .as_ref()
        .and_then(|c| slip_hint(c, expected, rest, before))
    {
        return Some(h);
    }
    if rest.starts_with("..") && !rest.starts_with("..=") {
        return Some("ranges are inclusive and written `13..=15`".into());
    }
    if rest.starts_with('\'') {
        return Some("strings are written with double quotes: \"...\"".into());
    }
    if rest.starts_with(';') {
        let list = ["then", "given", "expect"]
            .iter()
            .any(|k| find_word(before, k).is_some());
        return Some(if list && !rest.trim_start_matches(';').trim().is_empty() {
            "a declaration ends where the next one begins: remove the `;`, and separate assignments with `,`".into()
        } else {
            "a declaration ends where the next one begins: remove the `;`".into()
        });
    }
    if ctx.is_none() && expected.contains(&"a declaration (`input`, `output`, `rule`, ...)") {
        return Some(
            "every line of a policy file is part of a declaration, a `//` comment or blank; remove this text or make it a comment"
                .into(),
        );
    }
    if let Some(c) = ctx {
        if c.keyword == "rule" && expected.contains(&"`then`") {
            if find_word(before, "when").is_some() {
                return Some("a rule reads `rule NAME \"title\" cites \"...\" when CONDITION then OUTPUT = VALUE`".into());
            }
            return Some(
                "a rule needs `then` with at least one assignment, e.g. `then response = escalate`"
                    .into(),
            );
        }
        if c.keyword == "scenario" && expected.contains(&"`expect`") {
            return Some("a scenario needs `expect`, e.g. `expect response = escalate`".into());
        }
        if c.keyword == "assert" && expected.contains(&"`always`") {
            return Some("an assert reads `assert NAME \"title\" always CONDITION`".into());
        }
        if let Some(h) = clause_hint(c, expected, rest, before) {
            return Some(h);
        }
    }
    if rest.starts_with('"') && before.trim_end().ends_with('"') {
        return Some("a declaration has one title string; join the strings into one".into());
    }
    None
}

/// Words and forms other languages use where this one has its own: an unquoted `use`
/// path, a string as a default, `if` and `else` in a rule.
fn slip_hint(c: &Context, expected: &[&str], rest: &str, before: &str) -> Option<String> {
    let word = |w: &str| starts_with_word(rest, w);
    match c.keyword {
        "use" if expected.contains(&"a string") && !rest.starts_with('"') => {
            let path: String = rest
                .chars()
                .take_while(|ch| !ch.is_whitespace())
                .collect();
            let path = if path.is_empty() { "incident.policy".to_string() } else { path };
            Some(format!("a `use` names its file in double quotes: `use \"{path}\"`"))
        }
        "output" | "input"
            if rest.starts_with('"')
                && before
                    .trim_end()
                    .rsplit(char::is_whitespace)
                    .next()
                    .is_some_and(|w| w == "default" || w == "typical") =>
        {
            Some("a value of the declared type goes here, not a string: `true` or `false`, a variant of the enum, or a number".into())
        }
        "rule" if word("if") && expected.contains(&"`when`") => Some(
            "a rule's condition follows `when`: `when coercion then response = escalate`"
                .into(),
        ),
        "rule" if word("else") => Some(
            "a rule has no `else`: write a second rule for the other case, with its own condition (`when not coercion`) and citation"
                .into(),
        ),
        _ => None,
    }
}

/// `then refer = true and record = true` (also in `given` and `expect`): the value of an
/// assignment is an expression, so `true and record` parses and the second `=` is where
/// it fails. Saying "compare with `==`" there would lead the writer to a second error;
/// what they meant is a list.
fn and_between_assignments(before: &str, rest: &str) -> Option<String> {
    let (at, kw) = last_clause(before)?;
    if !matches!(kw, "then" | "given" | "expect") {
        return None;
    }
    let clause = before.get(at..)?;
    let plain = blank_strings(clause);
    let first_eq = plain.find('=')?;
    let after_first = plain.get(first_eq + 1..)?;
    // The joiner last before the `=` that failed: an `and` inside an earlier value
    // (`a = coercion and vulnerable, b = ...`) is that value's.
    let (joiner, pos) = ["and", "or"]
        .into_iter()
        .filter_map(|w| find_word(after_first, w).map(|i| (w, i)))
        .max_by_key(|(_, i)| *i)?;
    if joiner == "or" {
        let what = if kw == "then" { "rules" } else { "scenarios" };
        return Some(format!(
            "`{kw}` lists values that all hold, separated by `,`; for one value or another, write two {what}"
        ));
    }
    let cut = first_eq + 1 + pos;
    let head = clause.get(..cut)?.trim_end();
    let tail = clause.get(cut + joiner.len()..)?;
    let line = rest.lines().next().unwrap_or("");
    let fixed = format!("{head}, {tail}{line}")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "separate assignments with `,`, not `{joiner}`: `{fixed}`"
    ))
}

/// The words that begin a clause of a declaration.
const CLAUSE_WORDS: [&str; 10] = [
    "when",
    "then",
    "given",
    "expect",
    "cites",
    "overrides",
    "always",
    "default",
    "precedence",
    "judgement",
];

/// The clause the text ends in: its word and where it starts. Strings are passed over:
/// a title or citation that says "then escalate" begins no clause.
fn last_clause(before: &str) -> Option<(usize, &'static str)> {
    let plain = blank_strings(before);
    CLAUSE_WORDS
        .iter()
        .filter_map(|k| find_word(&plain, k).map(|i| (i, *k)))
        .max_by_key(|(i, _)| *i)
}

/// The text with what is inside its strings made blanks of the same length in bytes,
/// so that offsets in it are offsets in the text.
fn blank_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for ch in text.chars() {
        if in_string && !escaped && ch == '"' {
            in_string = false;
            out.push(ch);
        } else if in_string {
            escaped = !escaped && ch == '\\';
            out.extend(std::iter::repeat_n(' ', ch.len_utf8()));
        } else {
            in_string = ch == '"';
            out.push(ch);
        }
    }
    out
}

/// Whether `rest` starts with the word `w` (not a longer name that begins with it).
fn starts_with_word(rest: &str, w: &str) -> bool {
    rest.strip_prefix(w)
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// `input age: int 0..=17`, `int in 0..=17`, `int(0..=17)`: a writer who knows other
/// languages names an integer type and then bounds it, but here the range alone is the
/// type. Only for a type word that reads as an integer type, so that `Severity in {..}`
/// is not told about ranges.
fn range_after_int_hint(c: &Context, rest: &str, before: &str) -> Option<String> {
    let (head, ty) = before.trim_end().rsplit_once(':')?;
    let ty = ty.trim();
    let int_like = matches!(
        ty.to_ascii_lowercase().as_str(),
        "int" | "integer" | "number" | "num" | "nat" | "natural" | "uint" | "usize" | "isize"
    ) || (ty.len() > 1
        && (ty.starts_with('u') || ty.starts_with('i'))
        && ty
            .get(1..)
            .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit())));
    if !int_like || head.trim().is_empty() {
        return None;
    }
    let bounded = rest.starts_with(|ch: char| ch.is_ascii_digit() || "([<-".contains(ch))
        || ["in", "from", "between", "range"].iter().any(|w| {
            rest.strip_prefix(w)
                .is_some_and(|r| r.starts_with(|ch: char| ch.is_whitespace() || ch == '('))
        });
    if !bounded {
        return None;
    }
    let name = c.name.unwrap_or("age");
    Some(format!(
        "the range is itself the type: `{} {name}: {}`, without `{ty}`",
        c.keyword,
        written_range(rest).unwrap_or_else(|| "LO..=HI".into())
    ))
}

/// The first `LO..=HI` in `rest`, as written, when it is one: an exclusive `0..17` is
/// not echoed, since `0..=17` would be a different range.
fn written_range(rest: &str) -> Option<String> {
    let start = rest.find(|ch: char| ch.is_ascii_digit())?;
    let lo_sign = if start > 0 && rest.get(start - 1..start) == Some("-") {
        "-"
    } else {
        ""
    };
    let (lo, after) = whole_number(rest.get(start..)?)?;
    let after = after.trim_start().strip_prefix("..=")?.trim_start();
    let (hi_sign, after) = match after.strip_prefix('-') {
        Some(a) => ("-", a),
        None => ("", after),
    };
    let (hi, _) = whole_number(after)?;
    Some(format!("{lo_sign}{lo}..={hi_sign}{hi}"))
}

/// The digits `text` starts with and what follows them, when they are a whole number:
/// `1_000`, `0x10` and `17.5` are not `1`, `0` and `17`, and are not echoed as such.
fn whole_number(text: &str) -> Option<(&str, &str)> {
    let len = text
        .find(|ch: char| !ch.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, after) = text.split_at(len);
    // A `.` ends it only as the start of `..=`: `17.5` is not 17.
    let ends = !after.starts_with(|ch: char| ch.is_alphanumeric() || ch == '_')
        && (!after.starts_with('.') || after.starts_with(".."));
    (!digits.is_empty() && ends).then_some((digits, after))
}

/// Hints for the clauses that qualify an input or an output, and for `ignore`.
fn clause_hint(c: &Context, expected: &[&str], rest: &str, before: &str) -> Option<String> {
    let word = |w: &str| starts_with_word(rest, w);
    if matches!(c.keyword, "input" | "output") {
        if let Some(h) = range_after_int_hint(c, rest, before) {
            return Some(h);
        }
    }
    match c.keyword {
        "output" if find_word(before, "precedence").is_some() => {
            if word("default") {
                return Some("`default` comes before `precedence`: `output o: Response default manage_in_school precedence escalate > manage_in_school`".into());
            }
            if expected.contains(&"`>`") && rest.starts_with(',') {
                return Some("the values of a precedence are separated by `>`, highest first: `precedence escalate > manage_in_school`".into());
            }
            if expected.contains(&"`>`") {
                return Some("a precedence lists two or more values, highest first: `precedence escalate > manage_in_school`".into());
            }
            if expected.iter().any(|e| e.starts_with("a value")) {
                return Some("a precedence lists values of the output's type (variant names, `true`, `false`), highest first, separated by `>`".into());
            }
            None
        }
        "output" if word("default") && find_word(before, "exclusive").is_some() => Some(
            "`default` comes before `exclusive`: `output o: Eligibility default none exclusive`"
                .into(),
        ),
        "output" if word("judgement") => Some(
            "`judgement` qualifies an input (a fact a person decides); an output is decided by the rules"
                .into(),
        ),
        "input" if word("typical") && find_word(before, "judgement").is_some() => Some(
            "`typical` comes before `judgement`: `input x: bool typical false judgement \"...\"`"
                .into(),
        ),
        "input" if word("precedence") || word("exclusive") || word("default") => Some(format!(
            "`{}` qualifies an output; an input may have `typical` and `judgement`",
            rest.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("")
        )),
        "input" if expected.contains(&"a string") && find_word(before, "judgement").is_some() => {
            Some("`judgement` is followed by the citation that leaves the matter to a person: `judgement \"001 para 7: 'a careful assessment'\"`".into())
        }
        "ignore" if expected.contains(&"a string") => Some(
            "an `ignore` names inputs and gives the reason: `ignore image_online, previous \"the document never uses these facts\"`"
                .into(),
        ),
        "ignore" if expected.contains(&"a name") => Some(
            "an `ignore` names the inputs the policy does not read, separated by commas, then the reason in a string"
                .into(),
        ),
        _ => None,
    }
}
