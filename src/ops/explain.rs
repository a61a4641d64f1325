//! `policyc explain`'s work: the long explanation of a diagnostic code.

use crate::diagnostics::Code;

/// The text for `code` (`all`: a line per code with its title); for a code that is not
/// one, the codes of the same stage (they share their first three characters).
pub fn explain(code: &str) -> Result<String, Vec<&'static str>> {
    if code.eq_ignore_ascii_case("all") {
        let lines: Vec<String> = Code::ALL
            .iter()
            .map(|c| format!("{c}  {}", c.title()))
            .collect();
        return Ok(lines.join("\n"));
    }
    match Code::lookup(code) {
        Some(info) => Ok(format!(
            "{info}: {}\n\n{}",
            info.title(),
            info.explanation()
        )),
        None => {
            let prefix: String = code.trim().to_ascii_uppercase().chars().take(3).collect();
            Err(Code::ALL
                .iter()
                .map(|c| c.as_str())
                .filter(|c| prefix.len() == 3 && c.starts_with(&prefix))
                .collect())
        }
    }
}
