//! Hostile files and streams around the commands (issue 19): folder walks through
//! symbolic links, writing to devices, pipes and links, failed writes and closed pipes,
//! the exit code of a path that cannot be read, `diff --git` from outside the
//! repository. Each test is one of the issue's reproducers. docs/cli.md has the rules.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failing test should fail loudly"
)]

mod common;
use common::{code, command, policyc, policyc_in, stderr, stdout, temp_dir};

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CLEAN: &str = r#"policy p "A clean policy"

input coercion: bool
output escalate: bool

rule r1 "Coercion"
  cites "002"
  when coercion
  then escalate = true

rule r2 "No coercion"
  cites "002"
  when not coercion
  then escalate = false
"#;

/// `CLEAN` as `policyc fmt` would not leave it.
const UNFORMATTED: &str = "policy p \"A clean policy\"\ninput   coercion: bool\noutput escalate: bool\nrule r1 \"Coercion\" cites \"002\" when coercion then escalate = true\nrule r2 \"No coercion\" cites \"002\" when not coercion then escalate = false\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs policyc, killing it after `limit`: a walk that loops must fail the test, not
/// hang it.
fn within(limit: Duration, args: &[&str], dir: Option<&Path>) -> Output {
    let mut cmd = command(args);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut o = Vec::new();
        let _ = out.read_to_end(&mut o);
        o
    });
    let err_reader = std::thread::spawn(move || {
        let mut e = Vec::new();
        let _ = err.read_to_end(&mut e);
        e
    });
    let start = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().unwrap() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("policyc {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    Output {
        status,
        stdout: reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// A tree with links back up to its own folders and to the root of the file system:
/// `t/a.policy`, `t/sub/b.policy`, `t/sub/up -> ..`, `t/sub/upup -> ../..`,
/// `t/sub/root -> /`, and `t/link.policy -> sub/b.policy` (a second path to one file).
fn looping_tree(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let t = dir.join("t");
    write(&t, "a.policy", CLEAN);
    write(&t, "sub/b.policy", &CLEAN.replace("policy p", "policy q"));
    symlink("..", t.join("sub/up")).unwrap();
    symlink("../..", t.join("sub/upup")).unwrap();
    symlink("/", t.join("sub/root")).unwrap();
    symlink("sub/b.policy", t.join("link.policy")).unwrap();
    t
}

#[test]
fn folder_walks_do_not_follow_links_to_folders_and_visit_each_file_once() {
    let t = looping_tree("walk-links");
    let limit = Duration::from_secs(60);
    let o = within(limit, &["check", s(&t)], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("checked 2 files"), "{}", stderr(&o));

    let o = within(limit, &["test", s(&t)], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let o = within(limit, &["fmt", "--check", s(&t)], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("of 2 files"), "{}", stderr(&o));

    let site = t.parent().unwrap().join("site");
    let o = within(limit, &["doc", s(&t), "-o", s(&site)], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut pages: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".html") && n != "index.html")
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 2, "one page a file: {pages:?}");

    // A folder named twice, or inside another one named, is walked once.
    let o = within(limit, &["check", s(&t), s(&t.join("sub")), s(&t)], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("checked 2 files"), "{}", stderr(&o));
}

#[test]
fn a_link_to_a_folder_named_on_the_command_line_is_followed() {
    let dir = temp_dir("walk-named-link");
    write(&dir, "real/a.policy", CLEAN);
    symlink("real", dir.join("named")).unwrap();
    let o = policyc(&["check", s(&dir.join("named"))]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("checked 1 file"), "{}", stderr(&o));
}

#[test]
fn graph_writes_devices_and_pipes_in_place_and_replaces_files_through_links() {
    let dir = temp_dir("special-out");
    let policy = write(&dir, "p.policy", CLEAN);

    // /dev/stdout: what is written reaches standard output, and the device stays.
    let o = policyc(&["graph", &policy, "-o", "/dev/stdout"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("digraph"), "{}", stdout(&o));

    // /dev/full: the failure is said once, exit 2.
    let o = policyc(&["graph", &policy, "-o", "/dev/full"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("error:").count(), 1, "{}", stderr(&o));
    assert!(
        std::fs::metadata("/dev/full")
            .map(|m| !m.is_file())
            .unwrap_or(true),
        "/dev/full is still a device"
    );

    // A named pipe: written into, not replaced by a regular file.
    let fifo = dir.join("pipe.dot");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let f = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(f).unwrap());
    let o = policyc(&["graph", &policy, "-o", s(&fifo)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(reader.join().unwrap().starts_with("digraph"));
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the pipe is still a pipe");
    }

    // A link: the file it points to is replaced, the link kept.
    let real = dir.join("real.dot");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("link.dot");
    symlink("real.dot", &link).unwrap();
    let o = policyc(&["graph", &policy, "-o", s(&link)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("digraph"));

    // A dangling link: its file is made, the link kept.
    let dangling = dir.join("dangling.dot");
    symlink("made.dot", &dangling).unwrap();
    let o = policyc(&["graph", &policy, "-o", s(&dangling)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
    assert!(std::fs::read_to_string(dir.join("made.dot"))
        .unwrap()
        .starts_with("digraph"));
}

#[test]
fn fmt_formats_the_file_a_link_points_to_and_keeps_the_link() {
    let dir = temp_dir("fmt-link");
    let real = dir.join("real.policy");
    std::fs::write(&real, UNFORMATTED).unwrap();
    let link = dir.join("link.policy");
    symlink("real.policy", &link).unwrap();
    let o = policyc(&["fmt", s(&link)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), CLEAN);
}

/// Runs policyc with standard output (or error) on /dev/full.
fn to_full(args: &[&str], stream: &str) -> Output {
    let full = || {
        Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
    };
    let mut cmd = command(args);
    match stream {
        "stdout" => cmd.stdout(full()).stderr(Stdio::piped()),
        _ => cmd.stdout(Stdio::piped()).stderr(full()),
    };
    cmd.output().unwrap()
}

#[test]
fn a_failed_write_is_said_once_and_exits_2() {
    let dir = temp_dir("write-errors");
    let a = write(&dir, "a.policy", CLEAN);
    let b = write(
        &dir,
        "b.policy",
        &CLEAN.replace("then escalate = false", "then escalate = true"),
    );
    let broken = write(&dir, "broken.policy", "input a bool\n");
    let unformatted = write(&dir, "u.policy", UNFORMATTED);
    for args in [
        vec!["diff", a.as_str(), b.as_str()],
        vec!["explain", "all"],
        vec!["graph", a.as_str()],
        vec!["check", "--format", "json", broken.as_str()],
        vec!["test", a.as_str()],
        vec!["fmt", "--check", unformatted.as_str()],
        vec!["man", "check"],
        vec!["completions", "bash"],
        vec!["--help"],
    ] {
        let o = to_full(&args, "stdout");
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o)
                .matches("cannot write to standard output")
                .count(),
            1,
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // Standard error full: nothing can be said, but the code says it.
    for args in [vec!["check", broken.as_str()], vec!["diff", a.as_str()]] {
        let o = to_full(&args, "stderr");
        assert_eq!(code(&o), 2, "{args:?}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_commands_own_code() {
    let dir = temp_dir("closed-pipe");
    let a = write(&dir, "a.policy", CLEAN);
    for (args, expected) in [
        (vec!["explain", "all"], 0),
        (vec!["graph", a.as_str(), "--format", "svg"], 0),
        (vec!["man", "check"], 0),
    ] {
        // `policyc ... | head -c 1`: the reader stops after one byte.
        let mut child = command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut one = [0u8; 1];
        out.read_exact(&mut one).unwrap();
        drop(out);
        let o = child.wait_with_output().unwrap();
        assert_eq!(code(&o), expected, "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
    // A closed standard error is no panic either.
    let broken = write(&dir, "broken.policy", "input a bool\n");
    let mut child = command(&["check", &broken])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "errors found, stderr closed: {status:?}"
    );
}

#[test]
fn a_named_path_that_is_not_a_file_or_folder_exits_2_for_every_command() {
    let dir = temp_dir("not-a-file");
    let facts = write(&dir, "facts.json", "{}");
    let site = dir.join("site");
    for args in [
        vec!["check", "/dev/zero"],
        vec!["test", "/dev/zero"],
        vec!["fmt", "/dev/zero"],
        vec!["fmt", "--check", "/dev/zero"],
        vec!["doc", "/dev/zero", "-o", s(&site)],
        vec!["decide", "/dev/zero", "--facts", &facts],
        vec!["graph", "/dev/zero"],
        vec!["diff", "/dev/zero", "/dev/zero"],
        vec!["ask", "/dev/zero"],
    ] {
        let o = within(Duration::from_secs(60), &args, None);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
    let o = policyc(&["check", "/dev/zero"]);
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

/// Whether this process can read what it has no permission to read (root can): then
/// permission tests prove nothing and are skipped with a note.
fn reads_anything(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&probe).is_ok();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _ = std::fs::remove_file(probe);
    readable
}

#[test]
fn an_unreadable_file_or_folder_exits_2_and_is_not_called_empty() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("unreadable");
    if reads_anything(&dir) {
        eprintln!("note: running with permission to read anything (root): skipped");
        return;
    }
    let file = write(&dir, "secret.policy", CLEAN);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    write(&dir, "closed/a.policy", CLEAN);
    let closed = dir.join("closed");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    for cmd in ["check", "test", "fmt"] {
        let o = policyc(&[cmd, &file]);
        assert_eq!(code(&o), 2, "{cmd} file: {}", stderr(&o));
        let o = policyc(&[cmd, s(&closed)]);
        assert_eq!(code(&o), 2, "{cmd} folder: {}", stderr(&o));
        assert!(!stderr(&o).contains("no `.policy` files"), "{}", stderr(&o));
    }
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_used_file_that_cannot_be_read_is_an_error_in_the_policy() {
    let dir = temp_dir("use-unreadable");
    std::fs::create_dir_all(dir.join("shared.policy")).unwrap();
    let p = write(&dir, "p.policy", &format!("use \"shared.policy\"\n{CLEAN}"));
    let o = policyc(&["check", &p]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("E0001"), "{}", stderr(&o));
    let o = policyc(&["test", &p]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn diff_git_finds_the_repository_from_the_path() {
    let dir = temp_dir("git-from-outside");
    let repo = dir.join("repo");
    write(&repo, "policies/p.policy", CLEAN);
    if !git(&repo, &["init", "-q"]) {
        eprintln!("note: git is not installed: skipped");
        return;
    }
    assert!(git(&repo, &["add", "."]));
    assert!(git(&repo, &["commit", "-q", "-m", "one"]));
    write(
        &repo,
        "policies/p.policy",
        &CLEAN.replace("then escalate = false", "then escalate = true"),
    );
    // From the root of the file system, which is in no repository.
    let file = repo.join("policies/p.policy");
    let o = policyc_in(Path::new("/"), &["diff", "--git", "HEAD", s(&file)]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        !stderr(&o).contains("not a git repository"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("policies/p.policy"), "{}", stdout(&o));
    let folder = repo.join("policies");
    let o = policyc_in(Path::new("/"), &["diff", "--git", "HEAD", s(&folder)]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
}
