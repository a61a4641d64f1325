//! The architecture's rules, checked by reading `src/` (ARCHITECTURE.md says why they
//! matter; these keep them true):
//!
//! 1. No cycle between the modules of one folder (its `mod.rs`, which declares them,
//!    aside), nor between the top-level modules (`crate::x`, `lib.rs` aside). An edge
//!    `a -> b` is any path in `a` (and the files below it) that names `b`:
//!    `use super::b`, `crate::folder::b`, or a bare `b::` where `b` is a module next
//!    to `a` or inside it.
//! 2. No function over [`MAX_FN_LINES`] lines.
//! 3. `src/cli/` (a face: parsing arguments and printing) under [`MAX_CLI_LINES`] lines.
//! 4. Fewer than [`MAX_JSON_MACROS`] `json!` sites: JSON is built from typed data.
//! 5. The top-level modules are layered in the order of ARCHITECTURE.md's code map
//!    ([`LAYERS`]): each names only modules before it.
//! 6. `lib.rs` makes public only the stages and the data between them
//!    ([`PUBLIC_MODULES`]); what tests, benchmarks, the fuzz targets and the binary
//!    need besides is `#[doc(hidden)]` ([`HIDDEN_ITEMS`]).
//!
//! Test code does not count: `#[cfg(test)]` items and the files they declare. The scan
//! is lexical (comments and string literals blanked, braces matched), not a parser: it
//! is simple enough to trust, and its unit tests below plant each kind of breach.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FN_LINES: usize = 150;
const MAX_CLI_LINES: usize = 1_000;
const MAX_JSON_MACROS: usize = 20;
/// The library's API: a new public module is a decision, made here and in
/// ARCHITECTURE.md, not a default.
const PUBLIC_MODULES: &[&str] = &[
    "mod analyse",
    "mod check",
    "mod compile",
    "mod diagnostics",
    "mod diff",
    "mod evaluate",
    "mod export",
    "mod format",
    "mod harness",
    "mod parse",
    "mod source",
];
/// Public for the binary, the tests and the fuzz targets only, hidden from the docs.
const HIDDEN_ITEMS: &[&str] = &["mod fuzzing", "mod testing", "fn main"];
/// The top-level modules, each after every module it names: the order of the code map
/// in ARCHITECTURE.md. The faces come last, then what only tests and fuzzing use.
const LAYERS: &[&str] = &[
    "collections",
    "parallel",
    "xml",
    "terminal",
    "source",
    "diagnostics",
    "parse",
    "format",
    "check",
    "mdd",
    "compile",
    "analyse",
    "diff",
    "words",
    "evaluate",
    "harness",
    "export",
    "ops",
    "manual",
    "output",
    "lsp",
    "cli",
    "testing",
    "fuzzing",
];

// ---- the rules, on the real source ------------------------------------------------

#[test]
fn no_cycles_between_sibling_or_top_level_modules() {
    let crate_ = Crate::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let cycles = crate_.cycles();
    assert!(
        cycles.is_empty(),
        "module cycles (a -> b: a names b):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let crate_ = Crate::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let long: Vec<String> = crate_
        .long_functions(MAX_FN_LINES)
        .into_iter()
        .map(|(file, line, name, n)| format!("{file}:{line} `{name}`: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_cli_is_a_thin_face() {
    let crate_ = Crate::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let lines = crate_.lines_under("cli/");
    assert!(
        lines < MAX_CLI_LINES,
        "src/cli/ has {lines} lines outside tests (at most {MAX_CLI_LINES})"
    );
}

#[test]
fn json_is_built_from_typed_data() {
    let crate_ = Crate::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let sites = crate_.json_macros();
    assert!(
        sites.len() < MAX_JSON_MACROS,
        "{} `json!` sites outside tests (fewer than {MAX_JSON_MACROS} allowed):\n{}",
        sites.len(),
        sites.join("\n")
    );
}

#[test]
fn top_level_modules_name_only_earlier_layers() {
    let crate_ = Crate::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    assert_eq!(crate_.layer_breaches(LAYERS), Vec::<String>::new());
}

#[test]
fn the_library_exports_only_its_stages() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let (public, hidden) = exports(&blank(&std::fs::read_to_string(lib).unwrap()));
    assert_eq!(
        public, PUBLIC_MODULES,
        "lib.rs exports other items than the stages: make the new one `pub(crate)`, or \
         `#[doc(hidden)]` if only tests need it (src/testing.rs)"
    );
    assert_eq!(hidden, HIDDEN_ITEMS);
}

// ---- reading the source ------------------------------------------------------------

/// The items `lib.rs` makes public (`pub`, not `pub(crate)`) as `kind name` (`mod
/// check`, `fn main`, `use x::y`): those shown in the documentation, and those under
/// `#[doc(hidden)]`. Reads the crate root's own lines only (items start in column 0).
fn exports(code: &str) -> (Vec<String>, Vec<String>) {
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    let mut hide = false;
    for line in code.lines() {
        if line.starts_with("#[doc(hidden)]") {
            hide = true;
        } else if let Some(rest) = line.strip_prefix("pub ") {
            let mut words = rest.split(|c: char| !(is_ident(c) || c == ':'));
            let item = format!(
                "{} {}",
                words.next().unwrap_or(""),
                words.next().unwrap_or("")
            );
            if hide { &mut hidden } else { &mut shown }.push(item);
            hide = false;
        } else if !line.starts_with("#[") && !line.trim().is_empty() {
            hide = false;
        }
    }
    (shown, hidden)
}

/// The library's source files outside tests: by path relative to `src/` (`check/ir.rs`),
/// each with its code (comments and strings blanked, test items cut) and its module
/// path (`["check", "ir"]`; a folder's `mod.rs` is the folder's module, `lib.rs` the
/// root).
struct Crate {
    files: BTreeMap<String, File>,
}

struct File {
    module: Vec<String>,
    code: String,
    /// Lines of `#[cfg(test)]` items (blank in `code`).
    test_lines: usize,
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut texts = BTreeMap::new();
        let mut stack = vec![src.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let rel = path.strip_prefix(src).unwrap();
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    texts.insert(rel, std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        Crate::from_texts(texts)
    }

    /// The crate from file texts by relative path; `main.rs` (the binary) is left out.
    fn from_texts(texts: BTreeMap<String, String>) -> Crate {
        let mut files = BTreeMap::new();
        // Files, and folders of files, that only tests declare.
        let mut test_only = Vec::new();
        for (rel, text) in &texts {
            let (code, test_lines, test_files) = outside_tests(&blank(text), text);
            for f in test_files {
                test_only.extend(declared_files(rel, &f));
            }
            let module = module_of(rel);
            files.insert(
                rel.clone(),
                File {
                    module,
                    code,
                    test_lines,
                },
            );
        }
        files.retain(|rel, _| {
            rel != "main.rs"
                && !test_only.iter().any(|t| {
                    rel == t || rel.starts_with(&format!("{}/", t.trim_end_matches(".rs")))
                })
        });
        Crate { files }
    }

    fn modules(&self) -> BTreeSet<Vec<String>> {
        self.files.values().map(|f| f.module.clone()).collect()
    }

    /// Top-level edges `a -> b` where `b` is not before `a` in `layers`, and modules
    /// missing from `layers`.
    fn layer_breaches(&self, layers: &[&str]) -> Vec<String> {
        let at = |m: &str| layers.iter().position(|l| *l == m);
        let mut out = Vec::new();
        for m in self.modules().iter().filter_map(|m| m.first()) {
            if at(m).is_none() && !out.contains(&format!("{m} is in no layer")) {
                out.push(format!("{m} is in no layer"));
            }
        }
        let edges = self.edges();
        for (from, tos) in edges.get(&Vec::new()).into_iter().flatten() {
            for to in tos {
                if let (Some(a), Some(b)) = (at(from), at(to)) {
                    if b >= a {
                        out.push(format!("{from} -> {to}: {to} is not before {from}"));
                    }
                }
            }
        }
        out
    }

    /// Edges per folder (module path): `a -> b` between two of its modules.
    fn edges(&self) -> BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> {
        let modules = self.modules();
        let mut edges: BTreeMap<_, BTreeMap<_, BTreeSet<_>>> = BTreeMap::new();
        for File {
            module: me, code, ..
        } in self.files.values()
        {
            for path in paths(code) {
                let Some(target) = resolve(&path, me, &modules) else {
                    continue;
                };
                // Where the two paths part, if both go on into modules of that folder.
                let k = me.iter().zip(&target).take_while(|(a, b)| a == b).count();
                let (Some(from), Some(to)) = (me.get(k), target.get(k)) else {
                    continue;
                };
                if modules.contains(&target[..=k]) {
                    edges
                        .entry(me[..k].to_vec())
                        .or_default()
                        .entry(from.clone())
                        .or_default()
                        .insert(to.clone());
                }
            }
        }
        edges
    }

    /// One line per cycle: the folder (`crate` for the top level) and the cycle.
    fn cycles(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (folder, graph) in self.edges() {
            let folder = if folder.is_empty() {
                "crate".to_string()
            } else {
                format!("crate::{}", folder.join("::"))
            };
            for cycle in cycles(&graph) {
                out.push(format!("in {folder}: {}", cycle.join(" -> ")));
            }
        }
        out
    }

    /// (file, line, name, lines) of every function longer than `limit` lines, from its
    /// `fn` line to its closing brace.
    fn long_functions(&self, limit: usize) -> Vec<(String, usize, String, usize)> {
        let mut out = Vec::new();
        for (rel, f) in &self.files {
            for (line, name, n) in functions(&f.code) {
                if n > limit {
                    out.push((rel.clone(), line, name, n));
                }
            }
        }
        out
    }

    /// Lines of code under a folder (`cli/`), tests cut.
    fn lines_under(&self, folder: &str) -> usize {
        self.files
            .iter()
            .filter(|(rel, _)| rel.starts_with(folder))
            .map(|(_, f)| f.code.lines().count() - f.test_lines)
            .sum()
    }

    /// `file:line` of every `json!`.
    fn json_macros(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (rel, f) in &self.files {
            for (i, line) in f.code.lines().enumerate() {
                for _ in line.match_indices("json!") {
                    out.push(format!("{rel}:{}", i + 1));
                }
            }
        }
        out
    }
}

/// `check/ir.rs` -> `["check", "ir"]`; `check/mod.rs` -> `["check"]`; `lib.rs` -> `[]`.
fn module_of(rel: &str) -> Vec<String> {
    let stem = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Where `mod name;` (or `#[path = "x.rs"] mod name;`, given as `x.rs`) in `rel` may
/// be: `name.rs` (or `name/mod.rs`, `name/...` with it) next to a `mod.rs` or `lib.rs`,
/// else in the folder named after the declaring file.
fn declared_files(rel: &str, name: &str) -> Vec<String> {
    let path = Path::new(rel);
    let parent = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let dir: PathBuf = match path.file_name().and_then(|f| f.to_str()) {
        Some("mod.rs" | "lib.rs") => parent.clone(),
        _ => path.with_extension(""),
    };
    let files = if name.ends_with(".rs") {
        // `#[path]` is relative to the declaring file's folder.
        vec![parent.join(name)]
    } else {
        vec![
            dir.join(format!("{name}.rs")),
            dir.join(name).join("mod.rs"),
        ]
    };
    files
        .into_iter()
        .map(|f| f.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// The text with comments and the contents of string and character literals replaced
/// by spaces (newlines kept), byte for byte, so offsets and lines stay the same.
fn blank(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let wipe = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |n| i + n);
            wipe(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            // Block comments nest.
            let (mut depth, mut j) = (0usize, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            wipe(&mut out, i, j);
            i = j;
        } else if let Some((open, hashes)) = raw_string_start(b, i) {
            let close: Vec<u8> = std::iter::once(b'"').chain(vec![b'#'; hashes]).collect();
            let body = open;
            let end = (body..b.len())
                .find(|&j| b[j..].starts_with(&close))
                .unwrap_or(b.len());
            wipe(&mut out, body, end);
            i = end + close.len();
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            wipe(&mut out, i + 1, j);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A character literal (`'a'`, `'\n'`, `'"'`), or a lifetime (`'a`).
            let end = if rest.get(1) == Some(&b'\\') {
                (i + 2..b.len()).find(|&j| b[j] == b'\'')
            } else {
                let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len)
            };
            match end {
                Some(end) => {
                    wipe(&mut out, i + 1, end);
                    i = end + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// At `r"`, `r#"`, `br"`...: where the string's body starts and how many `#`s close it.
fn raw_string_start(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    (b.get(j) == Some(&b'"')).then_some((j + 1, hashes))
}

/// The blanked code without its `#[cfg(test)]` items (their lines left blank), how many
/// lines they took, and the files they declare (`mod tests;`, or the `#[path]` they
/// name). `raw` is the text before blanking (the same offsets), for the `#[path]`.
fn outside_tests(code: &str, raw: &str) -> (String, usize, Vec<String>) {
    let mut out = String::with_capacity(code.len());
    let mut files = Vec::new();
    let mut test_lines = 0;
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]").map(|k| from + k) {
        out.push_str(&code[from..at]);
        // The item ends at a `;` before any brace, or at the brace closing its first.
        let b = code.as_bytes();
        let mut j = at + "#[cfg(test)]".len();
        let mut depth = 0usize;
        let mut end = code.len();
        while j < b.len() {
            match b[j] {
                b'[' | b'(' => depth += 1,
                b']' | b')' => depth = depth.saturating_sub(1),
                b';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                b'{' => {
                    end = matching_brace(code, j).map_or(code.len(), |k| k + 1);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let item = &code[at..end];
        if item.ends_with(';') {
            if let Some(name) = item.split("mod ").nth(1) {
                let name = name.trim_end_matches(';').trim();
                let path = raw[at..end]
                    .split("#[path = \"")
                    .nth(1)
                    .and_then(|p| p.split('"').next());
                files.push(path.unwrap_or(name).to_string());
            }
        }
        // Keep the lines, so that what follows keeps its line numbers.
        let breaks = item.matches('\n').count();
        out.extend(std::iter::repeat_n('\n', breaks));
        test_lines += breaks + 1;
        from = end;
    }
    out.push_str(&code[from..]);
    (out, test_lines, files)
}

/// The offset of the `}` matching the `{` at `open`.
fn matching_brace(code: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + k);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path the code names: each `use` tree expanded (`use a::{b, c::d}` gives
/// `a::b` and `a::c::d`), and every `x::y` elsewhere, as segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code.to_string();
    // `use` declarations first, removed once read.
    let mut i = 0;
    while let Some(k) = rest[i..].find("use ").map(|k| i + k) {
        let starts_word = rest[..k].chars().next_back().is_none_or(|c| !is_ident(c));
        let Some(end) = rest[k..].find(';').map(|e| k + e) else {
            break;
        };
        if starts_word {
            let tree: String = rest[k + 4..end].to_string();
            out.extend(expand_use(&tree));
            rest.replace_range(k..end, &" ".repeat(end - k));
        }
        i = k + 4;
    }
    // Then paths in code: a run of `ident::ident...`, not itself after `::`.
    let chars: Vec<char> = rest.chars().collect();
    let mut j = 0;
    while j < chars.len() {
        let starts = is_ident(chars[j])
            && (j == 0 || !(is_ident(chars[j - 1]) || j >= 2 && chars[j - 2..j] == [':', ':']));
        if !starts {
            j += 1;
            continue;
        }
        let mut segs = Vec::new();
        let mut k = j;
        loop {
            let s = k;
            while k < chars.len() && is_ident(chars[k]) {
                k += 1;
            }
            segs.push(chars[s..k].iter().collect::<String>());
            if chars.get(k..k + 2) == Some(&[':', ':'][..])
                && chars.get(k + 2).is_some_and(|&c| is_ident(c))
            {
                k += 2;
            } else {
                break;
            }
        }
        if segs.len() > 1 {
            out.push(segs);
        }
        j = k.max(j + 1);
    }
    out
}

/// The paths of a `use` tree: `a::{b, c::{d, self}}` gives `a::b`, `a::c::d`, `a::c`.
fn expand_use(tree: &str) -> Vec<Vec<String>> {
    // Renames (`x as y`) name the same thing; whitespace means nothing.
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut flat = String::new();
    let mut w = 0;
    while w < words.len() {
        if words[w] == "as" {
            w += 2;
            continue;
        }
        flat.push_str(words[w]);
        w += 1;
    }
    let flat = flat.trim_start_matches("::");
    let Some(open) = flat.find('{') else {
        let segs: Vec<String> = flat
            .split("::")
            .filter(|s| !s.is_empty() && *s != "*" && *s != "self")
            .map(str::to_string)
            .collect();
        return vec![segs];
    };
    let prefix = flat[..open].trim_end_matches("::");
    let close = matching_brace(flat, open).unwrap_or(flat.len());
    let mut out = Vec::new();
    let inner = &flat[open + 1..close];
    let (mut depth, mut start) = (0usize, 0);
    for (k, c) in inner.char_indices().chain([(inner.len(), ',')]) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                let part = &inner[start..k];
                if !part.is_empty() {
                    out.extend(expand_use(&format!("{prefix}::{part}")));
                }
                start = k + 1;
            }
            _ => {}
        }
    }
    out
}

/// The absolute module path a path names from module `me`, when it starts at a module:
/// `crate::`, `super::`, `self::`, or a bare name of a module inside `me` or next to it.
fn resolve(path: &[String], me: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut base: Vec<String> = me.to_vec();
    let rest: &[String] = match first.as_str() {
        "crate" => {
            base.clear();
            &path[1..]
        }
        "self" => &path[1..],
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            base.truncate(base.len().checked_sub(ups)?);
            &path[ups..]
        }
        name => {
            let mut inside = base.clone();
            inside.push(name.to_string());
            if !modules.contains(&inside) {
                base.pop()?;
                let mut next_to = base.clone();
                next_to.push(name.to_string());
                if !modules.contains(&next_to) {
                    return None;
                }
            }
            path
        }
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

/// Cycles of a graph: for each node (in name order, for stable messages) not on a cycle
/// already found, the shortest cycle through it, as names from the node back to itself
/// (`a -> b -> a`). Every cycle has such a node, so there is no cycle when none is
/// found.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        // The shortest way from `start` back to itself (breadth first), if any.
        let mut back: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut found = None;
        while let Some(node) = queue.pop_front() {
            for next in graph.get(node).into_iter().flatten() {
                if next == start {
                    found = Some(node);
                    break;
                }
                if !back.contains_key(next) {
                    back.insert(next, node);
                    queue.push_back(next);
                }
            }
            if found.is_some() {
                break;
            }
        }
        if let Some(mut node) = found {
            let mut middle = Vec::new();
            while node != start {
                middle.push(node.clone());
                node = back[node];
            }
            middle.reverse();
            let mut cycle = vec![start.clone()];
            cycle.extend(middle);
            cycle.push(start.clone());
            seen.extend(cycle.iter().cloned());
            out.push(cycle);
        }
    }
    out
}

/// (line, name, lines) of every function with a body: from its `fn` line to the line of
/// its closing brace.
fn functions(code: &str) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut from = 0;
    while let Some(at) = code[from..].find("fn ").map(|k| from + k) {
        from = at + 3;
        if code[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let name: String = code[at + 3..]
            .chars()
            .take_while(|&c| is_ident(c))
            .collect();
        if name.is_empty() {
            continue; // `fn(` types
        }
        // The body's `{`, unless a `;` ends a declaration first.
        let Some(open) = code[at..].find(['{', ';']).map(|k| at + k) else {
            break;
        };
        if code.as_bytes()[open] == b';' {
            continue;
        }
        if let Some(close) = matching_brace(code, open) {
            out.push((line_of(at), name, line_of(close) - line_of(at) + 1));
        }
    }
    out
}

// ---- the checks check: a planted breach of each rule fails -------------------------

fn crate_of(files: &[(&str, &str)]) -> Crate {
    Crate::from_texts(
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    )
}

#[test]
fn a_planted_sibling_cycle_is_found_and_shown() {
    let c = crate_of(&[
        ("lib.rs", "pub mod a;\npub mod b;"),
        ("a/mod.rs", "mod x;\nmod y;\nmod z;\npub struct Shared;"),
        // x -> y through `use super::{..}`, y -> z by a bare path, z -> x by `crate::`.
        ("a/x.rs", "use super::{y::Thing, Shared};\nfn f() {}"),
        (
            "a/y.rs",
            "use super::z;\npub struct Thing;\nfn g() { z::h() }",
        ),
        ("a/z.rs", "pub fn h() { let _ = crate::a::x::f; }"),
        (
            "b.rs",
            "// use crate::a; in a comment\nfn s() { let _ = \"crate::a::x\"; }",
        ),
    ]);
    assert_eq!(c.cycles(), vec!["in crate::a: x -> y -> z -> x"]);
}

#[test]
fn a_planted_top_level_cycle_is_found_but_not_one_through_tests() {
    let c = crate_of(&[
        ("lib.rs", "pub mod p;\npub mod q;\npub mod r;"),
        ("p.rs", "use crate::q::Q;"),
        ("q.rs", "pub struct Q;\nfn f() { crate::p::g(); }"),
        // r -> p only in tests, in an item and in a file of tests.
        (
            "r/mod.rs",
            "#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline { use crate::p; }",
        ),
        ("r/tests.rs", "use crate::p;"),
        ("main.rs", "use policyc::r;"),
    ]);
    assert_eq!(c.cycles(), vec!["in crate: p -> q -> p"]);
    // Without the planted edge back, no cycle; test code names p freely.
    let c = crate_of(&[
        ("lib.rs", "pub mod p;\npub mod q;"),
        (
            "p.rs",
            "use crate::q::Q;\n#[cfg(test)]\nmod tests { use crate::q; }",
        ),
        (
            "q.rs",
            "pub struct Q;\n#[cfg(test)]\n#[path = \"q_tests.rs\"]\nmod tests;",
        ),
        ("q_tests.rs", "use crate::p;"),
    ]);
    assert_eq!(c.cycles(), Vec::<String>::new());
}

#[test]
fn a_planted_long_function_and_json_are_counted_outside_tests() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let long = format!(
        "fn long() {{\n{body}}}\nfn short() {{ json!(1) }}\ntrait T {{ fn decl(&self); }}\n"
    );
    let c = crate_of(&[
        ("lib.rs", "pub mod cli;"),
        ("cli/mod.rs", &long),
        (
            "cli/other.rs",
            "fn f() {\n  let s = \"{\";\n}\n#[cfg(test)]\nmod tests { fn t() { json!(2); } }\n",
        ),
    ]);
    let long = c.long_functions(MAX_FN_LINES);
    assert_eq!(
        long,
        vec![(
            "cli/mod.rs".to_string(),
            1,
            "long".to_string(),
            MAX_FN_LINES + 2
        )]
    );
    assert_eq!(c.json_macros(), vec!["cli/mod.rs:153"]);
    assert_eq!(c.lines_under("cli/"), MAX_FN_LINES + 4 + 3);
}

#[test]
fn a_planted_layer_breach_and_an_unlisted_module_are_found() {
    let c = crate_of(&[
        ("lib.rs", "pub mod low;\npub mod high;\npub mod stray;"),
        ("low.rs", "pub fn f() { crate::high::g(); }"),
        (
            "high.rs",
            "pub fn g() { crate::low::f(); }\n#[cfg(test)]\nmod t { use crate::stray; }",
        ),
        ("stray.rs", ""),
    ]);
    assert_eq!(
        c.layer_breaches(&["low", "high"]),
        [
            "stray is in no layer",
            "low -> high: high is not before low"
        ]
    );
}

#[test]
fn a_planted_public_module_is_found_and_hidden_ones_told_apart() {
    let lib = "pub mod check;\npub(crate) mod cli;\n#[doc(hidden)]\n#[allow(x)]\npub mod \
               testing;\n/// Docs.\n#[doc(hidden)]\npub fn main() {\n    pub fn inner() {}\n}\n\
               pub use check::ir;\n#[doc(hidden)]\nmod private;\npub mod lsp;";
    let (shown, hidden) = exports(&blank(lib));
    assert_eq!(shown, ["mod check", "use check::ir", "mod lsp"]);
    assert_eq!(hidden, ["mod testing", "fn main"]);
}

#[test]
fn literals_and_comments_are_blanked_in_place() {
    let text =
        "let a = '{'; let b = \"}\\\"\"; let c = r#\"\"}\"#; // }\nfn f<'a>(x: &'a str) /* { */ {}";
    let blanked = blank(text);
    assert_eq!(blanked.len(), text.len());
    assert_eq!(blanked.matches(['{', '}']).count(), 2, "{blanked}");
    assert!(blanked.contains("fn f<'a>(x: &'a str)"));
}
