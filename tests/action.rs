//! The GitHub Action (`action.yml`) run here, since hosted runners are out of reach: a
//! small runner reads the composite action (YAML through Python's `yaml`, skipped with a
//! note where it is missing), evaluates its `${{ }}` expressions and `if:` conditions as
//! GitHub does for the subset the action uses (anything else fails the test), runs each
//! `run:` step with `bash -eo pipefail` as the runner does, carries `GITHUB_OUTPUT` and
//! `GITHUB_PATH` between steps, and stands in for the two `uses:` steps (the cache
//! restores the binary the tests built; the SARIF upload checks its file and records
//! it). `cargo` and `git` are stubs that record their arguments: building policyc in
//! release mode would take minutes, and the build step's command is the README's
//! install command (`cargo install --locked --path`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------------------
// Reading the action

/// `action.yml` as JSON, or `None` (with a note) where Python's yaml is missing.
fn action() -> Option<Json> {
    let text = std::fs::read_to_string(Path::new(REPO).join("action.yml")).unwrap();
    yaml(&text, "action.yml")
}

/// YAML text as JSON, read by Python's yaml; `None` (with a note) where it is missing.
fn yaml(text: &str, what: &str) -> Option<Json> {
    use std::io::Write;
    let child = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("note: python3 is missing; the action was not run");
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    if o.status.success() {
        return Some(serde_json::from_slice(&o.stdout).unwrap());
    }
    let err = String::from_utf8_lossy(&o.stderr);
    if err.contains("No module named") {
        eprintln!("note: Python's yaml is missing; the action was not run (`pip install pyyaml` or `apt-get install python3-yaml`)");
        return None;
    }
    panic!("{what} does not parse as YAML:\n{err}");
}

/// A YAML scalar as the runner sees it: every input and `with:` value is a string.
fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::Null => String::new(),
        other => panic!("expected a scalar, found {other}"),
    }
}

fn steps(action: &Json) -> &Vec<Json> {
    assert_eq!(action["runs"]["using"], "composite");
    action["runs"]["steps"].as_array().expect("runs.steps")
}

// ---------------------------------------------------------------------------------------
// Expressions: the subset of GitHub's expression language the action may use.

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Str(String),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Str(s) => !s.is_empty(),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Str(s) => s.clone(),
        }
    }
}

/// GitHub compares strings ignoring case and converts mismatched types to numbers:
/// null and '' are both 0, so equal; `true == 'true'` is false (1 against NaN), a trap
/// this runner refuses rather than reproduces.
fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => x.eq_ignore_ascii_case(y),
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Null, Val::Null) => true,
        (Val::Null, Val::Str(s)) | (Val::Str(s), Val::Null) => s.is_empty(),
        _ => panic!("comparing {a:?} with {b:?}: GitHub converts both to numbers; compare strings"),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Path(String),
    Str(String),
    Op(&'static str),
}

fn tokens(expr: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                assert!(i < chars.len(), "unterminated string in `{expr}`");
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        s.push('\'');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            out.push(Tok::Str(s));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_-.".contains(chars[i]))
            {
                i += 1;
            }
            out.push(Tok::Path(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = ["==", "!=", "&&", "||"]
                .into_iter()
                .find(|o| *o == two)
                .map(|o| (o, 2))
                .or_else(|| {
                    ["!", "(", ")"]
                        .into_iter()
                        .find(|o| o.starts_with(c))
                        .map(|o| (o, 1))
                })
                .unwrap_or_else(|| {
                    panic!("`{c}` in `{expr}` is not in the subset this runner reads")
                });
            out.push(Tok::Op(op.0));
            i += op.1;
        }
    }
    out
}

/// What an expression may read.
trait Context {
    fn lookup(&self, path: &str) -> Val;
    fn status(&self, function: &str) -> bool;
}

struct Parser<'a> {
    toks: Vec<Tok>,
    at: usize,
    cx: &'a dyn Context,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    // Precedence, lowest first: ||, &&, == and !=, !, then primaries.
    fn or(&mut self) -> Val {
        let mut left = self.and();
        while self.eat("||") {
            let right = self.and();
            left = if left.truthy() { left } else { right };
        }
        left
    }

    fn and(&mut self) -> Val {
        let mut left = self.equality();
        while self.eat("&&") {
            let right = self.equality();
            left = if left.truthy() { right } else { left };
        }
        left
    }

    fn equality(&mut self) -> Val {
        let left = self.not();
        if self.eat("==") {
            let right = self.not();
            Val::Bool(equal(&left, &right))
        } else if self.eat("!=") {
            let right = self.not();
            Val::Bool(!equal(&left, &right))
        } else {
            left
        }
    }

    fn not(&mut self) -> Val {
        if self.eat("!") {
            Val::Bool(!self.not().truthy())
        } else {
            self.primary()
        }
    }

    fn primary(&mut self) -> Val {
        let tok = self.peek().cloned();
        self.at += 1;
        match tok {
            Some(Tok::Op("(")) => {
                let v = self.or();
                assert!(self.eat(")"), "a `(` is not closed");
                v
            }
            Some(Tok::Str(s)) => Val::Str(s),
            Some(Tok::Path(p)) if p == "true" || p == "false" => Val::Bool(p == "true"),
            Some(Tok::Path(p)) if p == "null" => Val::Null,
            Some(Tok::Path(p)) if self.eat("(") => {
                assert!(
                    self.eat(")"),
                    "`{p}(...)`: only functions without arguments"
                );
                Val::Bool(self.cx.status(&p))
            }
            Some(Tok::Path(p)) => self.cx.lookup(&p),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn eval(expr: &str, cx: &dyn Context) -> Val {
    let mut p = Parser {
        toks: tokens(expr),
        at: 0,
        cx,
    };
    let v = p.or();
    assert_eq!(p.at, p.toks.len(), "trailing tokens in `{expr}`");
    v
}

/// `text` with every `${{ expr }}` replaced by its value.
fn substitute(text: &str, cx: &dyn Context) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("`${{` without `}}`") + start;
        out.push_str(&eval(&rest[start + 3..end], cx).text());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// An `if:` as GitHub reads it: `${{ }}` optional, and `success() && (...)` unless the
/// condition calls a status function itself.
fn condition(text: &str, cx: &dyn Context) -> bool {
    let t = text.trim();
    let inner = t
        .strip_prefix("${{")
        .and_then(|t| t.strip_suffix("}}"))
        .unwrap_or(t);
    let has_status = ["success(", "failure(", "cancelled(", "always("]
        .iter()
        .any(|f| inner.contains(f));
    let inner = if has_status {
        inner.to_string()
    } else {
        format!("success() && ({inner})")
    };
    eval(&inner, cx).truthy()
}

// ---------------------------------------------------------------------------------------
// The runner

#[derive(Debug, Clone, Default)]
struct StepRun {
    id: String,
    outcome: String,
    outputs: BTreeMap<String, String>,
    stdout: String,
    stderr: String,
    code: Option<i32>,
    with: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Run {
    steps: Vec<StepRun>,
    outputs: BTreeMap<String, String>,
    failed: bool,
    calls: String,
}

impl Run {
    fn step(&self, id: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no step `{id}`"))
    }

    fn log(&self) -> String {
        self.steps
            .iter()
            .map(|s| {
                format!(
                    "--- {} ({}, exit {:?})\n{}{}",
                    s.id, s.outcome, s.code, s.stdout, s.stderr
                )
            })
            .collect()
    }
}

struct State<'a> {
    inputs: &'a BTreeMap<String, String>,
    declared: Vec<String>,
    step_ids: Vec<String>,
    done: &'a [StepRun],
    github: BTreeMap<&'static str, String>,
}

impl Context for State<'_> {
    fn lookup(&self, path: &str) -> Val {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => {
                assert!(
                    self.declared.iter().any(|d| d == name),
                    "`inputs.{name}` is not a declared input"
                );
                Val::Str(self.inputs.get(*name).cloned().unwrap_or_default())
            }
            ["steps", id, rest @ ..] => {
                assert!(
                    self.step_ids.iter().any(|s| s == id),
                    "`steps.{id}`: no step has that id"
                );
                let ran = self.done.iter().find(|s| s.id == *id);
                match rest {
                    ["outputs", name] => ran
                        .and_then(|s| s.outputs.get(*name))
                        .map_or(Val::Null, |v| Val::Str(v.clone())),
                    ["outcome"] | ["conclusion"] => {
                        ran.map_or(Val::Null, |s| Val::Str(s.outcome.clone()))
                    }
                    _ => panic!("`{path}` is not read by this runner"),
                }
            }
            ["github" | "runner", _] => self
                .github
                .get(path)
                .map(|v| Val::Str(v.clone()))
                .unwrap_or_else(|| panic!("`{path}` is not provided by this runner")),
            _ => panic!("`{path}` is not a context this runner knows"),
        }
    }

    fn status(&self, function: &str) -> bool {
        let failed = self.done.iter().any(|s| s.outcome == "failure");
        match function {
            "success" => !failed,
            "failure" => failed,
            "always" => true,
            "cancelled" => false,
            other => panic!("`{other}()` is not a function this runner knows"),
        }
    }
}

/// Where one run of the action happens: a workspace with the policies, a tool cache,
/// stubs for cargo and git, and the settings of the stand-ins.
struct Setup {
    root: PathBuf,
    inputs: BTreeMap<String, String>,
    cache_hit: bool,
    action_path: PathBuf,
    action_repository: String,
    /// Folders of PATH left out, as if their programs were not installed.
    without: Vec<String>,
    /// Whether the cargo stub is on the PATH.
    cargo_stub: bool,
}

// A run copies the binary into its tool cache: remove it when the test is done.
impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Setup {
    fn new(name: &str) -> Setup {
        let root = common::temp_dir(&format!("action-{name}"));
        for d in ["workspace", "home", "tools", "temp", "stubs"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        Setup {
            root,
            inputs: BTreeMap::new(),
            cache_hit: true,
            action_path: PathBuf::from(REPO),
            action_repository: "policyc-owner/policyc".into(),
            without: vec![],
            cargo_stub: true,
        }
    }

    fn workspace(&self) -> PathBuf {
        self.root.join("workspace")
    }

    fn input(mut self, name: &str, value: &str) -> Setup {
        self.inputs.insert(name.into(), value.into());
        self
    }

    /// The bundled policies, copied into the workspace under `as_name`.
    fn with_policies(self, as_name: &str) -> Setup {
        copy_dir(
            &Path::new(REPO).join("policies"),
            &self.workspace().join(as_name),
        );
        self
    }

    fn file(self, path: &str, text: &str) -> Setup {
        let p = self.workspace().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Runs the action's steps in order, as the runner would.
    fn run(&self, action: &Json) -> Run {
        let declared: Vec<String> = action["inputs"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for name in self.inputs.keys() {
            assert!(
                declared.contains(name),
                "the test sets undeclared input `{name}`"
            );
        }
        let mut inputs: BTreeMap<String, String> = action["inputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), scalar(&v["default"])))
            .collect();
        inputs.extend(self.inputs.clone());
        let steps = steps(action);
        let step_ids: Vec<String> = steps
            .iter()
            .filter_map(|s| s["id"].as_str().map(String::from))
            .collect();
        let github: BTreeMap<&'static str, String> = [
            ("github.action_repository", self.action_repository.clone()),
            ("github.workspace", self.workspace().display().to_string()),
            ("runner.os", "Linux".to_string()),
            ("runner.arch", "X64".to_string()),
        ]
        .into_iter()
        .collect();
        let stubs = self.write_stubs();
        let mut path_dirs: Vec<PathBuf> = vec![];
        let mut done: Vec<StepRun> = vec![];
        for (n, step) in steps.iter().enumerate() {
            let id = step["id"]
                .as_str()
                .map_or_else(|| format!("step{n}"), String::from);
            let state = State {
                inputs: &inputs,
                declared: declared.clone(),
                step_ids: step_ids.clone(),
                done: &done,
                github: github.clone(),
            };
            let mut run = StepRun {
                id,
                ..StepRun::default()
            };
            let wanted = condition(step["if"].as_str().unwrap_or("success()"), &state);
            if !wanted {
                run.outcome = "skipped".into();
            } else if let Some(uses) = step["uses"].as_str() {
                run.with = step["with"]
                    .as_object()
                    .map(|w| {
                        w.iter()
                            .map(|(k, v)| (k.clone(), substitute(&scalar(v), &state)))
                            .collect()
                    })
                    .unwrap_or_default();
                self.stand_in(uses, &mut run);
            } else {
                let script = step["run"].as_str().expect("a step has `run` or `uses`");
                assert_eq!(
                    step["shell"], "bash",
                    "a composite step names its shell; these scripts are bash"
                );
                let env: Vec<(String, String)> = step["env"]
                    .as_object()
                    .map(|e| {
                        e.iter()
                            .map(|(k, v)| (k.clone(), substitute(&scalar(v), &state)))
                            .collect()
                    })
                    .unwrap_or_default();
                let dir = step["working-directory"]
                    .as_str()
                    .map(|d| self.workspace().join(substitute(d, &state)))
                    .unwrap_or_else(|| self.workspace());
                let script = substitute(script, &state);
                self.run_script(&mut run, &script, &env, &dir, &stubs, &mut path_dirs);
            }
            done.push(run);
        }
        let state = State {
            inputs: &inputs,
            declared,
            step_ids,
            done: &done,
            github,
        };
        let outputs = action["outputs"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), substitute(v["value"].as_str().unwrap(), &state)))
                    .collect()
            })
            .unwrap_or_default();
        let failed = done.iter().any(|s| s.outcome == "failure");
        let calls = std::fs::read_to_string(self.root.join("calls")).unwrap_or_default();
        Run {
            steps: done,
            outputs,
            failed,
            calls,
        }
    }

    fn stand_in(&self, uses: &str, run: &mut StepRun) {
        match uses {
            "actions/cache@v5" => {
                let path = PathBuf::from(&run.with["path"]);
                assert!(path.is_absolute(), "the cache path is absolute: {path:?}");
                assert!(run.with["key"].starts_with("policyc-Linux-X64-"));
                if self.cache_hit {
                    let bin = path.join("bin");
                    std::fs::create_dir_all(&bin).unwrap();
                    std::fs::copy(env!("CARGO_BIN_EXE_policyc"), bin.join("policyc")).unwrap();
                }
                run.outputs
                    .insert("cache-hit".into(), self.cache_hit.to_string());
                run.outcome = "success".into();
            }
            "github/codeql-action/upload-sarif@v4" => {
                let file = Path::new(&run.with["sarif_file"]);
                // The real upload fails on a missing or unreadable log.
                let log: Json = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
                assert_eq!(log["version"], "2.1.0");
                run.outcome = "success".into();
            }
            other => panic!("`uses: {other}` has no stand-in in this runner"),
        }
    }

    /// `cargo` and `git` stubs that record their arguments; the cargo stub installs the
    /// binary the tests built where `--root` says.
    fn write_stubs(&self) -> PathBuf {
        let stubs = self.root.join("stubs");
        let calls = self.root.join("calls");
        let real = env!("CARGO_BIN_EXE_policyc");
        let cargo = format!(
            r#"#!/usr/bin/env bash
echo "cargo $*" >> '{calls}'
root=
while [ $# -gt 0 ]; do
  if [ "$1" = --root ]; then root=$2; fi
  shift
done
[ -n "$root" ] || {{ echo "cargo stub: no --root" >&2; exit 101; }}
mkdir -p "$root/bin" && cp '{real}' "$root/bin/policyc"
"#,
            calls = calls.display()
        );
        let git = format!(
            r#"#!/usr/bin/env bash
echo "git $*" >> '{calls}'
if [ "$1" = ls-remote ] && [ "$3" = v0.1.0 ]; then
  printf '1111111111111111111111111111111111111111\trefs/tags/v0.1.0\n'
  printf '2222222222222222222222222222222222222222\trefs/tags/v0.1.0^{{}}\n'
fi
"#,
            calls = calls.display()
        );
        for (name, text) in [("cargo", cargo), ("git", git)] {
            if name == "cargo" && !self.cargo_stub {
                continue;
            }
            let p = stubs.join(name);
            std::fs::write(&p, text).unwrap();
            make_executable(&p);
        }
        stubs
    }

    fn run_script(
        &self,
        run: &mut StepRun,
        script: &str,
        env: &[(String, String)],
        dir: &Path,
        stubs: &Path,
        path_dirs: &mut Vec<PathBuf>,
    ) {
        let file = self.root.join("temp").join(format!("{}.sh", run.id));
        std::fs::write(&file, script).unwrap();
        let output = self.root.join("temp").join(format!("{}.output", run.id));
        let github_path = self.root.join("temp").join(format!("{}.path", run.id));
        let summary = self.root.join("temp").join("summary.md");
        for f in [&output, &github_path] {
            std::fs::write(f, "").unwrap();
        }
        // PATH: what earlier steps added (latest first), the stubs, then the machine's
        // folders less any that holds a policyc (an installed one must not stand in for
        // the action's) and less those this run pretends are missing.
        let mut dirs: Vec<PathBuf> = path_dirs.iter().rev().cloned().collect();
        dirs.push(stubs.to_path_buf());
        let system = std::env::var_os("PATH").unwrap_or_default();
        dirs.extend(std::env::split_paths(&system).filter(|d| {
            !d.join("policyc").exists() && !self.without.iter().any(|w| d.join(w).exists())
        }));
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::join_paths(&dirs).unwrap())
            .env("HOME", self.root.join("home"))
            .env("LANG", "C.UTF-8")
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("GITHUB_ACTION_PATH", &self.action_path)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("RUNNER_TEMP", self.root.join("temp"))
            .env("RUNNER_TOOL_CACHE", self.root.join("tools"))
            .env("RUNNER_OS", "Linux");
        cmd.envs(env.iter().map(|(k, v)| (k, v)));
        let out = cmd.output().expect("run bash");
        run.code = out.status.code();
        run.outcome = if out.status.success() {
            "success"
        } else {
            "failure"
        }
        .into();
        run.stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        run.stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        run.outputs = parse_output(&std::fs::read_to_string(&output).unwrap());
        path_dirs.extend(
            std::fs::read_to_string(&github_path)
                .unwrap()
                .lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from),
        );
    }
}

/// `GITHUB_OUTPUT`: `name=value` lines, or `name<<DELIMITER` ... `DELIMITER`.
fn parse_output(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        } else if !line.is_empty() {
            panic!("a line of GITHUB_OUTPUT the runner would refuse: {line:?}");
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(p).unwrap().permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(p, perm).unwrap();
}

/// What `policyc test policies` says of the bundled policies, run directly: the action
/// must report the same, whatever the policies hold today.
fn bundled_totals() -> (usize, usize) {
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["test", "policies"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    let mut words = last.split_whitespace();
    let passed = words.next().and_then(|w| w.parse().ok()).unwrap();
    let failed = words.nth(1).and_then(|w| w.parse().ok()).unwrap();
    (passed, failed)
}

fn junit_totals(path: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let n = |a: &str| root.attribute(a).unwrap().parse::<usize>().unwrap();
    (n("tests"), n("failures"))
}

// ---------------------------------------------------------------------------------------
// The tests

/// A policy with a gap (no rule decides an incident without coercion and with an older
/// party) and a scenario that expects the wrong decision.
const BROKEN: &str = r#"policy broken "A policy with a gap and a failing scenario"
input coercion: bool
input older: bool
output escalate: bool
rule r1 "Coercion" cites "002" when coercion then escalate = true
rule r2 "Neither" cites "002" when not coercion and not older then escalate = false
scenario wrong "Coercion, expected wrongly"
  given coercion = true, older = false
  expect escalate = false
"#;

/// Two rules, one scenario: half the rules covered.
const HALF_COVERED: &str = r#"policy half "Half covered"
input coercion: bool
output escalate: bool
rule r1 "Coercion" cites "002" when coercion then escalate = true
rule r2 "No coercion" cites "002" when not coercion then escalate = false
scenario one "Coercion escalates"
  given coercion = true
  expect escalate = true
"#;

#[test]
fn the_action_is_a_composite_whose_inputs_are_all_declared_used_and_kept_out_of_scripts() {
    let Some(action) = action() else { return };
    let declared: Vec<&String> = action["inputs"].as_object().unwrap().keys().collect();
    let text = std::fs::read_to_string(Path::new(REPO).join("action.yml")).unwrap();
    for name in &declared {
        assert!(
            text.contains(&format!("inputs.{name} "))
                || text.contains(&format!("inputs.{name} }}}}")),
            "input `{name}` is declared but never read"
        );
        assert!(
            action["inputs"][name.as_str()]["description"].is_string(),
            "input `{name}` has no description"
        );
    }
    for key in [
        "paths",
        "check-format",
        "sarif-file",
        "junit-file",
        "min-coverage",
        "version",
        "working-directory",
    ] {
        assert!(declared.iter().any(|d| *d == key), "no input `{key}`");
    }
    for step in steps(&action) {
        if let Some(script) = step["run"].as_str() {
            // Inputs reach scripts through `env:`: text pasted into a script is code.
            assert!(
                !script.contains("${{"),
                "an expression inside a script: {script}"
            );
            let out = Command::new("bash")
                .args(["-n", "-c", script])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "bash -n: {}\n{script}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn on_the_bundled_policies_the_action_annotates_and_writes_a_junit_report() {
    let Some(action) = action() else { return };
    let setup = Setup::new("clean")
        .with_policies("policies")
        .input("paths", "policies");
    let run = setup.run(&action);
    let log = run.log();
    assert!(!run.failed, "{log}");
    assert_eq!(run.step("install").outcome, "skipped", "the cache had it");
    assert!(run.calls.is_empty(), "nothing was built: {}", run.calls);
    assert!(
        run.step("path").stdout.starts_with("policyc 0.1.0"),
        "{log}"
    );
    let check = run.step("check");
    assert_eq!(check.outcome, "success", "{log}");
    assert!(
        check
            .stdout
            .contains("::notice file=policies/npcc.policy,line="),
        "{log}"
    );
    assert!(!check.stdout.contains("::error"), "{log}");
    assert_eq!(run.step("upload").outcome, "skipped", "no SARIF to upload");
    let junit = &run.outputs["junit-file"];
    assert_eq!(
        Path::new(junit),
        setup.workspace().join("policyc-junit.xml")
    );
    let bundled = bundled_totals();
    assert_eq!(bundled.1, 0, "the bundled policies pass");
    assert_eq!(junit_totals(junit), bundled);
    assert_eq!(run.outputs["sarif-file"], "");
}

#[test]
fn sarif_is_written_where_asked_and_uploaded_unless_told_not_to() {
    let Some(action) = action() else { return };
    let setup = Setup::new("sarif")
        .with_policies("policies")
        .input("check-format", "sarif")
        .input("sarif-file", "reports/policyc.sarif")
        .input("junit-file", "");
    let run = setup.run(&action);
    let log = run.log();
    assert!(!run.failed, "{log}");
    let sarif = setup.workspace().join("reports/policyc.sarif");
    assert_eq!(run.outputs["sarif-file"], sarif.display().to_string());
    let upload = &run.step("upload");
    assert_eq!(upload.outcome, "success", "{log}");
    assert_eq!(upload.with["sarif_file"], sarif.display().to_string());
    assert_eq!(upload.with["category"], "policyc");
    let log_json: Json = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(log_json["runs"][0]["tool"]["driver"]["name"], "policyc");
    // No JUnit file asked for: the plain report, closing line and all.
    let (passed, failed) = bundled_totals();
    assert!(
        run.step("test")
            .stdout
            .contains(&format!("{passed} passed, {failed} failed")),
        "{log}"
    );
    assert_eq!(run.outputs["junit-file"], "");

    let quiet = Setup::new("sarif-no-upload")
        .with_policies("policies")
        .input("check-format", "sarif")
        .input("upload-sarif", "false")
        .run(&action);
    assert!(!quiet.failed, "{}", quiet.log());
    assert_eq!(quiet.step("upload").outcome, "skipped");
}

#[test]
fn a_broken_policy_fails_the_action_after_every_report_is_written() {
    let Some(action) = action() else { return };
    let setup = Setup::new("broken")
        .file("broken.policy", BROKEN)
        .input("check-format", "sarif");
    let run = setup.run(&action);
    let log = run.log();
    assert!(run.failed, "{log}");
    let check = run.step("check");
    assert_eq!(
        (check.outcome.as_str(), check.code),
        ("failure", Some(1)),
        "{log}"
    );
    // The log of the errors is uploaded all the same, and the scenarios still run.
    assert_eq!(run.step("upload").outcome, "success", "{log}");
    let sarif: Json =
        serde_json::from_slice(&std::fs::read(&run.outputs["sarif-file"]).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "E0501" && r["level"] == "error"),
        "{sarif}"
    );
    let test = run.step("test");
    assert_eq!(
        (test.outcome.as_str(), test.code),
        ("failure", Some(1)),
        "{log}"
    );
    // The failing scenario, and the gap `check` rejects the policy for.
    assert_eq!(junit_totals(&run.outputs["junit-file"]), (2, 2));
    // The failure is shown to people too, not only written for tools.
    assert!(test.stdout.contains("0 passed, 2 failed"), "{log}");

    let annotated = Setup::new("broken-github")
        .file("broken.policy", BROKEN)
        .input("test", "false")
        .run(&action);
    let log = annotated.log();
    assert!(annotated.failed, "{log}");
    assert!(
        annotated
            .step("check")
            .stdout
            .contains("::error file=broken.policy,line=4"),
        "{log}"
    );
    assert_eq!(annotated.step("test").outcome, "skipped");
}

#[test]
fn warnings_fail_only_when_denied() {
    let Some(action) = action() else { return };
    // The bundled policies have notes only (W0503 about a shared vocabulary), so use a
    // policy with an input nothing reads, which is a warning.
    let policy = "policy w \"Warned\"\ninput coercion: bool\ninput unused_flag: bool\noutput escalate: bool\nrule r1 \"Coercion\" cites \"002\" when coercion then escalate = true\nrule r2 \"No coercion\" cites \"002\" when not coercion then escalate = false\n";
    let run = Setup::new("warn")
        .file("w.policy", policy)
        .input("test", "false")
        .run(&action);
    assert!(!run.failed, "{}", run.log());
    assert!(
        run.step("check").stdout.contains("::warning"),
        "{}",
        run.log()
    );
    let denied = Setup::new("warn-denied")
        .file("w.policy", policy)
        .input("test", "false")
        .input("deny-warnings", "true")
        .run(&action);
    assert!(denied.failed, "{}", denied.log());
    assert_eq!(denied.step("check").code, Some(1));
}

#[test]
fn min_coverage_fails_the_tests_below_the_percentage() {
    let Some(action) = action() else { return };
    // The setup lives as long as its run: its files go with it.
    let run = |percent: &str| {
        let setup = Setup::new(&format!("coverage-{percent}"))
            .file("half.policy", HALF_COVERED)
            .input("check", "false")
            .input("min-coverage", percent);
        let run = setup.run(&action);
        (setup, run)
    };
    let (_strict_setup, strict) = run("100");
    assert!(strict.failed, "{}", strict.log());
    assert_eq!(strict.step("test").code, Some(1));
    assert_eq!(strict.step("check").outcome, "skipped");
    let (_lenient_setup, lenient) = run("50");
    assert!(!lenient.failed, "{}", lenient.log());
    assert_eq!(junit_totals(&lenient.outputs["junit-file"]), (1, 0));
}

#[test]
fn paths_one_a_line_may_hold_spaces_and_a_working_directory_is_honoured() {
    let Some(action) = action() else { return };
    let setup = Setup::new("paths")
        .with_policies("repo/policies")
        .with_policies("repo/more policies")
        .input("working-directory", "repo")
        .input(
            "paths",
            "policies/npcc.policy\nmore policies/derbyshire.policy\n",
        );
    let run = setup.run(&action);
    let log = run.log();
    assert!(!run.failed, "{log}");
    let junit = std::fs::read_to_string(&run.outputs["junit-file"]).unwrap();
    assert!(run.outputs["junit-file"].ends_with("/repo/policyc-junit.xml"));
    assert!(junit.contains(r#"<testsuite name="npcc""#), "{junit}");
    assert!(junit.contains(r#"<testsuite name="derbyshire""#), "{junit}");
    assert!(
        !junit.contains(r#"<testsuite name="gloucestershire""#),
        "{junit}"
    );
    // A missing path is a usage error, exit 2, and the action fails.
    let missing = Setup::new("paths-missing")
        .input("paths", "no-such-folder")
        .run(&action);
    assert!(missing.failed);
    assert_eq!(missing.step("check").code, Some(2), "{}", missing.log());
}

#[test]
fn on_a_cache_miss_the_action_builds_its_own_source_keyed_by_its_content() {
    let Some(action) = action() else { return };
    // A copy of the source, so that a change to it can be made.
    let mut setup = Setup::new("build");
    let source = setup.root.join("source");
    for d in ["src", "grammar"] {
        copy_dir(&Path::new(REPO).join(d), &source.join(d));
    }
    for f in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(Path::new(REPO).join(f), source.join(f)).unwrap();
    }
    setup.action_path = source.clone();
    setup.cache_hit = false;
    let setup = setup.with_policies("policies");
    let run = setup.run(&action);
    let log = run.log();
    assert!(!run.failed, "{log}");
    let id = run.step("source").outputs["id"].clone();
    assert!(id.starts_with("src-") && id.len() == 36, "{id}");
    let root = setup.root.join("tools/policyc").join(&id);
    assert_eq!(
        run.step("source").outputs["root"],
        root.display().to_string()
    );
    assert_eq!(run.step("install").outcome, "success", "{log}");
    assert_eq!(
        run.calls.trim(),
        format!(
            "cargo install --locked --path {} --root {}",
            source.display(),
            root.display()
        )
    );
    assert_eq!(run.step("check").outcome, "success", "{log}");

    // The same source gives the same key; a change to it, another.
    let again = setup.run(&action);
    assert_eq!(again.step("source").outputs["id"], id);
    let main = source.join("src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{text}\n// changed\n")).unwrap();
    let changed = setup.run(&action);
    assert_ne!(changed.step("source").outputs["id"], id);
}

#[test]
fn a_version_builds_that_commit_of_the_repository() {
    let Some(action) = action() else { return };
    let mut setup = Setup::new("version")
        .with_policies("policies")
        .input("version", "v0.1.0")
        .input("repository", "someone/policyc");
    setup.cache_hit = false;
    let run = setup.run(&action);
    let log = run.log();
    assert!(!run.failed, "{log}");
    // The annotated tag's commit, not the tag object.
    let sha = "2222222222222222222222222222222222222222";
    let root = setup.root.join("tools/policyc").join(format!("git-{sha}"));
    assert!(
        run.calls.contains(&format!(
            "cargo install --locked --git https://github.com/someone/policyc --rev {sha} --root {} policyc",
            root.display()
        )),
        "{}",
        run.calls
    );
    assert!(run
        .calls
        .contains("git ls-remote https://github.com/someone/policyc v0.1.0"));

    // Without a repository to take it from, the action says so.
    let mut nowhere = Setup::new("version-nowhere").input("version", "v0.1.0");
    nowhere.action_repository = String::new();
    let run = nowhere.run(&action);
    assert!(run.failed);
    assert_eq!(run.step("source").code, Some(2));
    assert!(
        run.step("source")
            .stdout
            .contains("::error title=policyc::set the input 'repository'"),
        "{}",
        run.log()
    );
    assert_eq!(run.step("check").outcome, "skipped");
}

#[test]
fn without_cargo_the_build_step_says_what_to_add() {
    let Some(action) = action() else { return };
    let mut setup = Setup::new("no-cargo").with_policies("policies");
    setup.cache_hit = false;
    setup.without = vec!["cargo".into()];
    setup.cargo_stub = false;
    // Where cargo shares a folder with bash, it cannot be hidden.
    let system = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&system).any(|d| d.join("cargo").exists() && d.join("bash").exists()) {
        eprintln!(
            "note: cargo is in the same folder as bash here; the run without cargo was skipped"
        );
        return;
    }
    let run = setup.run(&action);
    let log = run.log();
    assert!(run.failed, "{log}");
    let install = run.step("install");
    assert_eq!(install.code, Some(2), "{log}");
    assert!(
        install.stdout.contains("cargo is needed to build policyc"),
        "{log}"
    );
    assert_eq!(run.step("path").outcome, "skipped");
    assert_eq!(run.step("check").outcome, "skipped");
    assert_eq!(run.step("test").outcome, "skipped");
}

#[test]
fn an_unknown_check_format_is_refused() {
    let Some(action) = action() else { return };
    let run = Setup::new("format")
        .with_policies("policies")
        .input("check-format", "junit")
        .run(&action);
    assert!(run.failed);
    let check = run.step("check");
    assert_eq!(check.code, Some(2));
    assert!(
        check
            .stdout
            .contains("::error title=policyc::check-format is github or sarif, not 'junit'"),
        "{}",
        run.log()
    );
}

#[test]
fn the_expression_subset_reads_as_github_does() {
    struct Cx;
    impl Context for Cx {
        fn lookup(&self, path: &str) -> Val {
            match path {
                "inputs.on" => Val::Str("true".into()),
                "inputs.empty" => Val::Str(String::new()),
                "steps.a.outputs.missing" => Val::Null,
                _ => panic!("{path}"),
            }
        }
        fn status(&self, f: &str) -> bool {
            f != "failure" && f != "cancelled"
        }
    }
    let t = |e: &str| eval(e, &Cx).truthy();
    assert!(t("inputs.on == 'TRUE'"));
    assert!(!t("inputs.on != 'true'"));
    assert!(t("steps.a.outputs.missing == ''"));
    assert!(!t("steps.a.outputs.missing != ''"));
    assert!(t("!cancelled() && (inputs.empty == '' || false)"));
    assert!(!t("!inputs.on"));
    assert_eq!(eval("inputs.empty || 'x'", &Cx), Val::Str("x".into()));
    assert_eq!(substitute("a-${{ inputs.on }}-b", &Cx), "a-true-b");
    assert!(condition("inputs.on == 'true'", &Cx));
    assert!(!condition("${{ failure() }}", &Cx));
    let trap = std::panic::catch_unwind(|| eval("inputs.on == true", &Cx));
    assert!(trap.is_err(), "a string compared with a boolean is refused");
}

#[test]
fn the_docs_give_the_action_only_inputs_it_declares_and_list_them_all() {
    let Some(action) = action() else { return };
    let inputs = action["inputs"].as_object().unwrap();
    let docs = std::fs::read_to_string(Path::new(REPO).join("docs/ci.md")).unwrap();
    let mut uses = 0;
    for (n, block) in docs.split("```yaml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap();
        let Some(doc) = yaml(block, &format!("YAML block {} of docs/ci.md", n + 1)) else {
            return;
        };
        let mut found = vec![];
        find_uses(&doc, &mut found);
        for with in found {
            uses += 1;
            for key in with
                .as_object()
                .map(|w| w.keys().collect())
                .unwrap_or_else(Vec::new)
            {
                assert!(
                    inputs.contains_key(key),
                    "docs/ci.md gives the action `{key}`, which it does not declare"
                );
            }
        }
    }
    assert!(uses >= 2, "docs/ci.md shows the action");
    // The table of inputs: one row per declared input, with its default.
    let section = docs
        .split("## The GitHub Action")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("docs/ci.md has a section on the action");
    let rows: Vec<(&str, &str)> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| {
            let (name, rest) = l.split_once("` | ")?;
            Some((name, rest.split(" | ").next()?))
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let declared: Vec<&str> = inputs.keys().map(String::as_str).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort_unstable();
    assert_eq!(sorted, declared_sorted, "the inputs table of docs/ci.md");
    for (name, default) in rows {
        let want = scalar(&inputs[name]["default"]);
        if want.is_empty() {
            assert!(default.starts_with('('), "{name}: {default}");
        } else {
            assert_eq!(default, format!("`{want}`"), "the default of {name}");
        }
    }
}

/// The `with:` of every step that uses this action (`OWNER/policyc@...` or `./`).
fn find_uses<'a>(v: &'a Json, out: &mut Vec<&'a Json>) {
    match v {
        Json::Object(m) => {
            if let Some(u) = m.get("uses").and_then(Json::as_str) {
                if u.starts_with("OWNER/policyc@") || u == "./" {
                    out.push(m.get("with").unwrap_or(&Json::Null));
                }
            }
            m.values().for_each(|x| find_uses(x, out));
        }
        Json::Array(a) => a.iter().for_each(|x| find_uses(x, out)),
        _ => {}
    }
}
