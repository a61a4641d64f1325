//! `policyc explain CODE`

use super::{exit, out_line};
use crate::diagnostics::codes;

pub fn run(code: &str) -> u8 {
    if code.eq_ignore_ascii_case("all") {
        for c in codes::CODES {
            out_line(&format!("{}  {}", c.code, c.title));
        }
        return exit::OK;
    }
    match codes::lookup(code) {
        Some(info) => {
            out_line(&format!(
                "{}: {}\n\n{}",
                info.code, info.title, info.explanation
            ));
            exit::OK
        }
        None => {
            eprintln!("error: no diagnostic has the code `{code}`");
            // Codes of the same stage share their first three characters.
            let prefix: String = code.trim().to_ascii_uppercase().chars().take(3).collect();
            let near: Vec<&str> = codes::CODES
                .iter()
                .map(|c| c.code)
                .filter(|c| prefix.len() == 3 && c.starts_with(&prefix))
                .collect();
            if !near.is_empty() {
                eprintln!("help: codes of that stage: {}", near.join(", "));
            }
            eprintln!("note: `policyc explain all` lists every code");
            exit::USAGE
        }
    }
}
