//! Diagnostics as a SARIF 2.1.0 log, the format code-scanning services (GitHub code
//! scanning, Azure DevOps, GitLab) read.
//!
//! One run, tool `policyc`, with a rule for every code in [`super::Code::ALL`] (so a
//! viewer can show the long explanation of any result) and a result per diagnostic: the
//! primary labels are its locations, the secondary labels its related locations.
//! Columns are counted in Unicode code points, as [`Sources::line_col`] counts them,
//! and the run says so (`columnKind`), since SARIF's default is UTF-16 code units.
//!
//! The serde structs below carry only the parts of the schema policyc fills; field names
//! follow the schema exactly (a test validates the output against the schema's rules).

use serde::Serialize;

use super::Code;
use super::{Diagnostic, LabelStyle, Severity};
use crate::source::{Loc, Sources, Span};

pub const SARIF_VERSION: &str = "2.1.0";
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id relative artifact URIs are resolved against: the folder policyc ran in.
pub const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize, Debug)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_uri_base_ids: Option<std::collections::BTreeMap<String, ArtifactLocation>>,
    pub invocations: Vec<Invocation>,
    pub column_kind: &'static str,
    pub results: Vec<SarifResult>,
}

#[derive(Serialize, Debug)]
pub struct Tool {
    pub driver: ToolComponent,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ToolComponent {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    pub rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: &'static str,
    pub short_description: MultiformatMessageString,
    pub full_description: MultiformatMessageString,
    pub help: MultiformatMessageString,
    pub default_configuration: ReportingConfiguration,
}

#[derive(Serialize, Debug)]
pub struct MultiformatMessageString {
    pub text: String,
}

#[derive(Serialize, Debug)]
pub struct ReportingConfiguration {
    pub level: &'static str,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    /// What identifies the result from one run to the next, so that an upload
    /// through the code-scanning API (which computes none) matches the alerts it
    /// already has: [`FINGERPRINT`] to [`fingerprint`].
    pub partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
    /// The diagnostic's machine data (an example incident, a region, counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Properties>,
}

/// The key of policyc's partial fingerprint; the version changes when what it hashes
/// does.
pub const FINGERPRINT: &str = "policyc/v1";

/// A result's property bag: the diagnostic's `data` as `policyc check --format json`
/// gives it.
#[derive(Serialize, Debug)]
pub struct Properties {
    pub data: serde_json::Value,
}

#[derive(Serialize, Debug)]
pub struct Message {
    pub text: String,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The level a code has unless `--deny` raised it: its letter says (`E` error, `W`
/// warning).
fn default_level(code: Code) -> &'static str {
    if code.is_warning() {
        "warning"
    } else {
        "error"
    }
}

fn rule_of(info: Code) -> ReportingDescriptor {
    ReportingDescriptor {
        id: info.as_str(),
        short_description: MultiformatMessageString {
            text: info.title().to_string(),
        },
        full_description: MultiformatMessageString {
            text: info.explanation().to_string(),
        },
        help: MultiformatMessageString {
            text: format!(
                "{}\n\nRun `policyc explain {}` for this text in a terminal.",
                info.explanation(),
                info
            ),
        },
        default_configuration: ReportingConfiguration {
            level: default_level(info),
        },
    }
}

/// Percent-encodes a path for a URI reference: keeps RFC 3986 unreserved characters,
/// sub-delimiters, `:`, `@` and `/`; turns `\` separators into `/`.
pub fn path_to_uri_ref(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let c = if c == '\\' { '/' } else { c };
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// A relative path as a relative URI reference: a `:` before the first `/` is
/// percent-encoded, or `x:y.policy` would read as the URI of scheme `x`.
pub fn relative_uri_ref(path: &str) -> String {
    let uri = path_to_uri_ref(path);
    match uri.split_once('/') {
        Some((first, rest)) => format!("{}/{rest}", first.replace(':', "%3A")),
        None => uri.replace(':', "%3A"),
    }
}

/// Where a file is, as SARIF wants it: a path relative to [`SRCROOT`] when the file's
/// display name is relative, else an absolute `file://` URI.
fn artifact(sources: &Sources, file: crate::source::FileId) -> ArtifactLocation {
    let name = sources.name(file);
    let normalised = name.replace('\\', "/");
    let relative = normalised.strip_prefix("./").unwrap_or(&normalised);
    let is_absolute = std::path::Path::new(name).is_absolute() || normalised.starts_with('/');
    if is_absolute {
        let path = path_to_uri_ref(&normalised);
        let sep = if path.starts_with('/') { "" } else { "/" };
        ArtifactLocation {
            uri: format!("file://{sep}{path}"),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: relative_uri_ref(relative),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn region(sources: &Sources, loc: Loc) -> Region {
    let (start_line, start_column) = sources.line_col(loc.file, loc.span.start);
    let (end_line, end_column) = sources.line_col(loc.file, loc.span.end.max(loc.span.start));
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

/// The text of a result: the message, then the primary label, notes and help, each on
/// its own line (viewers show the first line as the title).
pub fn result_text(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    for l in &d.labels {
        if l.style == LabelStyle::Primary && !l.message.is_empty() {
            text.push_str(&format!("\n{}", l.message));
        }
    }
    for n in &d.notes {
        text.push_str(&format!("\nnote: {n}"));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    text
}

fn result_of(sources: &Sources, d: &Diagnostic) -> SarifResult {
    let mut locations = Vec::new();
    let mut related = Vec::new();
    for l in &d.labels {
        let loc = Loc::new(l.file, Span::new(l.span.start, l.span.end));
        let physical = PhysicalLocation {
            artifact_location: artifact(sources, l.file),
            region: region(sources, loc),
        };
        match l.style {
            LabelStyle::Primary => locations.push(Location {
                id: None,
                physical_location: physical,
                message: None,
            }),
            LabelStyle::Secondary => related.push(Location {
                id: Some(related.len()),
                physical_location: physical,
                message: Some(Message {
                    text: l.message.clone(),
                }),
            }),
        }
    }
    SarifResult {
        rule_id: d.code.as_str(),
        rule_index: Code::ALL.iter().position(|&c| c == d.code),
        level: level(d.severity),
        message: Message {
            text: result_text(d),
        },
        partial_fingerprints: std::collections::BTreeMap::from([(
            FINGERPRINT,
            fingerprint(sources, d),
        )]),
        locations,
        related_locations: related,
        properties: d.machine_data().map(|data| Properties { data }),
    }
}

/// A hash of what makes a diagnostic the same finding when the file around it changes:
/// its code, its file, the text its primary label covers (spaces folded) and its
/// message without digits (counts change as rules do; line numbers are left out, so
/// a finding keeps its fingerprint when lines are added above it). FNV-1a, 64 bits, in
/// hex: stable across Rust versions and platforms, unlike the standard hasher.
pub fn fingerprint(sources: &Sources, d: &Diagnostic) -> String {
    let primary = d
        .labels
        .iter()
        .find(|l| l.style == LabelStyle::Primary)
        .or(d.labels.first());
    let (file, text) = match primary {
        Some(l) => {
            let text = sources.text(l.file);
            let covered = text.get(l.span.start..l.span.end).unwrap_or_default();
            let folded: Vec<&str> = covered.split_whitespace().take(64).collect();
            (artifact(sources, l.file).uri, folded.join(" "))
        }
        None => (String::new(), String::new()),
    };
    let message: String = d.message.chars().filter(|c| !c.is_ascii_digit()).collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [d.code.as_str(), &file, &text, &message] {
        for b in part.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The SARIF log for one run of `policyc check`. `root` is the folder relative paths
/// are relative to (the working folder), if known; `success` whether the run itself
/// worked (no usage or I/O error), whatever it found.
pub fn log(
    sources: &Sources,
    diags: &[Diagnostic],
    root: Option<&std::path::Path>,
    success: bool,
) -> Log {
    let original_uri_base_ids = root.map(|r| {
        let mut path = path_to_uri_ref(&r.to_string_lossy().replace('\\', "/"));
        if !path.ends_with('/') {
            path.push('/');
        }
        let sep = if path.starts_with('/') { "" } else { "/" };
        let mut m = std::collections::BTreeMap::new();
        m.insert(
            SRCROOT.to_string(),
            ArtifactLocation {
                uri: format!("file://{sep}{path}"),
                uri_base_id: None,
            },
        );
        m
    });
    Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: ToolComponent {
                    name: "policyc",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: Code::ALL.iter().copied().map(rule_of).collect(),
                },
            },
            original_uri_base_ids,
            invocations: vec![Invocation {
                execution_successful: success,
            }],
            column_kind: "unicodeCodePoints",
            results: numbered(diags.iter().map(|d| result_of(sources, d)).collect()),
        }],
    }
}

/// Results whose fingerprints are equal (the same finding twice in a file) told apart
/// by their order: `:2`, `:3`... after the second and later ones.
fn numbered(mut results: Vec<SarifResult>) -> Vec<SarifResult> {
    let mut seen: crate::collections::HashMap<String, usize> =
        crate::collections::HashMap::default();
    for r in &mut results {
        if let Some(f) = r.partial_fingerprints.get_mut(FINGERPRINT) {
            let n = seen.entry(f.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                f.push_str(&format!(":{n}"));
            }
        }
    }
    results
}

/// The log as pretty-printed JSON.
pub fn to_string(log: &Log) -> String {
    // Serialising plain structs of strings and numbers cannot fail; an empty log is
    // still better than a panic.
    serde_json::to_string_pretty(log).unwrap_or_else(|_| String::from("{}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding_keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(
            path_to_uri_ref("policies/npcc.policy"),
            "policies/npcc.policy"
        );
        assert_eq!(
            path_to_uri_ref("my policies\\a b.policy"),
            "my%20policies/a%20b.policy"
        );
        assert_eq!(path_to_uri_ref("é#?.policy"), "%C3%A9%23%3F.policy");
        // A `:` in the first segment would make a scheme of what is before it.
        assert_eq!(relative_uri_ref("x:y.policy"), "x%3Ay.policy");
        assert_eq!(relative_uri_ref("a:b/c:d.policy"), "a%3Ab/c:d.policy");
    }

    #[test]
    fn relative_and_absolute_names_become_the_right_uris() {
        let mut s = Sources::new();
        let rel = s.add("./policies/x.policy", None, String::new());
        let abs = s.add("/tmp/y z.policy", None, String::new());
        let a = artifact(&s, rel);
        assert_eq!(a.uri, "policies/x.policy");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        let b = artifact(&s, abs);
        assert_eq!(b.uri, "file:///tmp/y%20z.policy");
        assert_eq!(b.uri_base_id, None);
    }

    #[test]
    fn columns_are_code_points_and_end_is_exclusive() {
        let mut s = Sources::new();
        let f = s.add("a.policy", None, "é x\nab".to_string());
        // `x` is byte 3..4 (é is two bytes) but code point column 3.
        let r = region(&s, Loc::new(f, Span::new(3, 4)));
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (1, 3, 1, 4)
        );
        let r = region(&s, Loc::new(f, Span::new(5, 7)));
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (2, 1, 2, 3)
        );
    }
}
