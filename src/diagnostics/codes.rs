//! Every diagnostic code, with the long explanation `policyc explain CODE` prints.
//!
//! Codes are grouped by stage: `E00xx` input and files, `E01xx` syntax, `E02xx` names,
//! `E03xx` types, `E04xx` structure and cycles, `E05xx` analysis findings,
//! `W0xxx` warnings. A test checks that every code used in `src/` is listed here and has
//! a fixture under `tests/fixtures/diagnostics/`.

pub struct CodeInfo {
    pub code: &'static str,
    /// One line: what the code is about.
    pub title: &'static str,
    /// Several paragraphs: why it is a problem, an example, and how to fix it.
    pub explanation: &'static str,
}

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    let code = code.trim();
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0001",
        title: "a file could not be read",
        explanation: "policyc could not read a file named on the command line or by a `use`.\n\nCheck that the path exists and is readable. Paths in `use` are resolved relative to the file that contains the `use`.",
    },
    CodeInfo {
        code: "E0002",
        title: "a file is not valid UTF-8",
        explanation: "Policy files must be UTF-8 text. The diagnostic points at the first byte that is not valid UTF-8.\n\nRe-save the file as UTF-8 in your editor.",
    },
    CodeInfo {
        code: "E0003",
        title: "a file is too large",
        explanation: "policyc refuses files larger than 8 MiB: no real policy is that large, and such a file is almost certainly not a policy.\n\nSplit the policy into modules with `use`, or check that the right file was named.",
    },
    CodeInfo {
        code: "E0004",
        title: "no policy files were found",
        explanation: "A folder named on the command line contains no `.policy` files.\n\nName the files directly, or check the path.",
    },
];
