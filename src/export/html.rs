//! The static HTML report: an index and one page per policy. Self-contained (inline CSS,
//! inline SVG, no scripts, no network: a Content-Security-Policy says so to the
//! browser too), readable without JavaScript, and printable.
//!
//! Every piece of policy text goes through `esc`; the tests render a policy whose
//! title is a `<script>` and check that it shows as text.

use std::fmt::Write as _;
use std::path::Path;

use super::plain::{self, humanise, Piece, TermKind};
use super::report::{Content, Page, PolicyPage};
use super::split::Plan;
use super::svg::{self, SvgOptions};
use super::text::{one_line, xml_escape as esc};
use super::view::{GraphView, LeafKind, ViewNode};
use super::words;
use crate::analyse::{Analysis, DeadReason, Unfinished};
use crate::check::ir::{
    EnumId, Expect, HitPolicy, InputId, OutputId, OutputTy, Policy, RuleId, Ty,
};
use crate::compile::describe::{show_count, Region};
use crate::harness::{TestCase, TestKind, TestOutcome};

const CSS: &str = r#"
:root { --ink:#1f2937; --muted:#4b5563; --line:#e5e7eb; --red:#b91c1c; --red-bg:#fdecec;
  --amber:#92400e; --amber-bg:#fff8e6; --green:#166534; --green-bg:#ecfdf3; --blue:#1e3a8a;
  --blue-bg:#eef4ff; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, sans-serif; }
main, header.page, nav.toc, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.5rem; }
header.page { padding-top: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: .2rem 0 .4rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .3rem; }
h4 { font-size: 1rem; margin: 1rem 0 .2rem; }
.part { font-size: 1rem; color: var(--blue); }
a { color: var(--blue); }
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: .88em; }
code { background: #f3f4f6; padding: .05em .3em; border-radius: 3px; }
.crumbs { font-size: .9rem; color: var(--muted); }
.meta { color: var(--muted); margin: 0; }
.meta dt { display: inline; font-weight: 600; } .meta dd { display: inline; margin: 0 1.2rem 0 .3rem; }
.lead { font-size: 1.05rem; max-width: 50rem; }
nav.toc { font-size: .95rem; margin-top: 1rem; }
nav.toc a { margin-right: 1rem; white-space: nowrap; }
.summary { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; padding: 0; list-style: none; }
.summary li { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .8rem; min-width: 9rem; }
.summary b { display: block; font-size: 1.35rem; }
.bad { color: var(--red); } .warn { color: var(--amber); } .good { color: var(--green); }
.badge { display: inline-block; font-size: .78rem; font-weight: 700; letter-spacing: .02em;
  padding: .05rem .45rem; border-radius: 999px; vertical-align: middle; border: 1px solid; white-space: nowrap; }
.badge.bad { background: var(--red-bg); } .badge.warn { background: var(--amber-bg); }
.badge.good { background: var(--green-bg); } .badge.none { color: var(--muted); background: #f3f4f6; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
th { background: #f9fafb; font-weight: 600; }
.term { border-bottom: 1px dotted var(--blue); color: inherit; text-decoration: none; font-weight: 600; }
.rule, .finding, .scenario { border: 1px solid var(--line); border-left: 5px solid var(--blue);
  border-radius: 6px; padding: .6rem 1rem; margin: .8rem 0; break-inside: avoid; }
.finding.gap, .finding.conflict, .finding.failed, .scenario.failed { border-left-color: var(--red); background: #fffafa; }
.finding.accepted, .finding.dead, .finding.precedence { border-left-color: #b7791f; }
.finding.holds, .scenario.passed { border-left-color: #2f7d4a; }
.scenario.not-run { border-left-color: #9ca3af; }
.rule h3, .finding h3, .scenario h3 { margin: 0 0 .2rem; }
.says { font-size: 1.02rem; margin: .3rem 0; }
blockquote { margin: .4rem 0; padding: .2rem .8rem; border-left: 3px solid var(--line); color: #374151; font-style: italic; }
.facts { list-style: none; padding: 0; margin: .3rem 0; display: flex; flex-wrap: wrap; gap: .3rem; }
.facts li { background: #f3f4f6; border-radius: 4px; padding: .05rem .45rem; font-size: .88rem; }
.graph { margin: .6rem 0 1rem; background: #fff; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.graph svg { display: block; margin: 0 auto; width: 100%; height: auto; }
details.graphs { border: 1px solid var(--line); border-radius: 6px; padding: .3rem 1rem; margin: .6rem 0; }
details.graphs > summary { cursor: pointer; font-weight: 600; padding: .3rem 0; }
details.graphs[open] > summary { margin-bottom: .4rem; }
ul.decides { padding-left: 1.2rem; }
ul.decides li { margin: .45rem 0; }
ul.decides .answers { color: var(--muted); }
details.code > summary { color: var(--muted); font-size: .88rem; cursor: pointer; }
details.code code { overflow-wrap: break-word; }
table.scen td:first-child { width: 6rem; }
table.scen .facts { margin: 0; }
pre.diag { background: #111827; color: #f9fafb; padding: .8rem; border-radius: 6px; overflow-x: auto; font-size: .85rem; }
.note { color: var(--muted); font-size: .92rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; padding-bottom: 2rem; }
@media print {
  body { font-size: 11pt; }
  nav.toc, .crumbs { display: none; }
  a { color: inherit; text-decoration: none; }
  .graph { border: none; }
  details.graphs { border: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  .summary li, table { break-inside: avoid; }
}
"#;

/// Nothing may be fetched or run: styles inline, images only as data.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"policyc {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
}

fn page_end(out: &mut String) {
    let _ = write!(
        out,
        "<footer>Generated by policyc {} from the policy files; every finding is exact for the policy's finite inputs.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
}

/// Writes `index.html` and one page per file into `dir`.
pub fn write_site(pages: &[Page], dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let index = dir.join("index.html");
    super::write_file(&index, &index_page(pages))?;
    written.push(index);
    for p in pages {
        let path = dir.join(format!("{}.html", p.slug));
        super::write_file(&path, &policy_page(p))?;
        written.push(path);
    }
    Ok(written)
}

/// `1 accepted gap`, `2 accepted gaps`: `one` and `many` are the two forms.
/// A doc comment as HTML: escaped, and `backticked` spans as code, as the writer meant
/// them (an unpaired backtick stays a backtick).
fn doc_html(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return esc(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(k, part)| {
            if k % 2 == 1 && !part.is_empty() {
                format!("<code>{}</code>", esc(part))
            } else if k % 2 == 1 {
                "``".to_string()
            } else {
                esc(part)
            }
        })
        .collect()
}

fn count_badge(n: usize, one: &str, many: &str, class: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        let word = if n == 1 { one } else { many };
        format!(" <span class=\"badge {class}\">{n} {word}</span>")
    }
}

/// `n` incidents as a share of the `of` incidents the policy speaks to: "about 1 in 920
/// of the incidents it speaks to", "about 40% of ...", "every incident it speaks to".
fn share(n: u128, of: u128) -> String {
    if of == 0 || n >= of {
        return "every incident it speaks to".into();
    }
    let tail = "of the incidents it speaks to";
    // Whole percentages where they are at least 1%; below that, "1 in N".
    let percent = n.saturating_mul(100) / of;
    if percent >= 99 {
        // "about 99%" would hide that a few incidents are decided.
        "almost every incident it speaks to".to_string()
    } else if percent >= 1 {
        format!("about {percent}% {tail}")
    } else {
        let one_in = (of + n / 2) / n.max(1);
        format!("about 1 in {} {tail}", show_count(one_in))
    }
}

/// `1 rule`, `3 rules`, `1,200 rules`.
fn plural(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", show_count(n as u128))
}

/// An identifier that may break only between its words (after `_`), never inside one.
fn ident(name: &str) -> String {
    esc(name).replace('_', "_<wbr>")
}

/// The index: every policy with its state at a glance.
pub fn index_page(pages: &[Page]) -> String {
    let mut out = String::new();
    page_start(&mut out, "Policies");
    out.push_str("<header class=\"page\"><h1>Policies</h1><p class=\"lead\">The safeguarding policies in this report, with what the analyses found and how their scenarios fare. Each page states the policy's rules in plain language, draws its decision and lists its findings.</p></header>\n<main>\n");
    // Policies that decide first; comparisons (no outputs, only asserts over the
    // policies they import) after them, in a table of their own.
    let policies: Vec<(&Page, &PolicyPage)> = pages
        .iter()
        .filter_map(|p| match &p.content {
            Content::Policy(pp) if pp.is_policy && !pp.policy.outputs.is_empty() => {
                Some((p, pp.as_ref()))
            }
            _ => None,
        })
        .collect();
    let comparisons: Vec<(&Page, &PolicyPage)> = pages
        .iter()
        .filter_map(|p| match &p.content {
            Content::Policy(pp) if pp.is_policy && pp.policy.outputs.is_empty() => {
                Some((p, pp.as_ref()))
            }
            _ => None,
        })
        .collect();
    if !policies.is_empty() {
        out.push_str("<table class=\"index\"><thead><tr><th>Policy</th><th>Source document</th><th>Rules</th><th>Findings</th><th>Scenarios</th><th>Rule coverage</th></tr></thead><tbody>\n");
        for (p, pp) in &policies {
            let h = pp.policy.header.as_ref();
            let source = h
                .and_then(|h| h.source.as_deref())
                .map(words::source)
                .unwrap_or_default();
            let version = h.and_then(|h| h.version.clone());
            let _ = writeln!(
                out,
                "<tr><td><a href=\"{}.html\">{}</a><br><code>{}</code> <span class=\"note\">{}</span></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.slug),
                esc(&pp.title()),
                ident(&pp.policy.name),
                // Two files may declare one policy name (a draft copy, W0008): the file
                // tells their rows apart.
                esc(&p.files_shown()),
                esc(&source),
                version
                    .map(|v| format!("<br><span class=\"note\">version {}</span>", esc(&v)))
                    .unwrap_or_default(),
                pp.policy.rules.len(),
                findings_cell(pp),
                scenarios_cell(pp),
                pp.coverage
                    .as_ref()
                    // No rules, nothing to cover: "100% (0 of 0)" claimed coverage.
                    .filter(|c| c.rules_total > 0)
                    .map(|c| format!(
                        "{:.0}% <span class=\"note\">({} of {})</span>",
                        c.rule_percent(),
                        c.rules_covered,
                        c.rules_total
                    ))
                    .unwrap_or_else(|| "—".into()),
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !comparisons.is_empty() {
        out.push_str("<h2>Comparisons between policies</h2>\n<table class=\"index\"><thead><tr><th>Comparison</th><th>Asserts</th><th>Findings</th></tr></thead><tbody>\n");
        for (p, pp) in &comparisons {
            let _ = writeln!(
                out,
                "<tr><td><a href=\"{}.html\">{}</a><br><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&p.slug),
                esc(&pp.title()),
                ident(&pp.policy.name),
                asserts_cell(pp),
                findings_cell(pp),
            );
        }
        out.push_str("</tbody></table>\n");
    }
    let modules: Vec<(&Page, &PolicyPage)> = pages
        .iter()
        .filter_map(|p| match &p.content {
            Content::Policy(pp) if !pp.is_policy => Some((p, pp.as_ref())),
            _ => None,
        })
        .collect();
    if !modules.is_empty() {
        out.push_str("<h2>Shared vocabularies</h2><ul>\n");
        for (p, pp) in modules {
            let _ = writeln!(
                out,
                "<li><a href=\"{}.html\">{}</a>: {}, {} <span class=\"note\">({})</span></li>",
                esc(&p.slug),
                esc(&pp.policy.name),
                plural(pp.policy.inputs.len(), "input", "inputs"),
                plural(pp.policy.enums.len(), "enumeration", "enumerations"),
                esc(&p.file)
            );
        }
        out.push_str("</ul>\n");
    }
    let broken: Vec<&Page> = pages
        .iter()
        .filter(|p| matches!(p.content, Content::Errors { .. }))
        .collect();
    if !broken.is_empty() {
        out.push_str("<h2>Files with errors</h2><ul>\n");
        for p in broken {
            let _ = writeln!(
                out,
                "<li><a href=\"{}.html\">{}</a> <span class=\"badge bad\">does not check</span></li>",
                esc(&p.slug),
                esc(&p.file)
            );
        }
        out.push_str("</ul>\n");
    }
    if pages.is_empty() {
        out.push_str("<p>No policy files were given.</p>\n");
    }
    out.push_str("</main>\n");
    page_end(&mut out);
    out
}

fn findings_cell(pp: &PolicyPage) -> String {
    let Ok(a) = &pp.analysis else {
        return "<span class=\"badge bad\">not analysed</span>".into();
    };
    let open = a.gaps.iter().filter(|g| g.accepted_by.is_empty()).count();
    let accepted = a.gaps.len() - open;
    let failing = a.asserts.iter().filter(|x| !x.holds).count();
    let mut s = String::new();
    s += &count_badge(open, "gap", "gaps", "bad");
    s += &count_badge(a.conflict_pairs(), "conflict", "conflicts", "bad");
    s += &count_badge(a.overlap_pairs(), "overlap", "overlaps", "bad");
    s += &count_badge(failing, "assert fails", "asserts fail", "bad");
    s += &count_badge(
        accepted,
        "left undecided on purpose",
        "left undecided on purpose",
        "warn",
    );
    s += &count_badge(a.dead_rules.len(), "dead rule", "dead rules", "warn");
    // A precedence decides between rules that disagree: not wrong, but a precedence
    // that ranks "manage in school" above "refer at once" must be seen on the index,
    // so the values it puts first are named.
    let decided = a.resolved_pairs();
    s += &count_badge(
        decided,
        "decided by precedence",
        "decided by precedence",
        "warn",
    );
    if decided > 0 {
        s += &precedence_note(pp, a);
    }
    if s.is_empty() {
        "<span class=\"badge good\">none</span>".into()
    } else {
        s
    }
}

/// Which values the precedence chose over which, per output, from the listed pairs:
/// "<code>response</code>: manage_in_setting over refer_immediately".
fn precedence_note(pp: &PolicyPage, a: &Analysis) -> String {
    let p = &pp.policy;
    let mut seen: Vec<(OutputId, String, String)> = Vec::new();
    for c in &a.resolved {
        let def = &p.outputs[c.output];
        let [x, y, ..] = c.values.as_slice() else {
            continue;
        };
        let (win, lose) = if def.hit.rank(x) < def.hit.rank(y) {
            (x, y)
        } else {
            (y, x)
        };
        let pair = (
            c.output,
            plain::show_value(p, win),
            plain::show_value(p, lose),
        );
        if !seen.contains(&pair) {
            seen.push(pair);
        }
    }
    if seen.is_empty() {
        return String::new();
    }
    seen.sort_by_key(|x| x.0);
    let mut parts: Vec<String> = Vec::new();
    for (k, (o, win, lose)) in seen.iter().enumerate() {
        let first_of_output = k == 0 || seen.get(k - 1).is_none_or(|prev| prev.0 != *o);
        let name = if first_of_output {
            let n = p.outputs[*o].name.as_str();
            format!("<code>{}</code>: ", ident(n))
        } else {
            String::new()
        };
        parts.push(format!("{name}<b>{}</b> over {}", esc(win), esc(lose)));
    }
    format!(
        "<br><span class=\"note\">the precedence puts {}</span>",
        parts.join(", ")
    )
}

/// How many of a file's asserts hold: what a comparison is for.
fn asserts_cell(pp: &PolicyPage) -> String {
    let Ok(a) = &pp.analysis else {
        return "<span class=\"badge bad\">not analysed</span>".into();
    };
    if a.asserts.is_empty() {
        return "<span class=\"badge none\">none</span>".into();
    }
    let holding = a.asserts.iter().filter(|x| x.holds).count();
    let class = if holding == a.asserts.len() {
        "good"
    } else {
        "bad"
    };
    format!(
        "<span class=\"badge {class}\">{holding} of {} hold</span>",
        a.asserts.len()
    )
}

fn scenarios_cell(pp: &PolicyPage) -> String {
    let scen: Vec<&TestCase> = pp
        .tests
        .iter()
        .filter(|t| t.kind == TestKind::Scenario)
        .collect();
    if scen.is_empty() {
        return "<span class=\"badge none\">none</span>".into();
    }
    let passed = scen
        .iter()
        .filter(|t| matches!(t.outcome, TestOutcome::Passed))
        .count();
    let failed = scen
        .iter()
        .filter(|t| matches!(t.outcome, TestOutcome::Failed(_)))
        .count();
    let class = if failed > 0 { "bad" } else { "good" };
    format!(
        "<span class=\"badge {class}\">{passed} of {} pass</span>",
        scen.len()
    )
}

/// A page for one file.
pub fn policy_page(page: &Page) -> String {
    match &page.content {
        Content::Errors { name, errors } => {
            let mut out = String::new();
            page_start(&mut out, name);
            let _ = write!(
                out,
                "<header class=\"page\"><p class=\"crumbs\"><a href=\"index.html\">All policies</a></p><h1>{}</h1><p class=\"meta\">{}</p></header>\n<main>\n<p><span class=\"badge bad\">does not check</span> This file has errors, so it cannot be analysed or drawn. Run <code>policyc check {}</code> to see them with colour; fix them and generate the report again.</p>\n",
                esc(name),
                esc(&page.file),
                esc(&page.file)
            );
            for e in errors {
                let _ = writeln!(out, "<pre class=\"diag\">{}</pre>", esc(e));
            }
            out.push_str("</main>\n");
            page_end(&mut out);
            out
        }
        Content::Policy(pp) => PageWriter {
            pp,
            out: String::new(),
        }
        .write(&page.files_shown()),
    }
}

struct PageWriter<'a> {
    pp: &'a PolicyPage,
    out: String,
}

impl PageWriter<'_> {
    fn p(&self) -> &Policy {
        &self.pp.policy
    }

    fn pieces(&self, pieces: &[Piece]) -> String {
        let mut s = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => s.push_str(&esc(t)),
                Piece::Term { kind, name, shown } => {
                    let (anchor, doc) = match kind {
                        TermKind::Input => (
                            "input",
                            self.p()
                                .inputs
                                .iter()
                                .find(|i| &i.name == name)
                                .and_then(|i| i.doc.clone()),
                        ),
                        TermKind::Define => (
                            "define",
                            self.p()
                                .defines
                                .iter()
                                .find(|d| &d.name == name)
                                .and_then(|d| d.doc.clone()),
                        ),
                        TermKind::Output => (
                            "output",
                            self.p()
                                .outputs
                                .iter()
                                .find(|o| &o.name == name)
                                .and_then(|o| o.doc.clone()),
                        ),
                    };
                    let title = match doc {
                        Some(d) => format!("{name}: {}", one_line(&d)),
                        None => name.clone(),
                    };
                    let _ = write!(
                        s,
                        "<a class=\"term\" href=\"#{anchor}-{}\" title=\"{}\">{}</a>",
                        esc(name),
                        esc(&title),
                        esc(shown)
                    );
                }
            }
        }
        s
    }

    fn write(mut self, file: &str) -> String {
        let pp = self.pp;
        let title = pp.title();
        page_start(&mut self.out, &title);
        self.header(file, &title);
        self.out.push_str("<main>\n");
        if pp.is_policy {
            // What the policy decides and leaves open first; the drawings, long for a
            // policy of many outcomes, after the rules and findings.
            self.summary();
            self.decides();
            self.findings();
            self.rules();
            self.scenarios();
            self.graphs();
        }
        self.vocabulary();
        if !pp.warnings.is_empty() {
            self.out
                .push_str("<h2 id=\"warnings\">Warnings from the checker</h2>\n");
            for w in &pp.warnings {
                let _ = writeln!(self.out, "<pre class=\"diag\">{}</pre>", esc(w));
            }
        }
        self.out.push_str("</main>\n");
        page_end(&mut self.out);
        self.out
    }

    fn header(&mut self, file: &str, title: &str) {
        let p = &self.pp.policy;
        let _ = write!(
            self.out,
            "<header class=\"page\"><p class=\"crumbs\"><a href=\"index.html\">All policies</a></p><h1>{}</h1>\n<dl class=\"meta\"><dt>Policy</dt><dd><code>{}</code></dd>",
            esc(title),
            esc(&p.name)
        );
        if let Some(h) = &p.header {
            if let Some(s) = &h.source {
                let _ = write!(
                    self.out,
                    "<dt>Source document</dt><dd><span title=\"{}\">{}</span></dd>",
                    esc(s),
                    esc(&words::source(s))
                );
            }
            if let Some(v) = &h.version {
                let _ = write!(self.out, "<dt>Version</dt><dd>{}</dd>", esc(v));
            }
        }
        let _ = writeln!(self.out, "<dt>File</dt><dd>{}</dd></dl>", esc(file));
        if let Some(doc) = p.header.as_ref().and_then(|h| h.doc.as_ref()) {
            let _ = writeln!(
                self.out,
                "<p class=\"lead\">{}</p>",
                doc_html(&one_line(doc))
            );
        }
        self.out.push_str("</header>\n");
        if self.pp.is_policy {
            self.out.push_str("<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#decides\">What it decides</a><a href=\"#findings\">Findings</a><a href=\"#rules\">Rules</a><a href=\"#scenarios\">Scenarios</a><a href=\"#graph\">Decision graphs</a><a href=\"#inputs\">Inputs</a><a href=\"#outputs\">Outputs</a></nav>\n");
        }
    }

    fn summary(&mut self) {
        let pp = self.pp;
        let mut items: Vec<String> = Vec::new();
        let word =
            |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        let rules = pp.policy.rules.len();
        items.push(format!(
            "<li><b>{rules}</b>{}</li>",
            word(rules, "rule", "rules")
        ));
        if let Ok(a) = &pp.analysis {
            let open = a.gaps.iter().filter(|g| g.accepted_by.is_empty()).count();
            let accepted = a.gaps.len() - open;
            let failing = a.asserts.iter().filter(|x| !x.holds).count();
            let cls = |n: usize, bad: &str| {
                if n > 0 {
                    bad.to_string()
                } else {
                    "good".into()
                }
            };
            items.push(format!(
                "<li class=\"{}\"><b>{open}</b>{}</li>",
                cls(open, "bad"),
                word(open, "open gap", "open gaps")
            ));
            items.push(format!(
                "<li class=\"{}\"><b>{}</b>{}</li>",
                cls(a.conflict_pairs(), "bad"),
                a.conflict_pairs(),
                word(a.conflict_pairs(), "conflict", "conflicts")
            ));
            if a.overlap_pairs() > 0 {
                items.push(format!(
                    "<li class=\"bad\"><b>{}</b>{}</li>",
                    a.overlap_pairs(),
                    word(
                        a.overlap_pairs(),
                        "overlap of exclusive rules",
                        "overlaps of exclusive rules"
                    )
                ));
            }
            items.push(format!(
                "<li class=\"{}\"><b>{accepted}</b>{}</li>",
                cls(accepted, "warn"),
                word(
                    accepted,
                    "left undecided on purpose",
                    "left undecided on purpose"
                )
            ));
            items.push(format!(
                "<li class=\"{}\"><b>{}</b>{}</li>",
                cls(a.dead_rules.len(), "warn"),
                a.dead_rules.len(),
                word(a.dead_rules.len(), "dead rule", "dead rules")
            ));
            // "0 of 0 asserts hold" in green reads as a check that passed.
            if !a.asserts.is_empty() {
                items.push(format!(
                    "<li class=\"{}\"><b>{} of {}</b>asserts hold</li>",
                    cls(failing, "bad"),
                    a.asserts.len() - failing,
                    a.asserts.len()
                ));
            }
        }
        let scen: Vec<&TestCase> = pp
            .tests
            .iter()
            .filter(|t| t.kind == TestKind::Scenario)
            .collect();
        let passed = scen
            .iter()
            .filter(|t| matches!(t.outcome, TestOutcome::Passed))
            .count();
        // No scenarios is not a success: said plainly, without the green of a pass.
        if scen.is_empty() {
            items.push("<li><b>no</b>scenarios</li>".to_string());
        } else {
            items.push(format!(
                "<li class=\"{}\"><b>{passed} of {}</b>scenarios pass</li>",
                if passed < scen.len() { "bad" } else { "good" },
                scen.len()
            ));
        }
        if let Some(c) = pp.coverage.as_ref().filter(|c| c.rules_total > 0) {
            items.push(format!(
                "<li><b>{:.0}%</b>rules covered by scenarios</li>",
                c.rule_percent()
            ));
        }
        // The checker's warnings are listed at the foot of the page; a reader who stops
        // at the summary must still see that there are some (a referral that never takes
        // effect is one: review 2, N1).
        let warnings = pp.warnings.len();
        if warnings > 0 {
            items.push(format!(
                "<li class=\"warn\"><b><a href=\"#warnings\">{warnings}</a></b>{}</li>",
                word(
                    warnings,
                    "warning from the checker",
                    "warnings from the checker"
                )
            ));
        }
        let _ = writeln!(self.out, "<ul class=\"summary\">{}</ul>", items.concat());
    }

    /// What the policy decides, output by output in the writer's words, and what it
    /// leaves open: the part of a reader's first screen that answers "what does this
    /// policy tell me to do?".
    fn decides(&mut self) {
        let pp = self.pp;
        let p = &pp.policy;
        self.out
            .push_str("<h2 id=\"decides\">What the policy decides</h2>\n");
        if !p.scope.is_empty() {
            let scope: Vec<String> = p
                .scope
                .iter()
                .map(|s| self.pieces(&plain::condition(p, &s.expr)))
                .collect();
            let _ = writeln!(
                self.out,
                "<p>It speaks to incidents where {}; for any other incident it decides nothing.</p>",
                scope.join(", and ")
            );
        }
        if p.outputs.is_empty() {
            self.out.push_str("<p>It declares no outputs: it decides nothing, and its asserts compare the decisions of the policies it imports.</p>\n");
            return;
        }
        let n = p.outputs.len();
        let _ = writeln!(
            self.out,
            "<p>For each incident it speaks to, it answers {}:</p>\n<ul class=\"decides\">",
            if n == 1 {
                "one question".to_string()
            } else {
                format!("{n} questions")
            }
        );
        let analysis = pp.analysis.as_ref().ok();
        for (o, def) in p.outputs.entries() {
            let values = words::output_values(p, o);
            let answers = match def.ty {
                OutputTy::Set(_) => format!("any of: {}", values.join("; ")),
                _ => values.join(" · "),
            };
            let mut open_notes = String::new();
            if let Some(a) = analysis {
                let count = |accepted: bool| -> u128 {
                    a.gaps
                        .iter()
                        .filter(|g| g.output == o && g.accepted_by.is_empty() != accepted)
                        .map(|g| g.region.count)
                        .sum()
                };
                let (open, accepted) = (count(false), count(true));
                // A share of the incidents the policy speaks to, not a count in the
                // millions that tells a reader nothing.
                let incidents = |n: u128| share(n, a.valid_count);
                if open > 0 {
                    let _ = write!(
                        open_notes,
                        "<br><span class=\"bad\">Undecided, a gap in the policy: {}.</span>",
                        incidents(open)
                    );
                }
                if accepted > 0 {
                    let _ = write!(
                        open_notes,
                        "<br><span class=\"warn\">Left undecided on purpose (the policy accepts these gaps): {}.</span>",
                        incidents(accepted)
                    );
                }
                let conflicts = a.conflict_pairs_over(o);
                if conflicts > 0 {
                    let _ = write!(
                        open_notes,
                        "<br><span class=\"bad\">Rules disagree ({}): see the findings.</span>",
                        plural(conflicts, "conflict", "conflicts")
                    );
                }
                let overlaps = a.overlap_pairs_over(o);
                if overlaps > 0 {
                    let _ = write!(
                        open_notes,
                        "<br><span class=\"bad\">Rules the policy declares exclusive overlap ({}): see the findings.</span>",
                        plural(overlaps, "pair", "pairs")
                    );
                }
                let resolved = a.resolved_pairs_over(o);
                if resolved > 0 {
                    let _ = write!(
                        open_notes,
                        "<br><span class=\"note\">Where rules disagree, the declared precedence decides ({}): see the findings.</span>",
                        plural(resolved, "pair of rules", "pairs of rules")
                    );
                }
            }
            let _ = writeln!(
                self.out,
                "<li><a class=\"term\" href=\"#output-{}\">{}</a> <span class=\"answers\">{}</span>{open_notes}</li>",
                esc(&def.name),
                esc(&words::output(p, o)),
                esc(&answers)
            );
        }
        self.out.push_str("</ul>\n");
    }

    fn svg(&mut self, view: &GraphView, prefix: &str) {
        let opts = SvgOptions {
            id_prefix: prefix.to_string(),
            heading: false,
        };
        match svg::drawn(view, &opts) {
            // The drawing scales to the page's width (its viewBox), never past its own.
            Ok(d) => {
                let _ = writeln!(self.out, "<div class=\"graph\">{}</div>", d.svg);
            }
            Err(e) => {
                let _ = writeln!(
                    self.out,
                    "<p class=\"note\">{}. The JSON export (<code>policyc graph --format json</code>) has it whole.</p>",
                    esc(&e.to_string())
                );
            }
        }
    }

    /// A decision's drawing, or its parts under their headings when it is too wide to
    /// read whole, saying what was cut.
    fn drawing(&mut self, view: &GraphView, plan: Option<&Plan>, prefix: &str) {
        let Some(plan) = plan.filter(|p| !p.is_whole()) else {
            self.svg(view, prefix);
            return;
        };
        if let Some(note) = &plan.note {
            let _ = writeln!(self.out, "<p class=\"note\">{}</p>", esc(note));
        }
        let mut last: Option<&str> = None;
        for (k, (title, part)) in plan.parts().enumerate() {
            if title != last {
                if let Some(t) = title {
                    let _ = writeln!(self.out, "<h3>{}</h3>", esc(t));
                }
                last = title;
            }
            if !part.path.is_empty() {
                // Under a section's title a level below it; else right below the page's
                // section (headings go down one level at a time).
                let h = if title.is_some() { "h4" } else { "h3" };
                let _ = writeln!(
                    self.out,
                    "<{h} class=\"part\">Where {}</{h}>",
                    esc(&part.heading())
                );
            }
            self.svg(&part.view, &format!("{prefix}p{k}-"));
        }
    }

    fn graphs(&mut self) {
        let pp = self.pp;
        self.out.push_str("<h2 id=\"graph\">Decision graphs</h2>\n<p>Start at the top and answer each question about the incident; the answer on an arrow leads to the next question, until a box at the bottom gives the decision. Red boxes are gaps or conflicts in the policy; amber boxes are gaps the policy accepts. Open a graph to see it; hover over a box for the policy's own names.</p>\n");
        let _ = write!(
            self.out,
            "<details class=\"graphs\" open><summary>The whole decision: every question and every answer</summary>"
        );
        match &pp.whole {
            Ok(v) => {
                // Drawn per output, the whole decision would repeat the sections below.
                let per_output = pp
                    .whole_plan
                    .as_ref()
                    .is_some_and(|p| p.sections.iter().any(|s| s.title.is_some()));
                if per_output {
                    let _ = writeln!(
                        self.out,
                        "<p class=\"note\">The whole decision is too wide to read in one drawing, even cut by the first questions' answers (each of its boxes says all {} outputs): each output is drawn on its own below.</p>",
                        pp.policy.outputs.len()
                    );
                } else {
                    self.drawing(v, pp.whole_plan.as_ref(), "all-");
                }
            }
            Err(e) => {
                let _ = writeln!(
                    self.out,
                    "<p class=\"bad\">The decision graph could not be built: {}</p>",
                    esc(e)
                );
            }
        }
        self.out.push_str("</details>\n");
        for ((o, def), view) in pp.policy.outputs.entries().zip(&pp.outputs) {
            let _ = write!(
                self.out,
                "<details class=\"graphs\" id=\"graph-{}\"><summary>{} <span class=\"note\"><code>{}</code></span></summary>",
                esc(&def.name),
                esc(&words::output(&pp.policy, o)),
                ident(&def.name),
            );
            match view {
                Ok(v) => {
                    if let Some(text) = constant_decision(v) {
                        let _ = writeln!(self.out, "<p>{}</p>", esc(&text));
                    } else {
                        let plan = pp.output_plans.get(o.index()).and_then(Option::as_ref);
                        self.drawing(v, plan, &format!("o{}-", o.index()));
                    }
                }
                Err(e) => {
                    let _ = writeln!(self.out, "<p class=\"bad\">{}</p>", esc(e));
                }
            }
            self.out.push_str("</details>\n");
        }
    }

    fn rules(&mut self) {
        let pp = self.pp;
        let p = &pp.policy;
        self.out.push_str("<h2 id=\"rules\">Rules</h2>\n");
        if !p.scope.is_empty() || !p.assumes.is_empty() {
            self.out.push_str("<h3>Scope and assumptions</h3><ul>\n");
            for s in &p.scope {
                let _ = writeln!(
                    self.out,
                    "<li>The policy speaks to incidents where {}.</li>",
                    self.pieces(&plain::condition(p, &s.expr))
                );
            }
            for a in &p.assumes {
                let _ = writeln!(
                    self.out,
                    "<li>Every real incident has {}.</li>",
                    self.pieces(&plain::condition(p, &a.expr))
                );
            }
            self.out.push_str("</ul>\n");
        }
        if p.rules.is_empty() {
            self.out.push_str("<p>This policy has no rules.</p>\n");
        }
        let dead = pp
            .analysis
            .as_ref()
            .map(|a| a.dead_rules.clone())
            .unwrap_or_default();
        let uncovered: Vec<String> = pp
            .coverage
            .as_ref()
            .map(|c| c.uncovered.iter().map(|u| u.rule.name.clone()).collect())
            .unwrap_or_default();
        for (r, rule) in p.rules.entries() {
            let title = rule.title.clone().unwrap_or_else(|| humanise(&rule.name));
            let _ = write!(
                self.out,
                "<article class=\"rule\" id=\"rule-{}\"><h3>{}</h3><p class=\"note\"><code>{}</code>",
                esc(&rule.name),
                esc(&title),
                ident(&rule.name)
            );
            if let Some(d) = dead.iter().find(|d| d.rule == r) {
                let why = match d.reason {
                    DeadReason::NeverApplies => "never applies".to_string(),
                    DeadReason::AlwaysOverridden => {
                        let by: Vec<&str> =
                            d.by.iter().map(|&b| p.rules[b].name.as_str()).collect();
                        format!("always overridden by {}", by.join(", "))
                    }
                    DeadReason::Outranked => {
                        let by: Vec<&str> = d
                            .outranked_by
                            .iter()
                            .map(|&b| p.rules[b].name.as_str())
                            .collect();
                        format!("always outranked by precedence by {}", by.join(", "))
                    }
                };
                let _ = write!(
                    self.out,
                    " <span class=\"badge warn\">dead: {}</span>",
                    esc(&why)
                );
            }
            if uncovered.contains(&rule.name) {
                self.out
                    .push_str(" <span class=\"badge none\">no scenario exercises it</span>");
            }
            self.out.push_str("</p>\n");
            let _ = writeln!(
                self.out,
                "<p class=\"says\">{}</p>",
                self.pieces(&plain::rule(p, rule))
            );
            if !rule.overrides.is_empty() {
                let links: Vec<String> = rule
                    .overrides
                    .iter()
                    .map(|&o| &p.rules[o])
                    .map(|o| {
                        format!(
                            "<a href=\"#rule-{}\">{}</a>",
                            esc(&o.name),
                            esc(o.title.as_deref().unwrap_or(&o.name))
                        )
                    })
                    .collect();
                let _ = writeln!(
                    self.out,
                    "<p>Where it applies, it takes precedence over: {}.</p>",
                    links.join(", ")
                );
            }
            if let Some(doc) = &rule.doc {
                let _ = writeln!(self.out, "<p>{}</p>", doc_html(&one_line(doc)));
            }
            match &rule.cites {
                Some(c) => {
                    let _ = writeln!(
                        self.out,
                        "<blockquote>{}</blockquote>",
                        esc(&words::citation(p, c))
                    );
                }
                None => self.out.push_str(
                    "<p class=\"warn\">This rule cites no paragraph of the source document.</p>\n",
                ),
            }
            self.out.push_str("</article>\n");
        }
    }

    fn region(&mut self, r: &Region) {
        let n = show_count(r.read_count());
        let word = if r.read_count() == 1 {
            "incident"
        } else {
            "incidents"
        };
        // In words first; the condition in the policy's language for those who write
        // it, folded away.
        let _ = writeln!(
            self.out,
            "<p>{n} {word}: {}{}</p><details class=\"code\"><summary>As the policy language writes it</summary><p><code>{}</code></p></details>",
            self.pieces(&plain::region(self.p(), r)),
            if r.condition_complete {
                ""
            } else {
                " <span class=\"note\">(the first parts of a larger region)</span>"
            },
            esc(&r.condition()),
        );
        self.example(&r.example_json());
    }

    fn example(&mut self, facts: &serde_json::Value) {
        let Some(obj) = facts.as_object() else {
            return;
        };
        self.out
            .push_str("<p class=\"note\">For example:</p><ul class=\"facts\">");
        // In declaration order, as `decide --facts` takes them; inputs the decision does
        // not depend on are left out (any value would do).
        let p = &self.pp.policy;
        let unused: &[InputId] = match &self.pp.analysis {
            Ok(a) => &a.unused_inputs,
            Err(_) => &[],
        };
        for (i, input) in p.inputs.entries() {
            if unused.contains(&i) {
                continue;
            }
            if let Some(v) = obj.get(&input.name) {
                let shown = match (v, input.ty) {
                    (serde_json::Value::Bool(true), _) => "yes".to_string(),
                    (serde_json::Value::Bool(false), _) => "no".to_string(),
                    (serde_json::Value::String(s), Ty::Enum(e)) => p.enums[e]
                        .variants
                        .position(|x| &x.name == s)
                        .map(|k| words::variant_short(p, e, k))
                        .unwrap_or_else(|| humanise(s)),
                    (serde_json::Value::String(s), _) => humanise(s),
                    (other, _) => other.to_string(),
                };
                let _ = write!(
                    self.out,
                    "<li><span title=\"{}\">{}</span>: <b>{}</b></li>",
                    esc(&input.name),
                    esc(&humanise(&input.name)),
                    esc(&shown)
                );
            }
        }
        self.out.push_str("</ul>\n");
    }

    /// Analyses that could not be finished: not proven either way, or, for a gap too
    /// fragmented to count, proven by an example and a part of it.
    fn unfinished(&mut self, a: &Analysis) {
        let p = &self.pp.policy;
        let name = |o: OutputId| p.outputs[o].name.clone();
        for u in &a.unfinished {
            let what = match *u {
                Unfinished::Gaps(o) => format!("the gaps of <code>{}</code>", esc(&name(o))),
                Unfinished::Conflicts(o) => {
                    format!("the conflicts over <code>{}</code>", esc(&name(o)))
                }
                Unfinished::DeadRules => "the dead rules".to_string(),
                Unfinished::RedundantRules => "the redundant rules".to_string(),
                Unfinished::UnusedInputs => "the inputs the decision depends on".to_string(),
                Unfinished::Assert(k) => format!("assert <code>{}</code>", esc(&p.asserts[k].name)),
            };
            let _ = write!(
                self.out,
                "<article class=\"finding gap\"><h3><span class=\"badge bad\">unfinished</span> {what}</h3>"
            );
            let witness = match *u {
                Unfinished::Gaps(o) => a.gap_examples.iter().find(|g| g.output == o),
                _ => None,
            };
            match witness {
                Some(g) => {
                    self.out.push_str("<p>The output does have gaps, too fragmented to count. It gets no value for</p>");
                    match &g.part {
                        Some(part) => self.region(part),
                        None => self.example(&g.example_json),
                    }
                    self.out.push_str(
                        "<p>and maybe for other incidents: how many in all is not known.</p>",
                    );
                }
                None => self.out.push_str(
                    "<p>This analysis passed policyc's limits, so it is not proven either way.</p>",
                ),
            }
            self.out.push_str("</article>\n");
        }
    }

    fn findings(&mut self) {
        let pp = self.pp;
        self.out.push_str("<h2 id=\"findings\">Findings</h2>\n");
        let a: &Analysis = match &pp.analysis {
            Ok(a) => a,
            Err(e) => {
                let _ = writeln!(
                    self.out,
                    "<p class=\"bad\">The policy could not be analysed: {}</p>",
                    esc(e)
                );
                return;
            }
        };
        self.findings_intro(a);
        self.open_gaps(a);
        self.unfinished(a);
        self.conflicts(a);
        self.overlaps(a);
        self.failed_asserts(a);
        self.accepted_gaps(a);
        self.stale_acceptances(a);
        self.dead_rules(a);
        self.resolved(a);
        self.unused_inputs(a);
        self.holding_asserts(a);
    }

    fn output_name(&self, o: OutputId) -> String {
        self.p().outputs[o].name.clone()
    }

    fn rule_name(&self, r: RuleId) -> String {
        self.p().rules[r].name.clone()
    }

    /// How exact the findings are, and a badge when there is nothing wrong.
    fn findings_intro(&mut self, a: &Analysis) {
        let exact = if a.unfinished.is_empty() {
            "Every finding below is exact"
        } else {
            "Every finding below is exact, except the analyses marked unfinished"
        };
        let _ = writeln!(
            self.out,
            "<p>{exact}: policyc considers all {} combinations of the {}, {} of them possible (consistent with the assumptions) and {} of those in scope.</p>",
            show_count(a.reads.count(a.incident_count)),
            plural(a.reads.len(), "fact the policy reads", "facts the policy reads"),
            show_count(a.reads.count(a.assumed_count)),
            show_count(a.reads.count(a.valid_count))
        );
        let open = a.gaps.iter().any(|g| g.accepted_by.is_empty());
        let failing = a.asserts.iter().any(|x| !x.holds);
        if !open
            && a.conflicts.is_empty()
            && a.overlaps.is_empty()
            && !failing
            && a.unfinished.is_empty()
        {
            // Beside outputs left undecided on purpose, "no gaps" reads as a contradiction
            // to a reader who counts an undecided output as a gap: say which gaps.
            let gaps = if a.gaps.is_empty() {
                "no gaps"
            } else {
                "no open gaps"
            };
            let badge = if a.asserts.is_empty() {
                format!("{gaps}, no conflicts")
            } else {
                format!("{gaps}, no conflicts, every assert holds")
            };
            let _ = writeln!(self.out, "<p><span class=\"badge good\">{badge}</span></p>");
        }
    }

    fn open_gaps(&mut self, a: &Analysis) {
        for g in a.gaps.iter().filter(|g| g.accepted_by.is_empty()) {
            let o = self.output_name(g.output);
            let _ = write!(
                self.out,
                "<article class=\"finding gap\"><h3><span class=\"badge bad\">gap</span> No answer to “{}” <code>{}</code></h3><p>No rule gives <a class=\"term\" href=\"#output-{}\">{}</a> a value and it has no default, for</p>",
                esc(&words::output(self.p(), g.output)),
                ident(&o),
                esc(&o),
                esc(&humanise(&o))
            );
            self.region(&g.region);
            self.out.push_str("</article>\n");
        }
    }

    /// The conflicts listed one by one, then per output the rest by pair of values.
    fn conflicts(&mut self, a: &Analysis) {
        let pp = self.pp;
        let p = &pp.policy;
        let listing = crate::analyse::conflict_listing(a);
        for c in listing.listed.iter().filter_map(|&i| a.conflicts.get(i)) {
            let o = self.output_name(c.output);
            let _ = write!(
                self.out,
                "<article class=\"finding conflict\"><h3><span class=\"badge bad\">conflict</span> “{}” <code>{}</code>: {} or {}</h3><p>Rule <a href=\"#rule-{r1}\">{r1}</a> gives <b>{}</b> and rule <a href=\"#rule-{r2}\">{r2}</a> gives <b>{}</b>, and neither overrides the other, for</p>",
                esc(&words::output(p, c.output)),
                ident(&o),
                esc(&plain::show_value(p, &c.values[0])),
                esc(&plain::show_value(p, &c.values[1])),
                esc(&plain::show_value(p, &c.values[0])),
                esc(&plain::show_value(p, &c.values[1])),
                r1 = esc(&self.rule_name(c.rules[0])),
                r2 = esc(&self.rule_name(c.rules[1])),
            );
            self.region(&c.region);
            self.out.push_str("</article>\n");
        }
        for u in &listing.unlisted {
            let pairs: Vec<String> = u
                .by_values
                .iter()
                .map(|([v1, v2], k)| {
                    format!(
                        "<li><b>{}</b> or <b>{}</b>: {} pairs</li>",
                        esc(&plain::show_value(p, v1)),
                        esc(&plain::show_value(p, v2)),
                        show_count(*k as u128)
                    )
                })
                .collect();
            let _ = writeln!(
                self.out,
                "<article class=\"finding conflict\"><h3><span class=\"badge bad\">conflicts</span> <code>{}</code>: {} more pairs of rules</h3><p>Only the first {} conflicting pairs of rules over this output are listed above. The others, by the values they give:</p><ul>{}</ul></article>",
                esc(&self.output_name(u.output)),
                show_count(u.pairs as u128),
                crate::analyse::LISTED_CONFLICTS,
                pairs.concat()
            );
        }
    }

    /// Pairs of rules that both assign an `exclusive` output, listed as conflicts are.
    fn overlaps(&mut self, a: &Analysis) {
        let p = &self.pp.policy;
        let listing = crate::analyse::pair_listing(&a.overlaps, &a.unlisted_overlaps);
        for c in listing.listed.iter().filter_map(|&i| a.overlaps.get(i)) {
            let o = self.output_name(c.output);
            let (v1, v2) = (
                plain::show_value(p, &c.values[0]),
                plain::show_value(p, &c.values[1]),
            );
            let gives = if v1 == v2 {
                format!("both give <b>{}</b>", esc(&v1))
            } else {
                format!("give <b>{}</b> and <b>{}</b>", esc(&v1), esc(&v2))
            };
            let _ = write!(
                self.out,
                "<article class=\"finding conflict\"><h3><span class=\"badge bad\">overlap</span> “{}” <code>{}</code></h3><p>The policy declares that no two rules deciding this apply together (<code>exclusive</code>), yet rules <a href=\"#rule-{r1}\">{r1}</a> and <a href=\"#rule-{r2}\">{r2}</a> {gives}, neither overriding the other, so the policy gives no answer, for</p>",
                esc(&words::output(p, c.output)),
                ident(&o),
                r1 = esc(&self.rule_name(c.rules[0])),
                r2 = esc(&self.rule_name(c.rules[1])),
            );
            self.region(&c.region);
            self.out.push_str("</article>\n");
        }
        for u in &listing.unlisted {
            let _ = writeln!(
                self.out,
                "<article class=\"finding conflict\"><h3><span class=\"badge bad\">overlaps</span> <code>{}</code>: {} more pairs of rules</h3></article>",
                esc(&self.output_name(u.output)),
                show_count(u.pairs as u128),
            );
        }
    }

    /// Pairs of rules whose disagreement the output's precedence decides: not wrong,
    /// but never hidden, and amber, not green: a precedence ranked the wrong way round
    /// decides the same way (review 2, N6).
    fn resolved(&mut self, a: &Analysis) {
        let p = &self.pp.policy;
        let listing = crate::analyse::pair_listing(&a.resolved, &a.unlisted_resolved);
        for c in listing.listed.iter().filter_map(|&i| a.resolved.get(i)) {
            let def = &p.outputs[c.output];
            let first_wins = def.hit.rank(&c.values[0]) < def.hit.rank(&c.values[1]);
            let (win, lose) = if first_wins {
                (&c.values[0], &c.values[1])
            } else {
                (&c.values[1], &c.values[0])
            };
            let _ = write!(
                self.out,
                "<article class=\"finding precedence\"><h3><span class=\"badge warn\">decided by precedence</span> “{}” <code>{}</code>: {} over {}</h3><p>Rules <a href=\"#rule-{r1}\">{r1}</a> and <a href=\"#rule-{r2}\">{r2}</a> give different answers, and the policy's precedence ranks <b>{}</b> higher, for</p>",
                esc(&words::output(p, c.output)),
                ident(&def.name),
                esc(&plain::show_value(p, win)),
                esc(&plain::show_value(p, lose)),
                esc(&plain::show_value(p, win)),
                r1 = esc(&self.rule_name(c.rules[0])),
                r2 = esc(&self.rule_name(c.rules[1])),
            );
            self.region(&c.region);
            self.out.push_str("</article>\n");
        }
        for u in &listing.unlisted {
            let _ = writeln!(
                self.out,
                "<article class=\"finding precedence\"><h3><span class=\"badge warn\">decided by precedence</span> <code>{}</code>: {} more pairs of rules</h3></article>",
                esc(&self.output_name(u.output)),
                show_count(u.pairs as u128),
            );
        }
    }

    fn failed_asserts(&mut self, a: &Analysis) {
        let pp = self.pp;
        let p = &pp.policy;
        for f in a.asserts.iter().filter(|x| !x.holds) {
            let def = &p.asserts[f.assert];
            let _ = write!(
                self.out,
                "<article class=\"finding failed\"><h3><span class=\"badge bad\">assert fails</span> {}</h3><p><code>{}</code>: {}</p>",
                esc(def.title.as_deref().unwrap_or(&def.name)),
                esc(&def.name),
                self.pieces(&plain::condition(p, &def.expr))
            );
            if let Some(c) = &def.cites {
                let _ = write!(
                    self.out,
                    "<blockquote>{}</blockquote>",
                    esc(&words::citation(p, c))
                );
            }
            if let Some(r) = &f.counterexamples {
                self.out.push_str("<p>It does not hold for</p>");
                self.region(r);
            }
            self.out.push_str("</article>\n");
        }
    }

    fn accepted_gaps(&mut self, a: &Analysis) {
        let pp = self.pp;
        let p = &pp.policy;
        for g in a.gaps.iter().filter(|g| !g.accepted_by.is_empty()) {
            let reasons: Vec<String> = g
                .accepted_by
                .iter()
                .map(|&i| &p.accepted_gaps[i])
                .map(|x| format!("<blockquote>{}</blockquote>", esc(&x.reason)))
                .collect();
            let _ = write!(
                self.out,
                "<article class=\"finding accepted\"><h3><span class=\"badge warn\">undecided on purpose</span> No answer to “{}” <code>{}</code></h3><p>The policy leaves this undecided on purpose (an accepted gap), because:</p>{}",
                esc(&words::output(p, g.output)),
                ident(&self.output_name(g.output)),
                reasons.concat()
            );
            self.region(&g.region);
            self.out.push_str("</article>\n");
        }
    }

    fn stale_acceptances(&mut self, a: &Analysis) {
        let pp = self.pp;
        for acc in a
            .stale_acceptances
            .iter()
            .map(|&i| &pp.policy.accepted_gaps[i])
        {
            let _ = writeln!(
                self.out,
                "<article class=\"finding dead\"><h3><span class=\"badge warn\">stale acceptance</span> <code>{}</code></h3><p>An accepted gap covers no gap any more:</p><blockquote>{}</blockquote></article>",
                esc(&self.output_name(acc.output)),
                esc(&acc.reason)
            );
        }
    }

    fn dead_rules(&mut self, a: &Analysis) {
        for d in &a.dead_rules {
            let why = match d.reason {
                DeadReason::NeverApplies => "applies to no possible incident".to_string(),
                DeadReason::AlwaysOverridden => {
                    let by: Vec<String> = d.by.iter().map(|&b| self.rule_name(b)).collect();
                    format!("is always overridden (by {})", by.join(", "))
                }
                DeadReason::Outranked => {
                    let by: Vec<String> =
                        d.outranked_by.iter().map(|&b| self.rule_name(b)).collect();
                    format!("is always outranked by precedence (by {})", by.join(", "))
                }
            };
            let _ = writeln!(
                self.out,
                "<article class=\"finding dead\"><h3><span class=\"badge warn\">dead rule</span> <a href=\"#rule-{n}\">{n}</a></h3><p>This rule {}.</p></article>",
                esc(&why),
                n = esc(&self.rule_name(d.rule))
            );
        }
    }

    fn unused_inputs(&mut self, a: &Analysis) {
        // A policy with no outputs (a comparison) has no decision of its own: listing the
        // inputs it "does not depend on" named the very inputs its asserts read.
        if a.unused_inputs.is_empty() || self.pp.policy.outputs.is_empty() {
            return;
        }
        // An input the policy ignores is said so, with its reason, in the inputs
        // table: it is not one the vocabulary brings and the policy forgot (review 2,
        // C-g).
        let p = self.p();
        let names: Vec<String> = a
            .unused_inputs
            .iter()
            .filter(|&&i| !p.ignored.iter().any(|g| g.input == i))
            .map(|&i| format!("<code>{}</code>", esc(&p.inputs[i].name)))
            .collect();
        if names.is_empty() {
            return;
        }
        let _ = writeln!(
            self.out,
            "<p class=\"note\">The decision does not depend on these inputs of the vocabulary: {}.</p>",
            names.join(", ")
        );
    }

    fn holding_asserts(&mut self, a: &Analysis) {
        let pp = self.pp;
        let p = &pp.policy;
        let holding: Vec<_> = a.asserts.iter().filter(|x| x.holds).collect();
        if holding.is_empty() {
            return;
        }
        self.out
            .push_str("<h3>Asserts that hold for every incident</h3>\n");
        for def in holding.iter().map(|f| &p.asserts[f.assert]) {
            let _ = writeln!(
                self.out,
                "<article class=\"finding holds\"><h3><span class=\"badge good\">holds</span> {}</h3><p><code>{}</code>: {}</p>{}</article>",
                esc(def.title.as_deref().unwrap_or(&def.name)),
                esc(&def.name),
                self.pieces(&plain::condition(p, &def.expr)),
                def.cites
                    .as_ref()
                    .map(|c| format!("<blockquote>{}</blockquote>", esc(&words::citation(p, c))))
                    .unwrap_or_default()
            );
        }
    }

    fn scenarios(&mut self) {
        let pp = self.pp;
        let p = &pp.policy;
        self.out.push_str("<h2 id=\"scenarios\">Scenarios</h2>\n");
        let mine: Vec<_> = p
            .scenarios
            .iter()
            .filter(|s| s.loc.file == p.root_file)
            .collect();
        if mine.is_empty() {
            self.out.push_str("<p>This policy has no scenarios.</p>\n");
            return;
        }
        self.out.push_str("<p>Each scenario states facts about an incident and what the policy should decide; facts it leaves out may be anything, and the decision must hold for all of them.</p>\n");
        if let Some(c) = &pp.coverage {
            // The outcomes counted are the compiled graph's; say them only where they are
            // the boxes the reader sees: the whole decision drawn in one piece with as
            // many boxes at the bottom.
            let drawn_boxes = pp
                .whole
                .as_ref()
                .ok()
                .filter(|_| pp.whole_plan.as_ref().is_none_or(Plan::is_whole))
                .map(|v| {
                    v.nodes
                        .iter()
                        .filter(|n| matches!(n, ViewNode::Leaf(_)))
                        .count()
                });
            let outcomes = if drawn_boxes == Some(c.leaves_total) {
                format!(
                    " and reach {} of the {} boxes at the bottom of the whole decision's graph",
                    c.leaves_reached, c.leaves_total
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                self.out,
                "<p>The scenarios exercise {} of {} rules ({:.0}%){outcomes}.</p>",
                c.rules_covered,
                c.rules_total,
                c.rule_percent(),
            );
        }
        self.out.push_str("<table class=\"scen\"><thead><tr><th>Result</th><th>Scenario</th><th>Given</th><th>The policy should decide</th></tr></thead><tbody>\n");
        for s in mine {
            let result = pp
                .tests
                .iter()
                .find(|t| t.kind == TestKind::Scenario && t.name == s.name);
            let badge = match result.map(|t| &t.outcome) {
                Some(TestOutcome::Passed) => "<span class=\"badge good\">passes</span>",
                Some(TestOutcome::Failed(_)) => "<span class=\"badge bad\">fails</span>",
                _ => "<span class=\"badge none\">not run</span>",
            };
            let _ = write!(
                self.out,
                "<tr id=\"scenario-{n}\"><td>{badge}</td><td><b>{}</b><br><code>{}</code>",
                esc(s.title.as_deref().unwrap_or(&s.name)),
                ident(&s.name),
                n = esc(&s.name)
            );
            if let Some(doc) = &s.doc {
                let _ = write!(self.out, "<br>{}", doc_html(&one_line(doc)));
            }
            if let Some(c) = &s.cites {
                let _ = write!(
                    self.out,
                    "<br><span class=\"note\">{}</span>",
                    esc(&words::citation(p, c))
                );
            }
            self.out.push_str("</td><td><ul class=\"facts\">");
            for f in &s.given {
                let name = p.inputs[f.input].name.as_str();
                let _ = write!(
                    self.out,
                    "<li>{}: <b>{}</b></li>",
                    esc(&humanise(name)),
                    esc(&plain::show_value(p, &f.value))
                );
            }
            if s.given.is_empty() {
                self.out.push_str("<li>any incident</li>");
            }
            self.out.push_str("</ul></td><td><ul class=\"facts\">");
            for e in &s.expect {
                let out_name = |o: &OutputId| humanise(&p.outputs[*o].name);
                let text = match e {
                    Expect::Value { output, value, .. } => {
                        format!("{}: {}", out_name(output), plain::show_value(p, value))
                    }
                    Expect::Undecided { output, .. } => format!("{}: undecided", out_name(output)),
                    Expect::OutOfScope { .. } => "out of scope".to_string(),
                };
                let _ = write!(self.out, "<li>{}</li>", esc(&text));
            }
            self.out.push_str("</ul>");
            if let Some(TestOutcome::Failed(f)) = result.map(|t| &t.outcome) {
                let _ = write!(self.out, "<p class=\"bad\">{}</p>", esc(&f.message));
                for n in &f.notes {
                    let _ = write!(self.out, "<p class=\"note\">{}</p>", esc(n));
                }
                for ex in f.examples.iter().take(1) {
                    for m in &ex.mismatches {
                        let _ = write!(
                            self.out,
                            "<p>{}expected <b>{}</b>, the policy gives <b>{}</b></p>",
                            m.output
                                .as_ref()
                                .map(|o| format!("{}: ", esc(&humanise(o))))
                                .unwrap_or_default(),
                            esc(&m.expected),
                            esc(&m.actual)
                        );
                    }
                    let facts: serde_json::Map<String, serde_json::Value> =
                        ex.facts.iter().cloned().collect();
                    self.example(&serde_json::Value::Object(facts));
                }
            }
            self.out.push_str("</td></tr>\n");
        }
        self.out.push_str("</tbody></table>\n");
    }

    fn vocabulary(&mut self) {
        let pp = self.pp;
        let p = &pp.policy;
        let unused: Vec<InputId> = pp
            .analysis
            .as_ref()
            .map(|a| a.unused_inputs.clone())
            .unwrap_or_default();
        self.out.push_str("<h2 id=\"inputs\">Inputs: the questions about an incident</h2>\n<table><thead><tr><th>Input</th><th>Question</th><th>Answers</th></tr></thead><tbody>\n");
        let reads = p.reads();
        // The inputs the decision depends on first.
        let mut order: Vec<InputId> = p.inputs.ids().collect();
        if pp.is_policy {
            order.sort_by_key(|i| unused.contains(i));
        }
        for i in order {
            let input = &p.inputs[i];
            let answers = match input.ty {
                Ty::Bool => "yes or no".to_string(),
                Ty::Int { lo, hi } => format!("{lo} to {hi}"),
                Ty::Enum(e) => self.variants_html(e),
            };
            let mut unused_note = String::new();
            if let Some(cites) = &input.judgement {
                let _ = write!(
                    unused_note,
                    "<br><span class=\"note\">a judgement for the person handling the incident: {}</span>",
                    esc(&words::citation(p, &cites.citation))
                );
            }
            let ignored: Vec<&str> = p
                .ignored
                .iter()
                .filter(|g| g.input == i)
                .map(|g| g.reason.as_str())
                .collect();
            if pp.is_policy && !ignored.is_empty() {
                let _ = write!(
                    unused_note,
                    "<br><span class=\"note\">this policy does not read it: {}</span>",
                    esc(&ignored.join("; "))
                );
            } else if pp.is_policy && unused.contains(&i) && reads.contains(i) {
                // No output depends on it, but the asserts read it (a comparison of two
                // policies reads their inputs only in asserts): "does not depend on it"
                // would deny what the page's asserts say (review 2, W4).
                unused_note.push_str(if p.outputs.is_empty() {
                    "<br><span class=\"note\">its asserts depend on it</span>"
                } else {
                    "<br><span class=\"note\">no output of this policy depends on it; its asserts do</span>"
                });
            } else if pp.is_policy && unused.contains(&i) {
                unused_note.push_str(if p.outputs.is_empty() {
                    "<br><span class=\"note\">its asserts do not depend on it</span>"
                } else {
                    "<br><span class=\"note\">this policy's decision does not depend on it</span>"
                });
            }
            let _ = writeln!(
                self.out,
                "<tr id=\"input-{}\"><td><code>{}</code>{unused_note}</td><td>{}</td><td>{answers}</td></tr>",
                esc(&input.name),
                ident(&input.name),
                esc(&input.doc.as_deref().map(one_line).unwrap_or_default()),
            );
        }
        self.out.push_str("</tbody></table>\n");
        if !p.outputs.is_empty() {
            self.out.push_str("<h2 id=\"outputs\">Outputs: what the policy decides</h2>\n<table><thead><tr><th>Output</th><th>Meaning</th><th>Values</th><th>Default</th></tr></thead><tbody>\n");
            for o in &p.outputs {
                let values = match o.ty {
                    OutputTy::Single(Ty::Bool) => "yes or no".to_string(),
                    OutputTy::Single(Ty::Int { lo, hi }) => format!("{lo} to {hi}"),
                    OutputTy::Single(Ty::Enum(e)) => self.variants_html(e),
                    OutputTy::Set(e) => format!("any set of: {}", self.variants_html(e)),
                };
                let default = o
                    .default
                    .as_ref()
                    .map(|d| esc(&plain::show_value(p, d)))
                    .unwrap_or_else(|| "none".into());
                let values = match &o.hit {
                    HitPolicy::Any => values,
                    HitPolicy::Precedence { order, .. } => {
                        let ranked: Vec<String> =
                            order.iter().map(|v| esc(&plain::show_value(p, v))).collect();
                        format!(
                            "{values}<br><span class=\"note\">where rules disagree: {} (precedence)</span>",
                            ranked.join(" over ")
                        )
                    }
                    HitPolicy::Exclusive { .. } => format!(
                        "{values}<br><span class=\"note\">no two rules may decide it together (exclusive)</span>"
                    ),
                };
                let _ = writeln!(
                    self.out,
                    "<tr id=\"output-{}\"><td><code>{}</code></td><td>{}</td><td>{values}</td><td>{default}</td></tr>",
                    esc(&o.name),
                    ident(&o.name),
                    esc(&o.doc.as_deref().map(one_line).unwrap_or_default()),
                );
            }
            self.out.push_str("</tbody></table>\n");
        }
        if !p.defines.is_empty() {
            self.out.push_str("<h2 id=\"defines\">Definitions</h2>\n<table><thead><tr><th>Name</th><th>Meaning</th></tr></thead><tbody>\n");
            for d in &p.defines {
                let body = match &d.body {
                    crate::check::ir::DefineBody::Bool(e) => self.pieces(&plain::condition(p, e)),
                    crate::check::ir::DefineBody::Int(_) => {
                        "a number computed from the inputs".into()
                    }
                };
                let _ = writeln!(
                    self.out,
                    "<tr id=\"define-{n}\"><td><code>{}</code></td><td>{}{body}</td></tr>",
                    ident(&d.name),
                    d.doc
                        .as_deref()
                        .map(|doc| format!(
                            "{}<br><span class=\"note\">means:</span> ",
                            doc_html(&one_line(doc))
                        ))
                        .unwrap_or_default(),
                    n = esc(&d.name)
                );
            }
            self.out.push_str("</tbody></table>\n");
        }
    }

    fn variants_html(&self, e: EnumId) -> String {
        let def = &self.p().enums[e];
        let items: Vec<String> = def
            .variants
            .iter()
            .map(|v| match &v.doc {
                Some(d) => format!("{} <code>{}</code>", doc_html(&one_line(d)), ident(&v.name)),
                None => format!(
                    "{} <code>{}</code>",
                    esc(&humanise(&v.name)),
                    ident(&v.name)
                ),
            })
            .collect();
        items.join("<br>")
    }
}

/// "The same for every incident in scope: record_crime = true" when a per-output graph
/// has one outcome besides "out of scope": its questions would only repeat the scope.
fn constant_decision(v: &GraphView) -> Option<String> {
    let mut decided = v.nodes.iter().filter_map(|n| match n {
        ViewNode::Leaf(l) if l.kind != LeafKind::OutOfScope => Some(l),
        _ => None,
    });
    let leaf = decided.next()?;
    if decided.next().is_some() {
        return None;
    }
    let rules: Vec<&str> = leaf
        .outputs
        .iter()
        .flat_map(|o| o.rules.iter().map(String::as_str))
        .collect();
    Some(format!(
        "The same for every incident in scope: {}{}.",
        leaf.lines().join("; "),
        if rules.is_empty() {
            String::new()
        } else {
            format!(" (rule {})", rules.join(", "))
        }
    ))
}

#[cfg(test)]
mod tests;
