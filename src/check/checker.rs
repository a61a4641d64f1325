//! The order of the checks, and the assembly of [`ir::Policy`].
//!
//! The passes share tables rather than one checker object: `resolve` collects the
//! declarations ([`Decls`]) and resolves their types ([`TypeTable`]); `imports` adds the
//! imported outputs; a [`Typer`] borrows the tables to type and lower each kind of
//! declaration (`structure`, `lower`); `lints` reads which declarations were used
//! ([`Usage`]). Every pass reports into one [`Sink`].

use std::path::Path;

use super::enums::Enums;
use super::ignore;
use super::imports::{self, Imported};
use super::ir;
use super::lints::lints;
use super::modules::Program;
use super::resolve;
use super::sink::Sink;
use super::structure;
use super::tables::{Decls, Usage};
use super::types::Typer;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Sources};

/// Checks one program: the root file and the files it `use`s, with the policies it
/// imports already checked.
pub(crate) struct Checker<'a> {
    sources: &'a Sources,
    program: &'a Program,
    root_file: FileId,
    /// Policies imported with `use ... as` (see `imports.rs`).
    imports: &'a [Imported],
    sink: Sink,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(sources: &'a Sources, program: &'a Program, root_file: FileId) -> Self {
        Checker {
            sources,
            program,
            root_file,
            imports: &[],
            sink: Sink::default(),
        }
    }

    /// The policies this file imports with `use ... as`, checked beforehand.
    pub(crate) fn with_imports(mut self, imports: &'a [Imported]) -> Self {
        self.imports = imports;
        self
    }

    /// Records that some file had syntax errors, and which names its text seems to
    /// declare (a line starting with a declaring keyword and a name).
    pub(crate) fn after_parse_errors(&mut self) {
        let mut lost = Vec::new();
        for m in &self.program.modules {
            for line in self.sources.text(m.file).lines() {
                let mut words = line.split_whitespace();
                let Some(kw) = words.next() else { continue };
                if ![
                    "enum", "input", "output", "define", "rule", "assert", "scenario",
                ]
                .contains(&kw)
                {
                    continue;
                }
                let Some(rest) = words.next() else { continue };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    lost.push(name);
                }
            }
        }
        self.sink.after_parse_errors(lost);
    }

    /// Records the errors of `use`s whose file could not be loaded: names it may
    /// declare are then not reported as unknown (one error for one mistake); the errors
    /// come back with the checker's diagnostics, listing those names.
    pub(crate) fn after_failed_uses(&mut self, errors: Vec<Diagnostic>) {
        self.sink.after_failed_uses(errors);
    }

    /// Runs every check; the IR comes back only when there is no error.
    pub(crate) fn run(self, root_path: &Path) -> (Option<ir::Policy>, Vec<Diagnostic>) {
        let Checker {
            sources,
            program,
            root_file,
            imports,
            mut sink,
        } = self;
        let mut enums = Enums::default();
        let mut decls = resolve::collect(program, &mut enums, &mut sink);
        let mut usage = Usage::new(&decls);
        let (mut types, mut inputs, mut outputs) =
            resolve::resolve_types(&decls, &enums, &mut usage, &mut sink);
        let ids = imports::register(imports, &mut decls, &mut enums, &mut types, &mut usage);
        let mut typer = Typer {
            sources,
            decls: &decls,
            enums: &enums,
            types: &mut types,
            usage: &mut usage,
            sink: &mut sink,
        };
        let defines = structure::check_defines(&mut typer);
        typer.lower_defaults(&mut outputs);
        typer.lower_hit_policies(&mut outputs);
        typer.lower_typicals(&mut inputs);
        let (assumes, scope) = typer.lower_constraints();
        let overrides = structure::resolve_overrides(&decls, typer.sink);
        let rules = typer.lower_rules(overrides);
        let accepted_gaps = typer.lower_accepted_gaps();
        let asserts = typer.lower_asserts();
        let scenarios = typer.lower_scenarios();
        let ignored = ignore::lower_ignores(&decls, &mut usage, &mut sink);
        lints(sources, program, &decls, &usage, &types, &mut sink);

        let mut ir = ir::Policy {
            name: policy_name(&decls, root_path),
            header: header(&decls),
            root_file,
            // With the imported policies' enums after this file's own, until
            // `imports::finish` drops them.
            enums: enums.into_defs(),
            inputs,
            outputs,
            defines,
            assumes,
            scope,
            rules,
            accepted_gaps,
            asserts,
            scenarios,
            imports: ir::Arena::new(),
            ignored,
        };
        ignore::check_reads(root_file, &decls, &ir, &mut sink);
        imports::finish(imports, &ids, &mut ir, &mut sink);
        let ok = !sink.has_errors();
        (ok.then_some(ir), sink.into_diagnostics())
    }
}

/// The header's name, or the root file's stem for a module.
fn policy_name(decls: &Decls, root_path: &Path) -> String {
    match decls.header {
        Some(h) => h.decl.name.name.clone(),
        None => root_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

fn header(decls: &Decls) -> Option<ir::Header> {
    decls.header.map(|h| ir::Header {
        title: h.decl.title.as_ref().map(|s| s.value.clone()),
        source: h.decl.source.as_ref().map(|s| s.value.clone()),
        version: h.decl.version.as_ref().map(|s| s.value.clone()),
        doc: h.doc(),
        loc: h.item_loc(),
    })
}
