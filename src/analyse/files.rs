//! What `policyc check` runs on many files.

use std::path::PathBuf;

use serde::Serialize;

use crate::compile::CompileOptions;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{FileSystem, Loc, Sources};

/// Checks and analyses every file ([`super::check_and_analyse_with`]), after the
/// diagnostics of finding them (`found`); what a file `use`d by several policies says
/// (it is checked with each), or a path named twice, is said once; with
/// `deny_warnings` (`--deny warnings`) every warning is an error, and says so.
pub fn check_files(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    (files, found): (&[PathBuf], Vec<Diagnostic>),
    options: &CompileOptions,
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    let mut all = found;
    let mut vocabulary = Vec::new();
    // Per policy name, the header files that declare it (a draft copy beside the real
    // file), so that a second one is said: the test report, JUnit and `--filter` know a
    // policy by its name.
    let mut declared: Vec<(String, PathBuf, Loc)> = Vec::new();
    for path in files {
        let checked = super::check_and_analyse_with(sources, fs, path, options);
        let name = checked.policy.as_ref().map(|p| p.name.clone());
        if let Some(p) = &checked.policy {
            if let Some(h) = &p.header {
                let at = sources.path(h.loc.file).unwrap_or(path);
                let file = fs.canonical(at);
                let first = declared
                    .iter()
                    .find(|(n, f, _)| *n == p.name && *f != file)
                    .map(|(_, _, l)| *l);
                if let Some(first) = first {
                    all.push(same_name(sources, &p.name, h.loc, first));
                }
                if !declared.iter().any(|(n, f, _)| *n == p.name && *f == file) {
                    declared.push((p.name.clone(), file, h.loc));
                }
            }
        }
        for d in checked.diagnostics {
            match (&name, is_vocabulary_note(&d)) {
                (Some(name), true) => vocabulary.push((name.clone(), d)),
                _ => all.push(d),
            }
        }
    }
    all.extend(vocabulary_notes(sources, vocabulary));
    dedup(sources, fs, &mut all);
    if deny_warnings {
        for d in &mut all {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                d.notes
                    .push("warnings are denied by `--deny warnings`".into());
            }
        }
    }
    all
}

/// `W0008`: a policy name declared by a second file.
fn same_name(sources: &Sources, name: &str, here: Loc, first: Loc) -> Diagnostic {
    let first_file = sources.name(first.file).replace('\\', "/");
    let first_file = first_file.strip_prefix("./").unwrap_or(&first_file);
    Diagnostic::warning(
        Code::W0008,
        format!("policy `{name}` is also declared in `{first_file}`"),
    )
    .primary(here, "a second policy of this name")
    .secondary(first, "the first")
    .note("`policyc test` reports both under this name, each with its file, and the HTML report lists both")
    .help(format!(
        "if this file is a draft or an old copy of `{first_file}`, remove it or move it out of the folder checked; otherwise give one of them another name"
    ))
}

/// The note (not the warning) of `W0503`: inputs of a `use`d vocabulary a policy never
/// mentions.
fn is_vocabulary_note(d: &Diagnostic) -> bool {
    d.code == Code::W0503 && d.severity == Severity::Note
}

/// The inputs a note names, from its data.
fn noted_inputs(d: &Diagnostic) -> Vec<String> {
    d.data_value()
        .as_ref()
        .and_then(|v| v.get("inputs"))
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The notes of shared-vocabulary inputs policies never read (each policy's, with its
/// name), one per vocabulary file: a vocabulary that five policies use is noted once,
/// with what each of them leaves unread, not five times. A vocabulary one policy uses
/// keeps that policy's note as it is.
fn vocabulary_notes(sources: &Sources, notes: Vec<(String, Diagnostic)>) -> Vec<Diagnostic> {
    // A file is known by its path (each policy's check may load it anew), or else by id.
    let file_of = |d: &Diagnostic| {
        d.primary_loc().map(|l| match sources.path(l.file) {
            Some(p) => VocabFile::Path(p.to_path_buf()),
            None => VocabFile::Id(l.file),
        })
    };
    // Per vocabulary file, in the order first noted: the policies and their notes. The
    // same policy can be checked twice (a path named twice): said once.
    let mut groups: Vec<VocabGroup> = Vec::new();
    for (policy, d) in notes {
        let key = file_of(&d);
        match groups.iter_mut().find(|g| g.file == key) {
            Some(g) if g.notes.iter().any(|(p, _)| *p == policy) => {}
            Some(g) => g.notes.push((policy, d)),
            None => groups.push(VocabGroup {
                file: key,
                notes: vec![(policy, d)],
            }),
        }
    }
    groups
        .into_iter()
        .flat_map(|g| match g.notes.len() {
            0 | 1 => g.notes.into_iter().map(|(_, d)| d).collect(),
            _ => vec![merged_note(sources, g.notes)],
        })
        .collect()
}

#[derive(PartialEq, Eq)]
enum VocabFile {
    Path(PathBuf),
    Id(crate::source::FileId),
}

/// The notes about one vocabulary file, with the name of the policy each is about.
struct VocabGroup {
    file: Option<VocabFile>,
    notes: Vec<(String, Diagnostic)>,
}

/// What machines read of a merged vocabulary note: every input some policy never reads,
/// and per policy its own.
#[derive(Serialize)]
struct VocabularyData<'a> {
    kind: &'static str,
    inputs: Vec<&'a str>,
    by_policy: Vec<PolicyInputs<'a>>,
}

#[derive(Serialize)]
struct PolicyInputs<'a> {
    policy: &'a str,
    inputs: &'a [String],
}

/// One note for the policies of `group` (two or more, each with its note) that use one
/// vocabulary.
fn merged_note(sources: &Sources, group: Vec<(String, Diagnostic)>) -> Diagnostic {
    let per_policy: Vec<(String, Vec<String>, Option<Loc>)> = group
        .iter()
        .map(|(p, d)| (p.clone(), noted_inputs(d), d.primary_loc()))
        .collect();
    // Every input some policy leaves unread, in the order the notes name them, and
    // those no policy reads.
    let mut union: Vec<&str> = Vec::new();
    for (_, inputs, _) in &per_policy {
        for i in inputs {
            if !union.contains(&i.as_str()) {
                union.push(i);
            }
        }
    }
    let nobody: Vec<&str> = union
        .iter()
        .copied()
        .filter(|i| {
            per_policy
                .iter()
                .all(|(_, ins, _)| ins.iter().any(|x| x == i))
        })
        .collect();
    let quote = |xs: &[&str]| {
        xs.iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let file = per_policy
        .iter()
        .find_map(|x| x.2)
        .map(|l| sources.name(l.file).to_string())
        .unwrap_or_default();
    let mut d = Diagnostic::new(
        Severity::Note,
        Code::W0503,
        format!(
            "{} policies never depend on some inputs of the shared vocabulary `{file}`",
            per_policy.len()
        ),
    );
    // The first such input in the file.
    let first = per_policy
        .iter()
        .filter_map(|x| x.2)
        .min_by_key(|l| l.span.start);
    if let Some(loc) = first {
        d = d.primary(loc, "an input some of these policies never read");
    }
    for (policy, inputs, _) in &per_policy {
        let names: Vec<&str> = inputs.iter().map(String::as_str).collect();
        d = d.note(format!(
            "the decision of `{policy}` never depends on {}",
            quote(&names)
        ));
    }
    if !nobody.is_empty() {
        d = d.note(format!(
            "no decision of these policies depends on {}",
            quote(&nobody)
        ));
    }
    let by_policy = group
        .iter()
        .zip(&per_policy)
        .map(|((policy, _), (_, inputs, _))| PolicyInputs { policy, inputs })
        .collect();
    let data = VocabularyData {
        kind: "unused_inputs",
        inputs: union.clone(),
        by_policy,
    };
    d.note("`policyc decide` on each policy never asks for the inputs listed for it")
        .help("these inputs come from a shared vocabulary and these policies never mention them; if a policy's source document uses one of these facts, a rule is missing")
        .data_of(&data)
}

/// Keeps the first of diagnostics that say the same thing at the same place.
fn dedup(sources: &Sources, fs: &dyn FileSystem, diags: &mut Vec<Diagnostic>) {
    let mut seen = crate::collections::HashSet::default();
    diags.retain(|d| {
        let loc = d.primary_loc();
        // By the real file: two paths to one file (a link, `a/../a`) are one place.
        let key = (
            d.code,
            d.message.clone(),
            loc.map(|l| (sources.path(l.file).map(|p| fs.canonical(p)), l.span)),
        );
        seen.insert(key)
    });
}
