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
        text.contains("When coercion , then response is “Referred to police & social care” and tell police is yes."),
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
    // The source document by its number, as the citations name it; never its hash file name.
    assert!(visible_text(&dcd).contains("document 001"));
    assert!(!visible_text(&dcd).contains("791e6c2f890ecd56"));

    let _ = std::fs::remove_dir_all(&site);
    let _ = std::fs::remove_dir_all(&profile);
}

/// Where the browser checks' pictures go: `target/screenshots/`, for a person (and the
/// issue's reviewer) to look at.
fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    // Pictures are overwritten, not the folder removed: a reviewer's notes beside them
    // (REVIEW.md) stay.
    let _ = std::fs::remove_dir_all(dir.join("site"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The bundled policies that have a decision graph (the shared vocabulary, a module,
/// has none).
fn bundled_policies() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = ["policies", "policies/compare", "examples"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| l.starts_with("policy "))
        })
        .collect();
    v.sort();
    v
}

fn run_policyc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The JavaScript checks of tests/browser/ (puppeteer-core driving the system Chromium,
/// axe-core, the Mermaid library GitHub renders with), or why they cannot run.
fn browser_tools() -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if chromium().is_none() {
        return Err("chromium is not installed".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node is not installed".into());
    }
    for package in ["puppeteer-core", "axe-core", "mermaid"] {
        if !dir.join("node_modules").join(package).exists() {
            return Err(format!(
                "tests/browser/node_modules/{package} is missing (`npm ci` in tests/browser; .ci/run does it)"
            ));
        }
    }
    Ok(dir)
}

/// In one headless Chromium session: a picture of every page of the report and of every
/// bundled policy's SVG (in `target/screenshots/`), axe-core on every page (no WCAG A or
/// AA violation, nor best practice), and every bundled policy's Mermaid graph through
/// Mermaid's own parser and renderer, no label re-wrapped by Mermaid.
#[test]
fn pictures_accessibility_and_mermaid_of_every_bundled_policy() {
    let tools = match browser_tools() {
        Ok(dir) => dir,
        Err(why) => {
            eprintln!(
                "note: the browser checks (screenshots, axe-core, Mermaid) are skipped: {why}"
            );
            return;
        }
    };
    let shots = screenshots_dir();
    let site = shots.join("site");
    let policies = bundled_policies();
    let mut args: Vec<&str> = vec!["doc"];
    let names: Vec<String> = policies.iter().map(|p| p.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    args.push("policies/incident.policy");
    args.push("-o");
    let site_arg = site.display().to_string();
    args.push(&site_arg);
    let o = run_policyc(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let url = |p: &Path| format!("file://{}", p.canonicalize().unwrap().display());
    let mut screenshots = Vec::new();
    let mut axe = Vec::new();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    for page in &pages {
        let stem = page.file_stem().unwrap().to_string_lossy().into_owned();
        axe.push(url(page));
        // The first screen as a reader opens the page, and the whole page in pictures
        // of 2,000 pixels (page-NAME-01.png, -02, ...).
        screenshots.push(serde_json::json!({
            "url": url(page), "out": shots.join(format!("page-{stem}.png")),
            "width": 1280, "height": 900, "full": false,
        }));
        screenshots.push(serde_json::json!({
            "url": url(page), "out": shots.join(format!("page-{stem}-part.png")),
            "width": 1280, "height": 900, "tile": 2000,
        }));
    }
    let mut mermaid = Vec::new();
    for policy in &policies {
        let stem = policy.file_stem().unwrap().to_string_lossy().into_owned();
        let file = policy.display().to_string();
        let o = run_policyc(&["graph", &file, "--format", "svg"]);
        assert!(
            o.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let svg = String::from_utf8(o.stdout).unwrap();
        let svg_path = shots.join(format!("{stem}.svg"));
        std::fs::write(&svg_path, &svg).unwrap();
        // The window as wide as the drawing (at most 1,600 pixels) and as tall as it
        // then is: the SVG scales to its window.
        let view_box: Vec<f64> = svg
            .split("viewBox=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|x| x.parse().unwrap())
            .collect();
        let width = view_box[2].min(1600.0);
        let height = (view_box[3] * width / view_box[2]).min(12_000.0);
        screenshots.push(serde_json::json!({
            "url": url(&svg_path), "out": shots.join(format!("svg-{stem}.png")),
            "width": width.ceil() as u64, "height": height.ceil() as u64, "full": false,
        }));
        // Mermaid: the whole graph, or each output where the whole is longer than
        // Mermaid renders (policyc refuses it, saying so).
        let whole = run_policyc(&["graph", &file, "--format", "mermaid"]);
        if whole.status.success() {
            mermaid.push(serde_json::json!({
                "name": stem, "text": String::from_utf8(whole.stdout).unwrap(),
                "out": shots.join(format!("mermaid-{stem}.png")),
            }));
        } else {
            assert!(String::from_utf8_lossy(&whole.stderr).contains("Mermaid"));
            let text = std::fs::read_to_string(policy).unwrap();
            for line in text.lines().filter(|l| l.starts_with("output ")) {
                let name = line[7..].split(':').next().unwrap().trim();
                let o = run_policyc(&["graph", &file, "--format", "mermaid", "--output", name]);
                assert!(
                    o.status.success(),
                    "{file} {name}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                mermaid.push(serde_json::json!({
                    "name": format!("{stem}-{name}"), "text": String::from_utf8(o.stdout).unwrap(),
                    "out": shots.join(format!("mermaid-{stem}-{name}.png")),
                }));
            }
        }
    }
    let job = shots.join("job.json");
    std::fs::write(
        &job,
        serde_json::json!({"screenshots": screenshots, "axe": axe, "mermaid": mermaid}).to_string(),
    )
    .unwrap();
    let out = Command::new("node")
        .arg(tools.join("check.mjs"))
        .arg(&job)
        .env("CHROMIUM", chromium().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the browser checks failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut problems = Vec::new();
    for (page, violations) in result["axe"].as_object().unwrap() {
        for v in violations.as_array().unwrap() {
            problems.push(format!("axe on {page}: {v}"));
        }
    }
    assert_eq!(result["axe"].as_object().unwrap().len(), pages.len());
    for (name, m) in result["mermaid"].as_object().unwrap() {
        if let Some(e) = m.get("error") {
            problems.push(format!("Mermaid rejects {name}: {e}"));
            continue;
        }
        for label in m["labels"].as_array().unwrap() {
            if label["shown"].as_u64() > label["written"].as_u64() {
                problems.push(format!("Mermaid re-wraps a label of {name}: {label}"));
            }
        }
    }
    assert_eq!(result["mermaid"].as_object().unwrap().len(), mermaid.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for s in screenshots.iter().filter(|s| s.get("tile").is_none()) {
        let path = PathBuf::from(s["out"].as_str().unwrap());
        assert!(path.exists(), "no picture {}", path.display());
    }
    assert!(result["tiles"].as_array().unwrap().len() >= pages.len());
    eprintln!(
        "note: {} pictures in {}; axe found nothing on {} pages; Mermaid drew {} graphs",
        screenshots.len(),
        shots.display(),
        pages.len(),
        mermaid.len()
    );
}
