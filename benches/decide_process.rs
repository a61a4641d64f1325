//! `policyc decide` as a process on 1,000,000 JSON Lines of facts, against a process that
//! reads and writes the same lines with serde_json alone, in one run (issue 3's fourth
//! benchmark). One-shot timings, too long to sample with criterion:
//! `cargo bench --bench decide_process` (`POLICYC_LINES=N` for another count).
//!
//! The baseline is this benchmark's own executable, started again with
//! `--serde-baseline FILE`: both sides then pay for a process, for reading a file and
//! for writing to a pipe.

use std::io::{BufRead, BufWriter, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

/// Reads JSON Lines, parses each with serde_json and writes it back: the I/O floor.
fn serde_baseline(path: &str) -> std::io::Result<()> {
    let input = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in input.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut out, &v)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Runs a command with its output drained, returning the wall time and the bytes out.
fn timed(cmd: &mut Command) -> std::io::Result<(Duration, u64)> {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
    let mut bytes = 0u64;
    if let Some(mut out) = child.stdout.take() {
        bytes = std::io::copy(&mut out, &mut std::io::sink())?;
    }
    child.wait()?;
    Ok((start.elapsed(), bytes))
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--serde-baseline") {
        return match args.get(i + 1) {
            Some(path) => serde_baseline(path),
            None => Ok(()),
        };
    }
    let n: usize = std::env::var("POLICYC_LINES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let Some((_, policy, _)) = common::load() else {
        eprintln!("{} did not check; skipping", common::SEED_POLICY);
        return Ok(());
    };
    let dir = std::env::temp_dir().join(format!("policyc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let facts = dir.join("facts.jsonl");
    std::fs::write(&facts, common::facts_lines(&policy, n, 3))?;
    let me = std::env::current_exe()?;
    let policyc = env!("CARGO_BIN_EXE_policyc");
    let policy_path = common::seed_policy_path();
    // Alternate the two, three times each, so a drift in the machine's speed shows.
    for round in 1..=3 {
        let (d, out_d) = timed(
            Command::new(policyc)
                .arg("decide")
                .arg(&policy_path)
                .arg("--facts")
                .arg(&facts)
                .args(["--format", "json"]),
        )?;
        let (s, out_s) = timed(Command::new(&me).arg("--serde-baseline").arg(&facts))?;
        let rate = |t: Duration| n as f64 / t.as_secs_f64() / 1000.0;
        println!(
            "round {round}: policyc decide {:.2} s ({:.0} k lines/s, {out_d} bytes out); serde_json alone {:.2} s ({:.0} k lines/s, {out_s} bytes out); ratio {:.2}",
            d.as_secs_f64(),
            rate(d),
            s.as_secs_f64(),
            rate(s),
            s.as_secs_f64() / d.as_secs_f64()
        );
    }
    std::fs::remove_dir_all(&dir)
}
