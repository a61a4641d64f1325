//! `policyc explain CODE`

use super::{exit, out_line};
use crate::diagnostics::Code;

pub fn run(code: &str) -> u8 {
    if code.eq_ignore_ascii_case("all") {
        for c in Code::ALL {
            out_line(&format!("{c}  {}", c.title()));
        }
        return exit::OK;
    }
    match Code::lookup(code) {
        Some(info) => {
            out_line(&format!(
                "{info}: {}\n\n{}",
                info.title(),
                info.explanation()
            ));
            exit::OK
        }
        None => {
            eprintln!("error: no diagnostic has the code `{code}`");
            // Codes of the same stage share their first three characters.
            let prefix: String = code.trim().to_ascii_uppercase().chars().take(3).collect();
            let near: Vec<&str> = Code::ALL
                .iter()
                .map(|c| c.as_str())
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
