//! The editor files are valid JSON, the VS Code manifest points at files that exist, and
//! the grammar highlights every keyword of the language reference.

// Helpers outside #[test] functions may fail loudly too: this is a test crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use serde_json::Value;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"))
}

#[test]
fn editor_json_files_parse_and_the_manifest_is_complete() {
    let dir = Path::new("editors/vscode");
    let manifest = json("editors/vscode/package.json");
    let main = manifest["main"].as_str().unwrap();
    assert!(dir.join(main).exists(), "main {main} is missing");
    let lang = &manifest["contributes"]["languages"][0];
    assert_eq!(lang["extensions"][0], ".policy");
    let config = lang["configuration"].as_str().unwrap();
    let config = json(dir.join(config).to_str().unwrap());
    assert_eq!(config["comments"]["lineComment"], "//");
    let grammar_path = manifest["contributes"]["grammars"][0]["path"]
        .as_str()
        .unwrap();
    let grammar = json(dir.join(grammar_path).to_str().unwrap());
    assert_eq!(
        grammar["scopeName"],
        manifest["contributes"]["grammars"][0]["scopeName"]
    );
    assert!(manifest["dependencies"]["vscode-languageclient"].is_string());
    // What the marketplace and `vsce package` read.
    for key in [
        "name",
        "displayName",
        "description",
        "version",
        "publisher",
        "license",
    ] {
        assert!(
            manifest[key].as_str().is_some_and(|v| !v.is_empty()),
            "no {key}"
        );
    }
    assert!(manifest["repository"]["url"].is_string());
    assert!(manifest["engines"]["vscode"].is_string());
    assert!(!manifest["categories"].as_array().unwrap().is_empty());
    assert_eq!(manifest["activationEvents"][0], "onLanguage:policy");
    assert_eq!(
        manifest["contributes"]["configuration"]["properties"]["policyc.path"]["default"],
        "policyc"
    );
    assert!(manifest["scripts"]["package"]
        .as_str()
        .unwrap()
        .starts_with("vsce package"));
    assert!(manifest["devDependencies"]["@vscode/vsce"].is_string());
    // The icon: a 128x128 PNG (the marketplace's size), read from its IHDR chunk.
    let icon = std::fs::read(dir.join(manifest["icon"].as_str().unwrap())).unwrap();
    assert!(icon.starts_with(b"\x89PNG\r\n\x1a\n"), "the icon is a PNG");
    let dimension = |at: usize| u32::from_be_bytes(icon[at..at + 4].try_into().unwrap());
    assert_eq!((dimension(16), dimension(20)), (128, 128));
    let ext = std::fs::read_to_string(dir.join(main)).unwrap();
    assert!(
        ext.contains("args: [\"lsp\"]"),
        "the extension starts `policyc lsp`"
    );
}

#[test]
fn the_grammar_highlights_every_keyword() {
    let grammar =
        std::fs::read_to_string("editors/vscode/syntaxes/policy.tmLanguage.json").unwrap();
    let reference = std::fs::read_to_string("docs/language.md").unwrap();
    let list = reference
        .split("Keywords cannot be used as names: `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .expect("the reference lists the keywords");
    let keywords: Vec<&str> = list.split_whitespace().collect();
    assert!(keywords.len() > 30, "{keywords:?}");
    // Every keyword is an alternative of some `\b(...)\b` pattern.
    let alternatives: Vec<&str> = grammar
        .split("\\\\b(")
        .skip(1)
        .chain(grammar.split("^\\\\s*(").skip(1))
        .flat_map(|s| s.split(')').next().unwrap_or("").split('|'))
        .collect();
    for k in keywords {
        assert!(
            alternatives.contains(&k),
            "the grammar does not highlight `{k}`"
        );
    }
}

/// The names of the entries of a zip file, read from its central directory.
fn zip_names(zip: &[u8]) -> Vec<String> {
    let u16_at = |at: usize| usize::from(u16::from_le_bytes(zip[at..at + 2].try_into().unwrap()));
    let u32_at = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
    // The end of central directory record: its signature, searched from the end (a
    // comment of any length may follow it).
    let end = (0..=zip.len() - 22)
        .rev()
        .find(|&i| zip[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("a zip file");
    let (count, mut at) = (u16_at(end + 10), u32_at(end + 16));
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        assert_eq!(
            zip[at..at + 4],
            [0x50, 0x4b, 0x01, 0x02],
            "a central directory entry"
        );
        let (name, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        names.push(String::from_utf8(zip[at + 46..at + 46 + name].to_vec()).unwrap());
        at += 46 + name + extra + comment;
    }
    names
}

/// Copies `from` into `to`, leaving out what packaging makes.
fn copy_sources(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == "node_modules" || name.ends_with(".vsix") {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_sources(&e.path(), &to.join(&*name));
        } else {
            std::fs::copy(e.path(), to.join(&*name)).unwrap();
        }
    }
}

#[test]
fn one_command_packages_the_extension_as_a_vsix() {
    let has_npm = std::process::Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_npm {
        eprintln!("note: npm is not installed; the .vsix was not built (install Node.js)");
        return;
    }
    // A copy of editors/, packaged where the tests keep their files: node_modules stays
    // there between runs (the script installs again only when package-lock.json
    // changes), and the checkout gets none.
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vsix");
    let editors = work.join("editors");
    let vscode = editors.join("vscode");
    if let Ok(entries) = std::fs::read_dir(&vscode) {
        for e in entries.flatten() {
            if e.file_name() != "node_modules" {
                let p = e.path();
                let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
            }
        }
    }
    copy_sources(Path::new("editors/vscode"), &vscode);
    std::fs::copy(
        "editors/package-vscode.sh",
        editors.join("package-vscode.sh"),
    )
    .unwrap();
    let out = work.join("out/policyc-policy.vsix");
    let _ = std::fs::remove_file(&out);
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    // A relative OUT is taken from the folder the script is run in.
    let o = std::process::Command::new("bash")
        .arg(editors.join("package-vscode.sh"))
        .arg("out/policyc-policy.vsix")
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "package-vscode.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let names = zip_names(&std::fs::read(&out).unwrap());
    for needed in [
        "extension.vsixmanifest",
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/policy.tmLanguage.json",
        "extension/images/icon.png",
        // vsce writes the README under this name.
        "extension/readme.md",
        "extension/node_modules/vscode-languageclient/package.json",
        "extension/node_modules/vscode-languageclient/node.js",
    ] {
        let own: Vec<&String> = names
            .iter()
            .filter(|n| !n.contains("node_modules"))
            .collect();
        assert!(
            names.iter().any(|n| n == needed),
            "{needed} is not in the .vsix: {own:?}"
        );
    }
    // Only what runs: not the packaging tool, nor the lock file.
    for n in &names {
        assert!(
            !n.contains("node_modules/@vscode/vsce") && !n.ends_with("package-lock.json"),
            "{n} is in the .vsix"
        );
    }
}
