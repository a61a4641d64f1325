//! End to end: `policyc doc` on the bundled policies and a fixture full of HTML, then
//! the pages opened in a real headless browser (Debian's `chromium`), checking what the
//! browser built from them. Skipped with a note where chromium is not installed; the CI
//! script installs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;
use common::temp_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The DOM as the browser built it, serialised.
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text a reader sees: tags dropped, entities decoded (the few the writer uses).
fn visible_text(dom: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in dom.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&nbsp;", " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_report_opens_in_a_browser_with_its_content() {
    let site = temp_dir("site");
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["doc", "policies", "tests/fixtures/export/tiny.policy", "-o"])
        .arg(&site)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in ["index.html", "tiny.html", "devon-cornwall-dorset.html"] {
        assert!(site.join(page).exists(), "{page} was not written");
    }
    let raw = std::fs::read_to_string(site.join("tiny.html")).unwrap();
    assert!(!raw.contains("<script"), "the page itself holds no script");

    let Some(browser) = chromium() else {
        eprintln!("note: chromium is not installed; the report was written and checked as text only (`apt-get install chromium` to run the browser check)");
        return;
    };
    let profile = temp_dir("chromium-profile");

    let dom = dump_dom(&browser, &site.join("tiny.html"), &profile);
    let text = visible_text(&dom);
    // The title, with its markup shown as text, not run.
    assert!(!dom.contains("<script"), "a script element was created");
    assert!(
        text.contains("Tiny <script>alert(\"x\")</script> & 'quotes'"),
        "{text}"
    );
    // The rules in plain language, with their citations.
    assert!(
        text.contains("When coercion , then response is Referred to police & social care and tell police is yes."),
        "{text}"
    );
    assert!(text.contains("para 1: \"<coercion> & grooming\""));
    // The decision graph, drawn inline.
    assert!(dom.contains("<svg"), "no inline SVG");
    assert!(text.contains("How old is the oldest person involved?"));
    // The findings, and the scenarios with their results.
    for finding in [
        "No answer to",
        "conflict",
        "accepted gap",
        "assert fails",
        "dead rule",
    ] {
        assert!(text.contains(finding), "missing finding {finding}");
    }
    assert!(text.contains("passes") && text.contains("fails"));
    assert!(text.contains("A coerced 14-year-old"));

    let index = visible_text(&dump_dom(&browser, &site.join("index.html"), &profile));
    assert!(index.contains("Letter to heads on youth produced sexual imagery and outcome 21"));
    assert!(index.contains("Tiny <script>"));

    let dcd = dump_dom(&browser, &site.join("devon-cornwall-dorset.html"), &profile);
    assert!(dcd.contains("<svg"));
    assert!(visible_text(&dcd).contains("001_791e6c2f890ecd56.txt"));

    let _ = std::fs::remove_dir_all(&site);
    let _ = std::fs::remove_dir_all(&profile);
}
