//! The fast parser against pest: wherever it answers, it must answer as pest and the
//! lowering do, spans included; and it must answer for the declarations it is for.

use super::*;
use crate::compile::synth::Rng;
use proptest::prelude::*;

/// Chunks are parsed at an offset in their file: spans must carry it.
const OFFSET: usize = 7;

fn by_pest(text: &str) -> Option<Item> {
    let span = Span::new(OFFSET, OFFSET + text.len());
    let (item, diags) = crate::parse::parse_chunk_with_pest(0, text, span);
    if diags.is_empty() {
        item
    } else {
        None
    }
}

/// Whether the fast parser took `text`, having checked that pest agrees.
fn agrees(text: &str) -> bool {
    match item(text, OFFSET) {
        Some(fast) => {
            assert_eq!(Some(&fast), by_pest(text).as_ref(), "on {text:?}");
            true
        }
        None => false,
    }
}

fn policy_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            policy_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "policy") {
            out.push(p);
        }
    }
}

#[test]
fn agrees_with_pest_on_every_policy_of_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "policies",
        "tests",
        "examples",
        "docs",
        "benches",
        "fuzz/seeds",
    ] {
        policy_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "only {} policy files found", files.len());
    let (mut taken, mut rules, mut rules_taken, mut total) = (0, 0, 0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for chunk in super::super::scan::scan(&text).chunks {
            let Some(t) = text.get(chunk.range()) else {
                continue;
            };
            total += 1;
            let took = agrees(t);
            taken += usize::from(took);
            if by_pest(t).is_some_and(|i| matches!(i.kind, ItemKind::Rule(_))) {
                rules += 1;
                rules_taken += usize::from(took);
            }
        }
    }
    // Not vacuous: the fast parser reads most declarations, and every rule pest reads
    // (none of the repository's rules uses a keyword as a name or nests 16 deep).
    assert!(taken * 10 > total * 7, "{taken} of {total} declarations");
    assert_eq!(rules_taken, rules, "rules read");
}

#[test]
fn leaves_errors_and_rare_declarations_to_pest() {
    for text in [
        "policy p \"t\"",
        "use \"a.policy\" as a",
        "accept gap o \"why\" when a",
        "ignore a, b \"why\"",
        "output o: bool exclusive",
        "output o: V default v1 precedence v1 > v2",
        // Keywords as names: pest reports them (E0102) and goes on.
        "rule when then o = a",
        "input rule: bool",
        // Syntax errors.
        "rule r then o = a,",
        "rule r when a then",
        "rule r then o == a",
        "rule r then o = = a",
        "rule r when a b then o = c",
        "rule r when x.true then o = a",
        "rule r when x. y then o = a",
        "rule r when a.b.c then o = d",
        "rule r when x in - 1..=2 then o = a",
        "rule r when x in {,} then o = a",
        "rule r \"bad \\q escape\" then o = a",
        "rule r \"two\nlines\" then o = a",
        "rule r cites \"c\" \"title after cites\" then o = a",
        "rule r when a then o = b /// doc after",
        "enum E { a b }",
        "enum E { , }",
        "input x: - 1..=3",
        "input x: 0..=99999999999999999999",
        "rule r when x > 99999999999999999999 then o = a",
        "define d == 1",
        "scenario s expect o = a,",
        "rule r when _a then o = b",
        "rule r when a ! = b then o = c",
        "rule r when a and5 then o = c",
    ] {
        assert!(!agrees(text), "took {text:?}");
    }
}

#[test]
fn reads_what_it_is_for() {
    for text in [
        "rule r then o = a",
        "/// Doc.\n///   More.  \r\n// not doc\nrule r \"T \\\"q\\\" \\\\ \\n \\t é\" cites \"§ 2\" overrides a, b when (x or y) and not z in {a, b,} then o = v, p = -1",
        "rule r when x > 5then o = a",
        "rule r when a.b == c and x not in -3 ..= 7 implies y implies z then o = 1 + 2 * -3 - 4",
        "rule r when s contains a or {} == s then o = a // trailing\n// more\n",
        "input x: bool typical true judgement \"para 3\"",
        "input typical: set of E",
        "input x: -5..=5",
        "enum E { /// first\n a, b, }",
        "enum E {}",
        "output o: V default v1",
        "define d = not not a",
        "assume a implies b",
        "scope in_school",
        "assert a \"t\" cites \"c\" always o == v",
        "scenario s \"t\" given a = true, n = 3 expect o = v, undecided p, out_of_scope",
    ] {
        assert!(agrees(text), "left {text:?}");
    }
}

/// A random expression of at most `depth` levels, as tokens.
fn expr(rng: &mut Rng, depth: u32, out: &mut Vec<String>) {
    let atoms = [
        "a", "b", "x1", "foo_bar", "typical", "m.out", "0", "5", "42", "true", "false",
    ];
    let pick = |rng: &mut Rng, xs: &[&str]| xs[rng.below(xs.len() as u64) as usize].to_string();
    if depth == 0 {
        out.push(pick(rng, &atoms));
        return;
    }
    match rng.below(9) {
        0 | 1 => out.push(pick(rng, &atoms)),
        2 => {
            out.push(pick(rng, &["not", "-"]));
            expr(rng, depth - 1, out);
        }
        3 => {
            out.push("(".into());
            expr(rng, depth - 1, out);
            out.push(")".into());
        }
        4 => {
            out.push("{".into());
            let n = rng.below(3);
            for k in 0..n {
                if k > 0 {
                    out.push(",".into());
                }
                expr(rng, depth - 1, out);
            }
            if n > 0 && rng.chance(30) {
                out.push(",".into());
            }
            out.push("}".into());
        }
        5 => {
            expr(rng, depth - 1, out);
            if rng.chance(50) {
                out.push("not".into());
            }
            out.push("in".into());
            if rng.chance(50) {
                out.extend(["{".into(), pick(rng, &["a", "1"]), "}".into()]);
            } else {
                out.extend([
                    pick(rng, &["-3", "0"]),
                    "..=".into(),
                    pick(rng, &["7", "-1"]),
                ]);
            }
        }
        _ => {
            expr(rng, depth - 1, out);
            let ops = [
                "implies", "or", "and", "==", "!=", "<", "<=", ">", ">=", "contains", "+", "-", "*",
            ];
            out.push(pick(rng, &ops));
            expr(rng, depth - 1, out);
        }
    }
}

/// A random declaration of the kinds the fast parser reads.
fn declaration(rng: &mut Rng) -> Vec<String> {
    let mut t: Vec<String> = Vec::new();
    let s = |x: &str| x.to_string();
    let string = |rng: &mut Rng| {
        s([
            "\"t\"",
            "\"\"",
            "\"a \\\"q\\\" \\\\ \\n\\t é //x\"",
            "\"§ 4.2\"",
        ][rng.below(4) as usize])
    };
    for _ in 0..rng.below(3) {
        t.push(s(
            ["/// doc", "///", "//// four", "/// trailing  \r"][rng.below(4) as usize]
        ));
        t.push(s("\n"));
    }
    let assignments = |rng: &mut Rng, t: &mut Vec<String>| {
        for k in 0..=rng.below(2) {
            if k > 0 {
                t.push(s(","));
            }
            t.extend([s("o"), s("=")]);
            expr(rng, 3, t);
        }
    };
    match rng.below(8) {
        0..=2 => {
            t.extend([s("rule"), s("r1")]);
            if rng.chance(50) {
                t.push(string(rng));
            }
            if rng.chance(30) {
                t.extend([s("cites"), string(rng)]);
            }
            if rng.chance(30) {
                t.extend([s("overrides"), s("a"), s(","), s("b")]);
            }
            if rng.chance(80) {
                t.push(s("when"));
                expr(rng, 4, &mut t);
            }
            t.push(s("then"));
            assignments(rng, &mut t);
        }
        3 => {
            t.extend([s("input"), s("x"), s(":")]);
            match rng.below(4) {
                0 => t.push(s("bool")),
                1 => t.push(s("E")),
                2 => t.extend([s("-5"), s("..="), s("99")]),
                _ => t.extend([s("set"), s("of"), s("E")]),
            }
            if rng.chance(30) {
                t.push(s("typical"));
                expr(rng, 1, &mut t);
            }
            if rng.chance(30) {
                t.extend([s("judgement"), string(rng)]);
            }
        }
        4 => {
            t.extend([s("enum"), s("E"), s("{")]);
            let n = rng.below(4);
            for k in 0..n {
                if k > 0 {
                    t.push(s(","));
                }
                if rng.chance(20) {
                    t.extend([s("/// v"), s("\n")]);
                }
                t.push(format!("v{k}"));
            }
            if n > 0 && rng.chance(30) {
                t.push(s(","));
            }
            t.push(s("}"));
        }
        5 => {
            t.extend([s("output"), s("o"), s(":"), s("V")]);
            if rng.chance(50) {
                t.push(s("default"));
                expr(rng, 1, &mut t);
            }
        }
        6 => {
            t.push(s(["define d =", "assume", "scope"][rng.below(3) as usize]));
            expr(rng, 4, &mut t);
        }
        _ => {
            t.extend([s("scenario"), s("s")]);
            if rng.chance(50) {
                t.push(string(rng));
            }
            if rng.chance(50) {
                t.push(s("given"));
                assignments(rng, &mut t);
            }
            t.push(s("expect"));
            match rng.below(3) {
                0 => t.push(s("out_of_scope")),
                1 => t.extend([s("undecided"), s("o")]),
                _ => assignments(rng, &mut t),
            }
        }
    }
    t
}

/// Tokens joined with random trivia: none where two tokens could run together.
fn join(rng: &mut Rng, tokens: &[String]) -> String {
    let trivia = ["", " ", "  ", "\n", "\t", "\r\n", " // note\n", "//\n"];
    let wordy = |t: &str| {
        t.chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    let starts_wordy = |t: &str| {
        t.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    let mut out = String::new();
    for (k, tok) in tokens.iter().enumerate() {
        if k > 0 {
            let prev = tokens.get(k - 1).map_or("", |p| p.as_str());
            let mut sep = trivia[rng.below(trivia.len() as u64) as usize];
            let glued = sep.is_empty()
                && (wordy(prev) && starts_wordy(tok)
                    || prev.starts_with("//")
                    || matches!(
                        (prev, tok.as_str()),
                        ("-", "-") | ("<" | ">" | "=" | "!", "=")
                    ));
            if glued || prev.starts_with("//") {
                sep = "\n";
            }
            out.push_str(sep);
        }
        out.push_str(tok);
    }
    if rng.chance(30) {
        out.push_str(" // end\n");
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Generated declarations of every kind it reads: it reads each, as pest does.
    #[test]
    fn reads_generated_declarations_as_pest_does(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let tokens = declaration(&mut rng);
        let text = join(&mut rng, &tokens);
        prop_assert!(by_pest(&text).is_some(), "pest refuses {:?}", text);
        prop_assert!(agrees(&text), "left {:?}", text);
    }

    /// The same declarations broken by a few random edits: whatever it still reads,
    /// pest reads the same; it reads nothing pest refuses.
    #[test]
    fn reads_broken_declarations_only_as_pest_does(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let tokens = declaration(&mut rng);
        let mut text: Vec<char> = join(&mut rng, &tokens).chars().collect();
        let noise = ['"', '\\', '.', '=', '<', '-', '/', ',', '{', '}', '(', ')', ' ', '\n', 'a', '1', '_', 'é', '\u{a0}', '\u{c}'];
        for _ in 0..=rng.below(3) {
            let at = rng.below(text.len() as u64 + 1) as usize;
            match rng.below(3) {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 if at < text.len() => text[at] = noise[rng.below(noise.len() as u64) as usize],
                _ => text.insert(at, noise[rng.below(noise.len() as u64) as usize]),
            }
        }
        let text: String = text.into_iter().collect();
        agrees(&text);
    }

    /// Token soup after a declaration's keyword: the same.
    #[test]
    fn reads_token_soup_only_as_pest_does(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let vocab = [
            "rule", "r", "when", "then", "o", "=", "==", "a", "b", "and", "or", "not", "in",
            "implies", "contains", "{", "}", "(", ")", ",", "1", "-", "-2", "..=", "true",
            "cites", "\"s\"", "overrides", "m.x", ".", "<", ">=", "*", "+", "given", "expect",
            "undecided", "out_of_scope", "typical", ":", "bool", "set", "of", "///d\n",
        ];
        let mut tokens = vec![["rule", "input", "enum", "scenario", "define", "assume", "output", "assert"][rng.below(8) as usize].to_string()];
        for _ in 0..rng.below(14) {
            tokens.push(vocab[rng.below(vocab.len() as u64) as usize].to_string());
        }
        let text = join(&mut rng, &tokens);
        agrees(&text);
    }
}
