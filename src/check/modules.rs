//! Loading a file and every file it `use`s, transitively, each once.

use crate::collections::HashMap;
use std::path::{Path, PathBuf};

use super::files::load_file;
use super::graph::Graph;
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast;
use crate::source::{normalize, FileId, FileSystem, Loc, Sources};

/// One loaded and parsed file.
pub(crate) struct Module {
    pub file: FileId,
    pub ast: ast::File,
    /// Each `use`: where its path string is, and the module it names (`None` when the
    /// file could not be loaded, which has been reported).
    pub uses: Vec<(Loc, Option<usize>)>,
}

/// The root file and everything it reaches through `use`.
pub(crate) struct Program {
    /// In load order; the root is `modules[0]`.
    pub modules: Vec<Module>,
    /// Indices into `modules`, each module after the modules it uses (when there is no
    /// cycle), the root last: declarations of a vocabulary come before those of the
    /// policies that use it.
    pub order: Vec<usize>,
}

impl Program {
    pub(crate) fn root(&self) -> Option<&Module> {
        self.modules.first()
    }
}

/// Where a file is read from and how it is shown.
struct Place {
    /// The path handed to the file system.
    read: PathBuf,
    /// How diagnostics name the file: relative to the root as the user named it.
    display: PathBuf,
}

/// Loads and parses `path` (with `text` when the caller already has it, as an editor
/// does) and every file it `use`s; `at` is the `use ... as` that imports the root, if
/// one does. Returns `None` when the root itself cannot be read.
pub(crate) fn load(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    text: Option<String>,
    at: Option<Loc>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Program> {
    let name = path.display().to_string();
    let root_file = match text {
        Some(text) => sources.add(name, Some(path.to_path_buf()), text),
        None => match load_file(sources, fs, path, &name, at) {
            Ok(id) => id,
            Err(d) => {
                diags.push(d);
                return None;
            }
        },
    };
    let mut places = vec![Place {
        read: path.to_path_buf(),
        display: path.to_path_buf(),
    }];
    let mut by_key: HashMap<PathBuf, usize> = HashMap::default();
    by_key.insert(fs.canonical(path), 0);
    let mut modules = vec![parse_module(sources, root_file, diags)];

    // Breadth-first over `use`s; `next` is the first module whose uses are not loaded.
    let mut next = 0;
    while next < modules.len() {
        let uses: Vec<(Loc, String)> = modules
            .get(next)
            .map(|m| {
                m.ast
                    .items
                    .iter()
                    .filter_map(|item| match &item.kind {
                        // `use ... as` imports decisions, not declarations: the checker
                        // checks that file as a policy of its own.
                        ast::ItemKind::Use(u) if u.alias.is_none() => {
                            Some((Loc::new(m.file, u.path.span), u.path.value.clone()))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let Some(from) = places.get(next) else { break };
        let base_read = from
            .read
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let base_display = from
            .display
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut resolved = Vec::with_capacity(uses.len());
        for (at, target) in uses {
            let read = normalize(&base_read.join(&target));
            let display = normalize(&base_display.join(&target));
            let key = fs.canonical(&read);
            if let Some(&index) = by_key.get(&key) {
                resolved.push((at, Some(index)));
                continue;
            }
            let shown = display.display().to_string();
            match load_file(sources, fs, &read, &shown, Some(at)) {
                Ok(id) => {
                    let index = modules.len();
                    by_key.insert(key, index);
                    places.push(Place { read, display });
                    modules.push(parse_module(sources, id, diags));
                    resolved.push((at, Some(index)));
                }
                Err(d) => {
                    diags.push(nearest_file(fs, d, at, &target, &read));
                    resolved.push((at, None));
                }
            }
        }
        if let Some(m) = modules.get_mut(next) {
            m.uses = resolved;
        }
        next += 1;
    }

    let mut edges = Vec::new();
    let mut edge_locs = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        for &(at, to) in &m.uses {
            if let Some(to) = to {
                edges.push((i, to));
                edge_locs.push(at);
            }
        }
    }
    let graph = Graph::new(modules.len(), edges.clone());
    for cycle in graph.cycles() {
        diags.push(use_cycle(sources, &modules, &edges, &edge_locs, &cycle));
    }
    // Post-order from the root only: every module is reachable from it.
    let order = reachable_postorder(&graph, modules.len());
    Some(Program { modules, order })
}

/// The error of a `use` whose file cannot be read, with the nearest `.policy` file in
/// the folder it names ("did you mean `incident.policy`?", and the fix that writes it).
fn nearest_file(
    fs: &dyn FileSystem,
    d: Diagnostic,
    at: Loc,
    target: &str,
    read: &Path,
) -> Diagnostic {
    if d.code != Code::E0001 {
        return d;
    }
    let dir = read.parent().unwrap_or(Path::new(""));
    let name = read
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files = fs.policy_files_in(dir);
    let budget = super::suggest::Budget::default();
    // `use "incident"`: the name without its extension is further from the file's name
    // than any typo "did you mean" allows, but it is the commonest slip of all.
    let with_extension = format!("{name}.policy");
    let found = if files.contains(&with_extension) {
        Some(with_extension)
    } else {
        budget.did_you_mean(&name, files.iter().map(String::as_str))
    };
    match found {
        Some(found) => {
            // The path as written, with its last part replaced.
            let path = match target.rfind(['/', '\\']) {
                Some(i) => format!("{}{found}", target.get(..=i).unwrap_or_default()),
                None => found.clone(),
            };
            let quoted = format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""));
            d.help(format!("did you mean `{path}`?"))
                .fix(crate::diagnostics::Fix::Rename {
                    loc: at,
                    to: quoted,
                })
        }
        None => d,
    }
}

fn reachable_postorder(graph: &Graph, n: usize) -> Vec<usize> {
    // The root is node 0 and every other module was reached from it, so a post-order
    // from node 0 first covers them all; `Graph::postorder` starts at node 0.
    let order = graph.postorder();
    debug_assert_eq!(order.len(), n);
    order
}

fn parse_module(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Module {
    let (ast, parse_diags) = crate::parse::parse(file, sources.text(file));
    diags.extend(parse_diags);
    Module {
        file,
        ast,
        uses: Vec::new(),
    }
}

fn use_cycle(
    sources: &Sources,
    modules: &[Module],
    edges: &[(usize, usize)],
    edge_locs: &[Loc],
    cycle: &[usize],
) -> Diagnostic {
    // Names relative to the root's folder read shortest: `a.policy` -> `lib/b.policy`.
    let root_dir = modules
        .first()
        .and_then(|m| {
            Path::new(sources.name(m.file))
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or_default();
    let name = |m: usize| {
        let full = modules
            .get(m)
            .map(|m| sources.name(m.file))
            .unwrap_or_default();
        match Path::new(full).strip_prefix(&root_dir) {
            Ok(rel) if !root_dir.as_os_str().is_empty() => rel.display().to_string(),
            _ => full.to_string(),
        }
    };
    let mut chain: Vec<String> = Vec::new();
    if let Some(&(from, _)) = cycle.first().and_then(|k| edges.get(*k)) {
        chain.push(format!("`{}`", name(from)));
    }
    for k in cycle {
        if let Some(&(_, to)) = edges.get(*k) {
            chain.push(format!("`{}`", name(to)));
        }
    }
    let mut d = Diagnostic::error(Code::E0401, format!("`use` cycle: {}", chain.join(" -> ")));
    for (i, k) in cycle.iter().enumerate() {
        let (Some(&(from, to)), Some(&at)) = (edges.get(*k), edge_locs.get(*k)) else {
            continue;
        };
        let msg = if from == to {
            format!("`{}` uses itself here", name(from))
        } else if i == 0 {
            format!("`{}` uses `{}` here", name(from), name(to))
        } else {
            format!("which uses `{}` here", name(to))
        };
        d = if i == 0 {
            d.primary(at, msg)
        } else {
            d.secondary(at, msg)
        };
    }
    d.note("a file cannot use itself, directly or through other files")
        .help("move the declarations both files need into a separate file that each of them uses, and remove one `use` of the cycle")
}
