//! What an installed policyc brings besides itself: shell completions and manual pages,
//! both generated from the clap definitions (`policyc::testing::cli::command`), checked here in
//! the shells and the man page formatters that are installed (each skipped with a note
//! where missing; `.ci/run` installs them).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{code, policyc, stderr, stdout, temp_dir};

/// The commands of the binary, read from its definition: whatever is added later
/// (`policyc ask`) is checked as it lands.
fn commands() -> Vec<String> {
    policyc::testing::cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The long options of one command, `--help` and the global `--color` included.
fn long_options(name: &str) -> Vec<String> {
    let mut cmd = policyc::testing::cli::command();
    cmd.build();
    let sub = cmd.find_subcommand(name).unwrap();
    sub.get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}

fn has(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn script(shell: &str) -> (PathBuf, String) {
    let o = policyc(&["completions", shell]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let path = temp_dir(&format!("completions-{shell}")).join(format!("policyc.{shell}"));
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program).args(args).output().unwrap()
}

#[test]
fn bash_accepts_the_completion_script_and_completes_every_command() {
    let (path, _) = script("bash");
    let path = path.to_str().unwrap();
    let o = run("bash", &["-n", path]);
    assert!(o.status.success(), "bash -n: {}", stderr(&o));
    // Sourced, it registers a completion function; called as bash calls it on TAB, it
    // offers every command, the options of one, and the values of an option.
    let complete = |line: &str| -> Vec<String> {
        let probe = format!(
            r#"source '{path}'
complete -p policyc
read -ra COMP_WORDS <<< '{line}'
[[ '{line}' == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
_policyc policyc "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#
        );
        let o = run("bash", &["--norc", "-c", &probe]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("complete -o bashdefault -o default -o nosort -F _policyc policyc")
        );
        lines.map(String::from).collect()
    };
    let top = complete("policyc ");
    for c in commands() {
        assert!(top.contains(&c), "`policyc <TAB>` lacks {c}: {top:?}");
    }
    assert_eq!(complete("policyc ch"), ["check"]);
    let check = complete("policyc check --");
    for option in long_options("check") {
        assert!(check.contains(&option), "{option} not in {check:?}");
    }
    assert_eq!(
        complete("policyc check --format "),
        ["human", "json", "sarif", "github"]
    );
    let man = complete("policyc man ");
    for c in commands() {
        assert!(man.contains(&c), "`policyc man <TAB>` lacks {c}: {man:?}");
    }
    assert!(complete("policyc completions ").contains(&"powershell".to_string()));
}

#[test]
fn zsh_and_fish_accept_their_scripts() {
    let (zsh, text) = script("zsh");
    assert!(text.starts_with("#compdef policyc"), "{text}");
    if has("zsh") {
        let o = run("zsh", &["-n", zsh.to_str().unwrap()]);
        assert!(o.status.success(), "zsh -n: {}", stderr(&o));
    } else {
        eprintln!("note: zsh is not installed; its script was not parsed (`apt-get install zsh`)");
    }
    let (fish, _) = script("fish");
    if has("fish") {
        let fish = fish.to_str().unwrap();
        let o = run("fish", &["-n", fish]);
        assert!(o.status.success(), "fish -n: {}", stderr(&o));
        let o = run(
            "fish",
            &[
                "--no-config",
                "-c",
                &format!("source '{fish}'; complete -C 'policyc ch'"),
            ],
        );
        assert!(
            stdout(&o).starts_with("check\t"),
            "{}{}",
            stdout(&o),
            stderr(&o)
        );
    } else {
        eprintln!(
            "note: fish is not installed; its script was not parsed (`apt-get install fish`)"
        );
    }
}

#[test]
fn every_shell_script_names_every_command() {
    // PowerShell and elvish are not run here (no pwsh in Debian): their scripts are
    // read for the commands they complete.
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (_, text) = script(shell);
        for c in commands() {
            assert!(
                text.contains(&format!("'{c}'"))
                    || text.contains(&format!("\"{c}\""))
                    || text.contains(&format!(" {c} "))
                    || text.contains(&format!("({c})")),
                "the {shell} script does not complete `{c}`"
            );
        }
    }
    let o = policyc(&["completions", "tcsh"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("possible values: bash, elvish, fish, powershell, zsh"));
}

/// A page rendered for a terminal by whichever formatter is installed: man-db's `man`,
/// groff, or mandoc. `None` (with a note) where none is.
fn render(roff: &[u8]) -> Option<String> {
    let formatters: [(&str, &[&str]); 3] = [
        ("man", &["-l", "-"]),
        ("groff", &["-man", "-Tutf8", "-ww"]),
        ("mandoc", &["-T", "utf8", "-W", "error"]),
    ];
    for (program, args) in formatters {
        if !has(program) {
            continue;
        }
        let mut child = Command::new(program)
            .args(args)
            .env("MANWIDTH", "100")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(roff).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{program}: {}", stderr(&o));
        // groff's warnings (-ww) and mandoc's errors go to stderr.
        assert!(
            o.stderr.is_empty(),
            "{program} complains about the page: {}",
            stderr(&o)
        );
        // Bold and underline as overstrikes, where the formatter keeps them.
        let text = stdout(&o);
        let mut plain = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if chars.peek() == Some(&'\u{8}') {
                chars.next();
                continue;
            }
            plain.push(c);
        }
        // Lines with their runs of spaces (justification, indents) made one space.
        let lines: Vec<String> = plain
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        return Some(lines.join("\n"));
    }
    eprintln!("note: no man page formatter (man, groff, mandoc) is installed; pages were checked as roff only (`apt-get install man-db`)");
    None
}

#[test]
fn the_man_page_of_policyc_renders_with_every_command() {
    let o = policyc(&["man"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let roff = stdout(&o);
    assert!(roff.contains(".TH \"policyc\" 1"), "{roff}");
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "SEE ALSO",
    ] {
        assert!(
            roff.contains(&format!(".SH \"{section}\""))
                || roff.contains(&format!(".SH {section}\n")),
            "no {section} in {roff}"
        );
    }
    let Some(page) = render(o.stdout.as_slice()) else {
        return;
    };
    for section in ["NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS", "SEE ALSO"] {
        assert!(
            page.lines().any(|l| l == section),
            "no {section} heading in\n{page}"
        );
    }
    assert!(
        page.contains("policyc - Compiler and test harness"),
        "{page}"
    );
    for c in commands() {
        assert!(
            page.contains(&format!("policyc-{c}(1)")),
            "the page does not list `{c}`:\n{page}"
        );
    }
}

#[test]
fn each_command_has_a_page_with_all_its_options() {
    for c in commands() {
        let o = policyc(&["man", &c]);
        assert_eq!(code(&o), 0, "{c}: {}", stderr(&o));
        let roff = stdout(&o);
        assert!(roff.contains(&format!(".TH \"policyc-{c}\" 1")), "{roff}");
        let Some(page) = render(o.stdout.as_slice()) else {
            return;
        };
        assert!(page.contains(&format!("policyc-{c} - ")), "{page}");
        assert!(
            page.contains(&format!("policyc {c}")),
            "synopsis of {c}:\n{page}"
        );
        for option in long_options(&c) {
            assert!(
                page.contains(&option),
                "{option} is not on the page of {c}:\n{page}"
            );
        }
        assert!(page.contains("policyc(1)"), "SEE ALSO of {c}:\n{page}");
    }
}

#[test]
fn man_dir_writes_every_page_where_man_finds_them() {
    // ~/.cargo/bin on PATH makes man look in ~/.cargo/share/man: the README's advice.
    let prefix = temp_dir("man-prefix");
    let bin = prefix.join("bin");
    let dir = prefix.join("share/man/man1");
    std::fs::create_dir_all(&bin).unwrap();
    let o = policyc(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut expected: Vec<PathBuf> = vec![dir.join("policyc.1")];
    expected.extend(
        commands()
            .iter()
            .map(|c| dir.join(format!("policyc-{c}.1"))),
    );
    let written: Vec<PathBuf> = stdout(&o).lines().map(PathBuf::from).collect();
    assert_eq!(written, expected);
    // The files are the pages `policyc man COMMAND` prints.
    assert_eq!(
        std::fs::read(dir.join("policyc-check.1")).unwrap(),
        policyc(&["man", "check"]).stdout
    );
    assert_eq!(
        std::fs::read(dir.join("policyc.1")).unwrap(),
        policyc(&["man"]).stdout
    );
    // One page only, when a command is named.
    let one = temp_dir("man-one");
    let o = policyc(&["man", "diff", "--dir", one.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert_eq!(std::fs::read_dir(&one).unwrap().count(), 1);
    if has("man") && has("manpath") {
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let o = Command::new("man")
            .args(["-w", "policyc-check"])
            .env("PATH", path)
            .env_remove("MANPATH")
            .output()
            .unwrap();
        assert_eq!(
            stdout(&o).trim(),
            dir.join("policyc-check.1").display().to_string(),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn man_refuses_what_is_not_a_command_and_a_folder_it_cannot_write() {
    let o = policyc(&["man", "chek"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("a similar value exists: 'check'"),
        "{}",
        stderr(&o)
    );
    let file = temp_dir("man-file").join("not-a-folder");
    std::fs::write(&file, "").unwrap();
    let o = policyc(&["man", "--dir", file.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with("error: cannot write"),
        "{}",
        stderr(&o)
    );
    // The library's own check, for a caller that builds `ManArgs` itself.
    let args = policyc::testing::cli::man::ManArgs {
        command: Some("nope".into()),
        dir: None,
    };
    assert_eq!(policyc::testing::cli::man::run(&args), 2);
}

#[test]
fn the_readme_installs_the_completions_as_the_binary_says() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let help = stdout(&policyc(&["completions", "--help"]));
    for line in help.lines().filter(|l| {
        l.trim_start().starts_with("policyc completions") || l.contains("  policyc completions ")
    }) {
        let command = line
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .trim();
        assert!(readme.contains(command), "the README lacks `{command}`");
    }
    for needle in [
        "cargo install --locked --path .",
        "cargo uninstall policyc",
        "policyc man --dir",
    ] {
        assert!(readme.contains(needle), "the README lacks `{needle}`");
    }
}

/// The pages of the commands CI runs say what their exit codes mean, decide's batch
/// rule (the worst answer) included.
#[test]
fn command_pages_say_their_exit_status() {
    for c in ["check", "test", "decide", "ask"] {
        let o = policyc(&["man", c]);
        assert_eq!(code(&o), 0, "{c}: {}", stderr(&o));
        let roff = stdout(&o);
        assert!(roff.contains(".SH \"EXIT STATUS\""), "{c}: {roff}");
        for n in ["0", "1", "2"] {
            assert!(
                roff.contains(&format!(".TP\n\\fB{n}\\fR")),
                "{c}: {n} in {roff}"
            );
        }
    }
    let decide = stdout(&policyc(&["man", "decide"]));
    assert!(
        decide.contains("the worst answer sets the code"),
        "{decide}"
    );
}
