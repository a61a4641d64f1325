//! `policyc explain CODE`

use super::{exit, out_line};

pub fn run(code: &str) -> u8 {
    match crate::ops::explain::explain(code) {
        Ok(text) => {
            out_line(&text);
            exit::OK
        }
        Err(near) => {
            eprintln!("error: no diagnostic has the code `{code}`");
            if !near.is_empty() {
                eprintln!("help: codes of that stage: {}", near.join(", "));
            }
            eprintln!("note: `policyc explain all` lists every code");
            exit::USAGE
        }
    }
}
