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
    // ---- E05xx / W05xx: compile, analyse, decide (owned by the decision-graph stage) ----
    CodeInfo {
        code: "E0501",
        title: "an output gets no value for some incidents (a gap)",
        explanation: "A single-valued output without a `default` must get a value for every incident in scope that satisfies the assumptions. For the incidents listed, no rule that assigns the output applies (or every such rule is overridden there).\n\nExample:\n\n    output resolution: Resolution\n    rule clear \"No suspicion\" cites \"001 para 6\"\n      when not suspected_aggravation\n      then resolution = outcome_21\n\nHere `resolution` has no value when `suspected_aggravation` is true. The diagnostic gives the whole region as a condition, how many incidents it holds, and one complete example you can paste into `policyc decide --facts`.\n\nFix: add a rule for those incidents, give the output a default (only if the document really says so), or, where the source document is silent, accept the gap with a reason:\n\n    accept gap resolution \"The letter does not say\" when suspected_aggravation",
    },
    CodeInfo {
        code: "E0502",
        title: "two rules give an output different values (a conflict)",
        explanation: "For some incidents, two rules apply and give the same single-valued output different values, and neither overrides the other (directly or through a chain of `overrides`).\n\nExample:\n\n    rule a \"...\" when coercion then resolution = investigation\n    rule b \"...\" when youngest_age >= 13 then resolution = outcome_21\n\nBoth apply to a coerced 14-year-old. The diagnostic names both rules, the values, the region where they overlap and an example incident.\n\nFix: if one rule is an exception to the other, say so with `overrides` (`rule a ... overrides b`); otherwise narrow the conditions so they do not overlap.",
    },
    CodeInfo {
        code: "E0503",
        title: "an assert does not hold",
        explanation: "An `assert` must hold for every incident in scope that satisfies the assumptions. policyc checked every incident exhaustively and found counterexamples; the diagnostic shows how many, the region as a condition, and one complete example.\n\nExample:\n\n    assert coercion_investigated \"Coercion always leads to an investigation\"\n      always coercion implies resolution == investigation\n\nfails if some rule gives `outcome_21` to a coerced incident.\n\nFix: correct the rules so the invariant holds, or correct the assert if it claims more than the document does. Run `policyc decide` on the example to see which rules fired.",
    },
    CodeInfo {
        code: "E0504",
        title: "the decision graph is too large or a relation too expensive to compile",
        explanation: "policyc compiles a policy into a decision graph with a bounded number of nodes (2,000,000) and bounded work for relations between integer inputs, so that an unusual policy fails with this message instead of exhausting memory.\n\nThis happens with very many rules over unrelated inputs, or with linear relations over several wide integer ranges (`a + b + c <= d` over `0..=100000`).\n\nFix: narrow the integer ranges to what the document needs, split a huge policy into several, or simplify relations between many integer inputs.",
    },
    CodeInfo {
        code: "W0501",
        title: "a rule never applies",
        explanation: "No incident that is in scope and satisfies the assumptions meets the rule's condition, so the rule can never fire.\n\nExample:\n\n    scope oldest_age <= 17\n    rule adults \"...\" when oldest_age >= 18 then ...\n\nFix: check the condition against the scope and the assumptions (a typo in a bound is common), or remove the rule.",
    },
    CodeInfo {
        code: "W0502",
        title: "every assignment of a rule is always overridden",
        explanation: "The rule applies to some incidents, but wherever it does, a rule that overrides it (directly or through a chain) also applies and assigns the same outputs, so none of its assignments ever takes effect.\n\nExample:\n\n    rule base \"...\" when coercion then resolution = outcome_21\n    rule exception \"...\" overrides base when coercion then resolution = investigation\n\nFix: remove the rule, or narrow the overriding rule's condition to the real exception.",
    },
    CodeInfo {
        code: "W0503",
        title: "the decision never depends on some inputs",
        explanation: "No outcome of the policy (whether an incident is in scope, and the value of every output) changes with these inputs, so `policyc decide` never asks for them.\n\nThis is expected when a policy imports a shared vocabulary of facts that only other policies use; it is a sign of a missing rule when the source document does use the fact.\n\nFix: add the rules that use the input, or ignore the warning for a shared vocabulary.",
    },
    CodeInfo {
        code: "W0504",
        title: "an accepted gap covers no gap",
        explanation: "An `accept gap` names incidents for which the output is not in fact missing a value (a rule, or a default, decides them), so the acceptance is stale.\n\nExample:\n\n    accept gap resolution \"the letter is silent\" when suspected_aggravation\n\nafter a rule for `suspected_aggravation` was added.\n\nFix: remove the `accept gap`.",
    },
    CodeInfo {
        code: "W0505",
        title: "an accepted gap (a note, not a failure)",
        explanation: "The output gets no value for these incidents, and an `accept gap` says why the policy leaves them open. The gap is listed in every report so readers see it, but it does not fail `policyc check`.\n\nFix: nothing, unless the document has since been clarified; then add the rule and remove the acceptance.",
    },
    CodeInfo {
        code: "E0510",
        title: "facts are not a JSON object",
        explanation: "`policyc decide` reads facts as a JSON object keyed by input name (or, in batch mode, one object per line or a JSON array of objects). The input could not be read as that.\n\nExample of valid facts:\n\n    {\"youngest_age\": 15, \"coercion\": false, \"severity\": \"nude\"}\n\nFix: check the JSON syntax; booleans are `true`/`false`, integers plain numbers, enum values strings.",
    },
    CodeInfo {
        code: "E0511",
        title: "facts name an input the policy does not have",
        explanation: "A key of the facts object is not the name of an input of the policy (or of the vocabulary it uses). A silent default would give a wrong decision, so this is an error.\n\nFix: correct the spelling (the message suggests the closest name), or remove the key.",
    },
    CodeInfo {
        code: "E0512",
        title: "a fact has the wrong type",
        explanation: "The value given for an input does not have the input's type: booleans are `true`/`false`, integer inputs take JSON integers, enum inputs take the variant name as a string.\n\nExample: `{\"coercion\": \"yes\"}` for a `bool` input.\n\nFix: give a value of the input's type.",
    },
    CodeInfo {
        code: "E0513",
        title: "an integer fact is out of its input's range",
        explanation: "Integer inputs have a declared range (`input youngest_age: 0..=99`) and the value given is outside it.\n\nFix: give a value in the range, or widen the range in the vocabulary if real incidents can have such values.",
    },
    CodeInfo {
        code: "E0514",
        title: "an enum fact names no variant",
        explanation: "The string given for an enum input is not one of its variants. The message lists the valid ones.\n\nFix: use one of the listed variant names, spelled exactly.",
    },
    CodeInfo {
        code: "E0515",
        title: "the facts break an assumption",
        explanation: "Every real incident satisfies the policy's `assume` constraints (`assume youngest_age <= oldest_age`). Facts that break one describe an impossible incident, so `policyc decide` refuses them rather than answer.\n\nFix: correct the facts (often two values swapped).",
    },
];
