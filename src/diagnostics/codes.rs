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
    CodeInfo {
        code: "E0101",
        title: "syntax error",
        explanation: "The parser expected something else at this point of a declaration. The message says what it expected and in which declaration, e.g. \"expected `then` after the condition of rule `x`\".\n\nEvery declaration starts with its keyword at the start of a line and ends where the next one begins, so a mistake in one declaration does not hide mistakes in the next.\n\nExample:\n\n    rule escalate \"Escalate\"\n      when coercion\n      response = escalate      // `then` is missing\n\nFix:\n\n    rule escalate \"Escalate\"\n      when coercion\n      then response = escalate\n\nSee docs/language.md for the form of every declaration.",
    },
    CodeInfo {
        code: "E0102",
        title: "a keyword used as a name",
        explanation: "Keywords such as `when`, `then`, `scope` or `default` cannot name an input, output, rule or other declaration, because the parser would not know where a clause begins.\n\nExample:\n\n    input scope: bool\n\nFix: choose another name, such as `in_scope`. docs/language.md lists every keyword.",
    },
    CodeInfo {
        code: "E0103",
        title: "an integer literal is too large",
        explanation: "Integers are 64-bit. A literal outside -9223372036854775808..=9223372036854775807 cannot be represented.\n\nIncident facts are small numbers (ages, counts); check the literal for a typo.",
    },
    CodeInfo {
        code: "E0104",
        title: "nesting too deep",
        explanation: "An expression nests deeper than the parser accepts: more than 256 levels of brackets, prefix operators or `implies`, or an expression tree deeper than 1,024 levels (a very long chain of `and`/`or` counts).\n\nThese limits keep every stage of policyc from exhausting its stack on hostile input. No real policy needs such depth: split the expression into named `define`s, e.g.\n\n    define aggravating = coercion or exploitation or malicious_intent\n    define concern = aggravating or vulnerable",
    },
    CodeInfo {
        code: "E0199",
        title: "internal parser error",
        explanation: "The parser met a parse tree it did not expect. This is a bug in policyc, not in your policy: please report it with the file that caused it.",
    },
    CodeInfo {
        code: "W0100",
        title: "the file declares nothing",
        explanation: "The file is empty or holds only comments. A policy starts with a header:\n\n    policy my_school \"Our sexting policy\"\n      source \"advice.txt\"\n\nfollowed by its inputs, outputs and rules (see docs/language.md).",
    },
    // ---- formatter and language server (E09xx) ----
    CodeInfo {
        code: "E0901",
        title: "internal formatter error",
        explanation: "`policyc fmt` formats a file, parses the result and compares it with the original before writing anything. This error means the comparison failed: the formatted text would have said something different from the original (a lost comment or a changed expression).\n\nThe file is left exactly as it was. This is a bug in policyc, not in your policy: please report it with the file that caused it. Until it is fixed, format that file by hand.",
    },
];
