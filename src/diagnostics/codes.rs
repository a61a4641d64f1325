//! Every diagnostic code, with the long explanation `policyc explain CODE` prints.
//!
//! Codes are grouped by stage: `E00xx` input and files, `E01xx` syntax, `E02xx` names,
//! `E03xx` types, `E04xx` structure and cycles, `E05xx` analysis findings and what
//! `decide` refuses (its facts, a module), `E06xx` diff, `E09xx` internal errors; `W00xx`
//! and `W01xx` warnings of the parser and checker, `W05xx` those of the analyses. A code
//! is a [`Code`], so a misspelt code does not compile and every code has its explanation
//! beside it; `tests/diagnostics.rs` checks that every code has a fixture under
//! `tests/fixtures/diagnostics/`, but for the few it lists that no file can show.

use std::fmt;

use serde::{Serialize, Serializer};

/// Declares [`Code`] from one table, so the enum, its spelling, its title and its
/// explanation cannot drift apart.
macro_rules! codes {
    ($($code:ident => { title: $title:expr, explanation: $explanation:expr $(,)? },)*) => {
        /// A diagnostic code, such as `E0201`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in the order `policyc explain all` lists them.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as written, `E0201`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// One line: what the code is about.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$code => $title,)*
                }
            }

            /// Several paragraphs: why it is a problem, an example, and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$code => $explanation,)*
                }
            }
        }
    };
}

impl Code {
    /// The code written as `code` (any case, surrounding spaces ignored).
    pub fn lookup(code: &str) -> Option<Code> {
        let code = code.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(code))
    }

    pub fn is_warning(self) -> bool {
        self.as_str().starts_with('W')
    }
}

// Ordered by spelling, so diagnostics sorted by code come out as they always did.
impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

codes! {
    // ---- files and input (E00xx) ----
    E0001 => {
        title: "a file could not be read",
        explanation: "policyc could not read a file named on the command line or by a `use`.\n\nCheck that the path exists and is readable. Paths in `use` are resolved relative to the file that contains the `use`, and must lead to regular files: a named pipe or a device could keep policyc waiting forever.\n\nWhen a `use` fails, the help offers the nearest `.policy` file in the folder the path names, and the names the program uses that no other file declares are listed on this error rather than reported one by one (the missing file may declare them): fix the path, and they are checked.",
    },
    E0002 => {
        title: "a file is not valid UTF-8",
        explanation: "Policy files must be UTF-8 text. The diagnostic points at the first byte that is not valid UTF-8.\n\nRe-save the file as UTF-8 in your editor.",
    },
    E0003 => {
        title: "a file is too large",
        explanation: "policyc refuses files larger than 8 MiB: no real policy is that large, and such a file is almost certainly not a policy.\n\nSplit the policy into modules with `use`, or check that the right file was named.",
    },
    E0004 => {
        title: "no policy files were found",
        explanation: "A folder named on the command line contains no `.policy` files.\n\nName the files directly, or check the path.",
    },
    // ---- syntax (E01xx) ----
    E0101 => {
        title: "syntax error",
        explanation: "The parser expected something else at this point of a declaration. The message says what it expected and in which declaration, e.g. \"expected `then` after the condition of rule `x`\".\n\nEvery declaration starts with its keyword at the start of a line and ends where the next one begins, so a mistake in one declaration does not hide mistakes in the next.\n\nExample:\n\n    rule escalate \"Escalate\"\n      when coercion\n      response = escalate      // `then` is missing\n\nFix:\n\n    rule escalate \"Escalate\"\n      when coercion\n      then response = escalate\n\nSee docs/language.md for the form of every declaration.",
    },
    E0102 => {
        title: "a keyword used as a name",
        explanation: "Keywords such as `when`, `then`, `scope` or `default` cannot name an input, output, rule or other declaration, because the parser would not know where a clause begins.\n\nExample:\n\n    input scope: bool\n\nFix: choose another name, such as `in_scope`. docs/language.md lists every keyword.",
    },
    E0103 => {
        title: "an integer literal is too large",
        explanation: "Integers are 64-bit. A literal outside -9223372036854775808..=9223372036854775807 cannot be represented.\n\nIncident facts are small numbers (ages, counts); check the literal for a typo.",
    },
    E0104 => {
        title: "nesting too deep",
        explanation: "An expression nests deeper than the parser accepts: more than 256 levels of brackets, prefix operators or `implies`, or an expression tree deeper than 1,024 levels (a very long chain of `and`/`or` counts).\n\nThese limits keep every stage of policyc from exhausting its stack on hostile input. No real policy needs such depth: split the expression into named `define`s, e.g.\n\n    define aggravating = coercion or exploitation or malicious_intent\n    define concern = aggravating or vulnerable",
    },
    E0199 => {
        title: "internal parser error",
        explanation: "The parser met a parse tree it did not expect. This is a bug in policyc, not in your policy: please report it with the file that caused it.",
    },
    // ---- names (E02xx) ----
    E0201 => {
        title: "a name is declared twice",
        explanation: "Inputs, outputs, defines, rules, asserts and scenarios share one namespace, and enums have another: each name can be declared once in a program (a file and every file it `use`s). The diagnostic points at the second declaration and labels the first, which may be in another file.\n\nExample:\n\n    input coercion: bool\n    rule coercion \"Coercion means escalation\"\n      when coercion\n      then response = escalate\n\nFix: rename one of them, e.g. `rule coercion_escalates`. If a shared vocabulary already declares the input, remove the copy from the policy.",
    },
    E0202 => {
        title: "an enum lists a variant twice",
        explanation: "Each variant of an enum is listed once; a repeated variant is almost always a copy-and-paste slip.\n\nExample:\n\n    enum Severity { semi_nude, nude, nude, sexual_act }\n\nFix: remove the repeated variant:\n\n    enum Severity { semi_nude, nude, sexual_act }",
    },
    E0203 => {
        title: "a name is not declared",
        explanation: "An expression, a `then`, a `given`, an `expect` or an `accept gap` names something that no declaration in the program declares. The help suggests the closest declared name of the right kind when there is one.\n\nExample:\n\n    input coercion: bool\n    rule r \"Coercion\" cites \"002\"\n      when coersion            // misspelt\n      then escalate = true\n\nFix: correct the spelling (`when coercion`), declare the name, or `use` the file that declares it.",
    },
    E0204 => {
        title: "a type is not declared",
        explanation: "The type of an input or output is `bool`, an integer range such as `0..=99`, `set of E` (outputs only), or the name of an enum. This name is none of these.\n\nExample:\n\n    input previous: Previus\n\nFix: correct the name, or declare the enum:\n\n    enum Previous { none, earlier_incident, police_warned }\n    input previous: Previous\n\nIntegers are declared with their range (`input age: 0..=99`), never as `int`.",
    },
    E0205 => {
        title: "a name is not a variant of the enum expected here",
        explanation: "Variant names are resolved by the type the context expects: in `severity == nude` the name `nude` is looked up among the variants of the enum of `severity`, so two enums may share a variant name such as `none`. Here the name is not a variant of the expected enum. The diagnostic lists the variants that would fit.\n\nExample:\n\n    enum Response { escalate, manage_in_school }\n    output response: Response\n    rule r \"Escalate\" cites \"002\"\n      when coercion\n      then response = escalated     // not a variant of Response\n\nA name that a variant lengthens (`severity == sexual` for `sexual_act`) is suggested too. When the enum is declared in a file this one `use`s (a shared vocabulary, the interface of every policy that uses it), the help does not suggest adding the value: that is a change to the shared file, not to this policy.\n\nFix: use one of the listed variants (`response = escalate`), or, for an enum of this file, add the new value to the enum.",
    },
    E0206 => {
        title: "a name refers to the wrong kind of declaration",
        explanation: "A name is declared, but not as what this place needs: `then` and `expect` name outputs, `given` names inputs, `overrides` names rules, and expressions read inputs, defines and (in asserts) outputs. A rule, assert or scenario is never a value.\n\nExample:\n\n    input coercion: bool\n    output escalate: bool\n    scenario s \"Coerced\"\n      given escalate = true        // an output, not an input\n      expect coercion = true       // an input, not an output\n\nFix: put facts about the incident under `given` and decisions under `expect`:\n\n    scenario s \"Coerced\"\n      given coercion = true\n      expect escalate = true",
    },
    E0207 => {
        title: "an imported policy reads an input this policy does not declare",
        explanation: "`use \"npcc.policy\" as npcc` imports another policy's decisions, which asserts read as `npcc.OUTPUT`. Both policies must decide the same incidents, so every input the imported policy reads must be an input of this policy too.\n\nExample:\n\n    // npcc.policy declares `input vulnerable: bool`; this policy does not.\n    use \"npcc.policy\" as npcc\n\nFix: declare the input here too; usually both policies `use` one shared vocabulary file (`use \"incident.policy\"`), which declares every input once.",
    },
    E0209 => {
        title: "an input declared ignored is read",
        explanation: "`ignore a, b \"reason\"` states that the policy deliberately does not read these inputs (usually facts of a shared vocabulary its document never uses), and `policyc check` then stops noting them as unused (W0503). The statement must be true: a rule, scope or `accept gap` that reads the input (directly or through a define), or an assumption or define of the policy's own file that reads it, makes it untrue. (An assumption of a `use`d vocabulary constrains what an incident can be for every policy and is not a read; asserts and scenarios speak about the policy and are not reads either.)\n\nExample:\n\n    ignore image_online \"002's characteristics do not include it\"\n    define unnamed_fact = exploitation or image_online\n\nThe labels show each place that reads the input (up to four), and the `ignore` that names it.\n\nFix: if the policy does use the fact, remove it from the `ignore`. Remove the reading instead only if the document does not speak of the fact: that changes what the rules decide (a coercion test taken out of a referral rule refers fewer incidents), and `policyc diff` on the two versions shows which incidents change.",
    },
    // ---- types and values (E03xx) ----
    E0301 => {
        title: "mismatched types",
        explanation: "The two sides of a comparison, or a value and the input or output it is given to, have different types. There is no implicit conversion between booleans, integers and enums. A secondary label shows the declaration that gave the other side its type.\n\nExample:\n\n    input coercion: bool\n    rule r \"Coercion\" cites \"002\"\n      when coercion == 1\n      then escalate = true\n\nFix: compare values of one type: `when coercion` (or `coercion == true`); for an enum, compare with one of its variants.",
    },
    E0302 => {
        title: "`and`, `or`, `not` or `implies` applied to something that is not a condition",
        explanation: "The logical operators combine conditions (`bool` values). An integer, an enum value or a set is not a condition on its own.\n\nExample:\n\n    input youngest_age: 0..=99\n    define young = not youngest_age\n\nFix: turn the value into a condition with a comparison first:\n\n    define young = not (youngest_age >= 13)",
    },
    E0303 => {
        title: "arithmetic on something that is not an integer",
        explanation: "`+`, `-` and `*` apply to integer inputs, integer defines and integer literals. Booleans and enums have no numeric value, and outputs cannot take part in arithmetic (compare an integer output with a value instead).\n\nExample:\n\n    input coercion: bool\n    input exploitation: bool\n    define factors = coercion + exploitation\n\nFix: count with conditions instead, or compare directly:\n\n    define aggravating = coercion or exploitation",
    },
    E0304 => {
        title: "a product of two inputs",
        explanation: "Integer arithmetic in a policy is linear: in a product, one side must be a constant. Linear conditions keep every analysis (gaps, conflicts, asserts) exact and fast.\n\nExample:\n\n    define risk = youngest_age * oldest_age >= 200\n\nFix: multiply by constants only, e.g. `2 * oldest_age - youngest_age >= 20`, or state the condition another way (a range on each age).",
    },
    E0305 => {
        title: "`<`, `<=`, `>` or `>=` on values that have no order",
        explanation: "Only integers are ordered. Booleans, enum variants and sets can be compared with `==` and `!=` but not with `<`; the declaration order of an enum's variants is not a ranking.\n\nExample:\n\n    enum Severity { semi_nude, nude, sexual_act, extreme }\n    input severity: Severity\n    define serious = severity >= sexual_act\n\nFix: list the variants that qualify:\n\n    define serious = severity in {sexual_act, extreme}",
    },
    E0306 => {
        title: "`in {..}` on something that is not an enum value",
        explanation: "`x in {a, b}` tests whether an enum input (or, in an assert, an enum output) is one of the listed variants. The left side here is not an enum value, or the right side is not a set of variants or a range.\n\nExample:\n\n    input youngest_age: 0..=99\n    define teen = youngest_age in {13, 14, 15}\n\nFix: for integers, use a range: `youngest_age in 13..=15`. To test whether a `set of` output holds a variant, use `contains`: `likely_outcomes contains outcome_21`.",
    },
    E0307 => {
        title: "`in LO..=HI` on something that is not an integer",
        explanation: "A range `LO..=HI` tests an integer, and can only appear after `in`. The left side here is a boolean or an enum value.\n\nExample:\n\n    input severity: Severity\n    define serious = severity in 2..=3\n\nFix: for an enum, list the variants: `severity in {sexual_act, extreme}`.",
    },
    E0308 => {
        title: "`contains` on something that is not a set output",
        explanation: "`s contains v` tests whether the `set of` output `s` holds the variant `v` (in asserts). The left side here is not a set output.\n\nExample:\n\n    output response: Response\n    assert a \"Escalation is possible\"\n      always response contains escalate\n\nFix: for a single-valued output or an input, use `==` or `in`: `always response == escalate`.",
    },
    E0309 => {
        title: "a condition that is not `bool`",
        explanation: "`when`, `assume`, `scope`, `always` and the `when` of an `accept gap` take a condition. An integer, an enum value or a variant name alone is not one.\n\nExample:\n\n    input youngest_age: 0..=99\n    scope youngest_age\n\nFix: compare the value: `scope youngest_age <= 17`. For an enum, compare it with a variant: `when severity == nude`.",
    },
    E0310 => {
        title: "an output read outside an assert",
        explanation: "Rules decide outputs from inputs, and the analyses treat each rule's condition as a question about the incident alone. A condition that read an output would make the decision depend on itself. Only asserts, which state what every decision satisfies, may read outputs.\n\nExample:\n\n    rule r \"Record what is escalated\" cites \"002\"\n      when response == escalate\n      then record_incident = true\n\nFix: test the inputs that lead to escalation instead; a define can name that condition and both rules can use it:\n\n    define concern = coercion or vulnerable\n    rule r \"Record concerns\" cites \"002\"\n      when concern\n      then record_incident = true",
    },
    E0311 => {
        title: "integer overflow",
        explanation: "Constants are folded when the policy is checked, with 64-bit integers; this computation does not fit.\n\nExample:\n\n    define huge = 9223372036854775807 + 1\n\nFix: use smaller numbers. Incident facts (ages, counts) are small.",
    },
    E0312 => {
        title: "an integer outside the declared range",
        explanation: "An integer input or output is declared with a range, such as `0..=99`. A literal outside that range, compared with the input, given as a fact, or assigned or expected for an output, can never match: such a comparison is always true or always false, and such a scenario or assignment is impossible. A secondary label shows the declared range.\n\nExample:\n\n    input youngest_age: 0..=99\n    scope youngest_age < 120\n\nFix: use a value within the range (`scope youngest_age <= 17`), or widen the declared range if it is too narrow.",
    },
    E0313 => {
        title: "an empty range",
        explanation: "A range `LO..=HI` includes both bounds and needs `LO <= HI`. With the bounds swapped it contains nothing: as a type it would leave the input without any value, and after `in` it would never match.\n\nExample:\n\n    input youngest_age: 99..=0\n\nFix: write the smaller bound first: `input youngest_age: 0..=99`.",
    },
    E0314 => {
        title: "a single value given to a set, or a set given to a single value",
        explanation: "A `set of E` output is assigned and expected as a set in braces, even when it holds one variant; any other output holds exactly one value and is never given a set.\n\nExample:\n\n    output likely_outcomes: set of Outcome\n    rule r \"Outcome 21\" cites \"001 para 6\"\n      when not coercion\n      then likely_outcomes = outcome_21\n\nFix: `then likely_outcomes = {outcome_21}`. For a single-valued output, drop the braces: `response = escalate`.",
    },
    E0315 => {
        title: "an expression where a constant value is needed",
        explanation: "`then`, `given`, `expect` and `default` take constant values: `true`, `false`, an integer, a variant name, or a set of variants. An output cannot be assigned the value of an input or of an expression.\n\nExample:\n\n    output response: Response\n    rule r \"Copy\" cites \"002\"\n      then response = previous\n\nFix: write one rule per case, each assigning a constant:\n\n    rule r \"Escalate repeat incidents\" cites \"002\"\n      when previous != none\n      then response = escalate",
    },
    E0316 => {
        title: "an output assigned twice in one rule",
        explanation: "A rule gives each output one value. Assigning it twice in one `then` is either a slip or two different decisions that belong in two rules.\n\nExample:\n\n    rule r \"Escalate\" cites \"002\"\n      when coercion\n      then response = escalate, response = manage_in_school\n\nFix: remove one assignment, or split the rule into two rules with their own conditions.",
    },
    E0317 => {
        title: "a fact given twice in a scenario",
        explanation: "A scenario describes one incident, so each input has at most one value in its `given`.\n\nExample:\n\n    scenario s \"Coerced teenager\"\n      given coercion = true, youngest_age = 15, coercion = false\n      expect response = escalate\n\nFix: remove one of the facts; to cover both values, write two scenarios, or leave the input out (facts left out are checked for every value).",
    },
    E0318 => {
        title: "an output expected twice in a scenario",
        explanation: "A scenario states one expectation per output: a value, or `undecided`.\n\nExample:\n\n    scenario s \"Coerced\"\n      given coercion = true\n      expect response = escalate, response = manage_in_school\n\nFix: remove one of the expectations.",
    },
    E0319 => {
        title: "a define that is neither a condition nor an integer",
        explanation: "A define names a condition (`coercion or exploitation`) or an integer expression (`oldest_age - youngest_age`). An enum value, a variant or a set cannot be named by a define.\n\nExample:\n\n    define worst = severity\n\nFix: name the condition you need: `define worst = severity == extreme`.",
    },
    E0320 => {
        title: "a set type where it is not allowed",
        explanation: "`set of E` is the type of an output that collects variants of the enum `E`. An input is one fact about an incident and has one value, and the elements of a set must be enum variants.\n\nExample:\n\n    input factors: set of Factor\n\nFix: declare one `bool` input per factor (`input coercion: bool`, `input exploitation: bool`), or an enum input if exactly one value applies.",
    },
    E0321 => {
        title: "an enum without variants",
        explanation: "An input of an enum type takes one of its variants. An enum without variants has no values, so no incident could ever give such an input a value.\n\nExample:\n\n    enum Previous {}\n\nFix: list the possible values: `enum Previous { none, earlier_incident, police_warned }`.",
    },
    E0322 => {
        title: "an imported policy reads an input with another type",
        explanation: "An input that this policy and a policy it imports with `use ... as` both declare must have the same type in both (the same range, or an enum with the same variants in the same order): otherwise one incident of this policy is not one incident of the imported policy.\n\nExample:\n\n    // here:      input youngest_age: 0..=17\n    // imported:  input youngest_age: 0..=99\n\nFix: declare the input once, in a vocabulary file both policies `use`.",
    },
    E0323 => {
        title: "a `precedence` or `exclusive` that does not fit its output",
        explanation: "An output may declare what happens where two rules' assignments to it overlap: `precedence a > b` (the higher value wins) or `exclusive` (no two rules may overlap at all). Each fits only some outputs:\n\n- `precedence` ranks the values of a single-valued `bool` or enum output; an integer's values are not choices to rank, and a set output collects every value, so there is nothing to choose;\n- `exclusive` fits any single-valued output, not a set output (which collects every value the applying rules add, by design);\n- an output says once how rules that give it different values are settled: `precedence` and `exclusive` exclude each other (one lets rules overlap, the other forbids it), and a clause written twice is one too many.\n\nExample:\n\n    output likely_outcomes: set of Outcome\n      precedence outcome_1 > outcome_21\n\nTwo `precedence` clauses usually come from settling two conflicts one at a time; keeping one would bring back the conflicts the other settles. The help merges them instead: when one order keeps both (`precedence refer_immediately > refer_after_review` and `precedence refer_after_review > manage_in_setting`), it offers `precedence refer_immediately > refer_after_review > manage_in_setting` as a fix; when the clauses leave some values unranked against each other, it shows two orders that keep both, to choose from by the document, and says of an order that ranks a value named as managing above one named as a referral that it does so (a reader choosing between two offers must not take the less protective one by accident); when they rank some values in opposite orders, it says they contradict and shows the order that keeps the first clause and the one that keeps the second.\n\nFix: remove the clause, keep the one the document supports, or, for two precedences, merge them into the one order the document gives.",
    },
    E0324 => {
        title: "a value listed twice in a precedence",
        explanation: "A precedence ranks each value of the output once, highest first; a value listed twice would have two ranks.\n\nExample:\n\n    output response: Response\n      precedence escalate > manage_in_school > escalate\n\nFix: remove one of the two, choosing with care: which one you remove decides the ranking. Removing the first gives `manage_in_school > escalate`; removing the second gives `escalate > manage_in_school` (highest first). The help shows both results.",
    },
    // ---- structure and cycles (E04xx) ----
    E0401 => {
        title: "a cycle of `use`",
        explanation: "A file `use`s another, which (directly or through others) `use`s the first again. The diagnostic names the chain and labels each `use` along it.\n\nExample: `a.policy` contains `use \"b.policy\"` and `b.policy` contains `use \"a.policy\"`.\n\nFix: move the declarations both files need into a third file (a vocabulary) that each of them uses, and remove the `use` that closes the cycle.",
    },
    E0402 => {
        title: "more than one `policy` header",
        explanation: "A program (a file and every file it uses) states one policy, so it has at most one `policy` header. Shared vocabularies that several policies `use` have no header. A secondary label shows the first header.\n\nExample: `school.policy` starts with `policy school \"...\"` and also contains `use \"police.policy\"`, which starts with `policy police \"...\"`.\n\nFix: remove one header, or move the declarations both policies share into a vocabulary file without a header and `use` that instead.",
    },
    E0403 => {
        title: "the `policy` header is not the first declaration",
        explanation: "The header names the policy and its source document, so it comes before every other declaration of its file (doc comments and ordinary comments may precede it).\n\nExample:\n\n    input coercion: bool\n    policy school \"A school policy\"\n\nFix: move the header to the top of the file.",
    },
    E0404 => {
        title: "`overrides` names something that is not a rule",
        explanation: "`overrides` lists the rules whose assignments this rule replaces where both apply. The name is not declared, or is declared as something other than a rule. The help suggests the closest rule name.\n\nExample:\n\n    rule base \"Outcome 21\" cites \"001 para 6\"\n      then resolution = outcome_21\n    rule aggravated \"Investigate\" cites \"001 para 9\"\n      overrides bsae\n      when coercion\n      then resolution = investigation\n\nFix: correct the rule name: `overrides base`.",
    },
    E0405 => {
        title: "a rule overrides itself",
        explanation: "A rule overrides other rules: where both apply, its assignments win. Overriding itself has no meaning and is a slip.\n\nExample:\n\n    rule aggravated \"Investigate\" cites \"001 para 9\"\n      overrides aggravated\n      when coercion\n      then resolution = investigation\n\nFix: remove the name from `overrides`, or name the base rule this exception replaces.",
    },
    E0406 => {
        title: "rules override each other in a cycle",
        explanation: "Overrides say which rule wins where two rules apply. If `a` overrides `b` and `b` (directly or through other rules) overrides `a`, neither can win. The diagnostic names the chain and labels each `overrides` along it.\n\nExample:\n\n    rule a \"A\" cites \"001\" overrides b when coercion then resolution = investigation\n    rule b \"B\" cites \"001\" overrides a when exploitation then resolution = outcome_21\n\nFix: decide which rule is the exception and keep only its `overrides`.",
    },
    E0407 => {
        title: "a define depends on itself",
        explanation: "A define stands for its expression wherever it is used; a define that refers to itself, directly or through other defines, would never finish expanding. The diagnostic names the chain and labels each reference along it.\n\nExample:\n\n    define concern = aggravating or vulnerable\n    define aggravating = coercion or concern\n\nFix: write out the condition without the loop, e.g. `define aggravating = coercion or exploitation`.",
    },
    E0408 => {
        title: "a module imported with `as`",
        explanation: "`use \"file.policy\" as name` imports a policy's decisions (its outputs), so the file must be a policy, with a `policy` header. A module (a shared vocabulary without a header) has no decisions.\n\nExample:\n\n    use \"incident.policy\" as incident\n\nFix: to share a module's declarations, write `use \"incident.policy\"` without `as`.",
    },
    // ---- analysis findings and decide (E05xx) ----
    E0501 => {
        title: "an output gets no value for some incidents (a gap)",
        explanation: "A single-valued output without a `default` must get a value for every incident in scope that satisfies the assumptions. For the incidents listed, no rule that assigns the output applies (or every such rule is overridden there).\n\nExample:\n\n    output resolution: Resolution\n    rule clear \"No suspicion\" cites \"001 para 6\"\n      when not suspected_aggravation\n      then resolution = outcome_21\n\nHere `resolution` has no value when `suspected_aggravation` is true. The diagnostic gives the whole region as a condition, how many incidents it holds, and one complete example you can paste into `policyc decide --facts`.\n\nFix: add a rule for those incidents, give the output a default (only if the document really says so), or, where the source document is silent, accept the gap with a reason:\n\n    accept gap resolution \"The letter does not say\" when suspected_aggravation",
    },
    E0502 => {
        title: "two rules give an output different values (a conflict)",
        explanation: "For some incidents, two rules apply and give the same single-valued output different values, and neither overrides the other (directly or through a chain of `overrides`).\n\nExample:\n\n    rule a \"...\" when coercion then resolution = investigation\n    rule b \"...\" when youngest_age >= 13 then resolution = outcome_21\n\nBoth apply to a coerced 14-year-old. The diagnostic names both rules, the values, the region where they overlap and an example incident, and what the example would get with either rule overriding the other and, for a `bool` or enum output, with a precedence in either order. Each option also says what it does to the whole region, not only the example (\"all 2,581,733,376 incidents of the region get `response` = manage_in_setting from these two rules\"), so that an option that lowers a response for many incidents is not hidden behind one example; none is preferred. Which rule is written first says nothing about which is the exception, so no direction is proposed. Past 100 pairs over one output, one more diagnostic counts the rest per pair of values.\n\nOn an output with a `precedence`, two rules conflict only when one of their values is not ranked (where both are, the precedence decides: W0506): the help recommends extending the precedence.\n\nFix: if the document makes one rule the exception to the other, say so with `overrides` on it (`rule a ... overrides b`); if it ranks the values (\"if in doubt, refer\"), declare or extend the output's `precedence`; otherwise narrow the conditions so they do not overlap.",
    },
    E0503 => {
        title: "an assert does not hold",
        explanation: "An `assert` must hold for every incident in scope that satisfies the assumptions. policyc checked every incident exhaustively and found counterexamples; the diagnostic shows how many, the region as a condition, and one complete example.\n\nExample:\n\n    assert coercion_investigated \"Coercion always leads to an investigation\"\n      always coercion implies resolution == investigation\n\nfails if some rule gives `outcome_21` to a coerced incident.\n\nFix: correct the rules so the invariant holds, or correct the assert if it claims more than the document does. Run `policyc decide` on the example to see which rules fired.",
    },
    E0504 => {
        title: "the decision graph or an analysis is too large to compute exactly",
        explanation: "policyc compiles a policy into a decision graph with a bounded number of nodes (2,000,000), outcomes that list at most 16,000,000 rules in all (each outcome names the set of rules that apply: many rules over few inputs can overlap in millions of ways within the node limit) and bounded work for relations between integer inputs, so that an unusual policy fails with this message instead of exhausting memory.\n\nThis happens with very many rules over unrelated inputs, or with linear relations over several wide integer ranges (`a + b + c <= d` over `0..=100000`).\n\nPolicies of many rules are analysed with boxes instead of diagrams (see docs/analysis.md). There, counting the incidents an output leaves without a value is a bounded search (at most 30,000 splits per count, stopped sooner when it stops making progress, or makes it too slowly to finish within 30 times that); when the gap region is too fragmented to count, the message says so and, when the search found one, gives an incident that gets no value and a counted part of the gap around it, so the gap is still proven. `policyc check --count-budget N` gives each count N splits instead, spent whole (about 400 bytes of memory per split), to count gaps more fragmented than the default allows.\n\nWhen only the decision graph is too large, the analyses still run: `policyc check` does not build the graph (its size is a limit of the tool, not a finding about the policy). The commands that need it (`graph`, `doc`, `decide` and `test`) build it and report this when it is too large. Then `policyc decide` still answers facts that fix every input the rules, scope and assumptions read, by reading the rules (other partial facts need the graph: E0516). `policyc test` judges scenarios the same way: one whose facts fix those inputs is decided by reading the rules; one that leaves some open fails, naming them. Asserts are still proven and rule coverage still measured; leaf coverage and the exported graph need the graph.\n\nFix: narrow the integer ranges to what the document needs, split a huge policy into several, or simplify relations between many integer inputs.",
    },
    E0505 => {
        title: "no incident is in scope and satisfies the assumptions",
        explanation: "The analyses look at every incident that is in scope and satisfies every `assume`. When none is, the policy decides nothing: every rule would be dead, every input unused and every assert would hold, vacuously. policyc reports this one error instead of those findings.\n\nExample:\n\n    assume youngest_age <= oldest_age\n    scope oldest_age <= 17 and youngest_age >= 18\n\nNo incident has a youngest person of 18 or more and an oldest of 17 or less. With `assume coercion and not coercion` the assumptions alone contradict each other.\n\nFix: widen the scope to the incidents the policy speaks to, or correct the assumption that excludes real incidents.",
    },
    E0506 => {
        title: "rules overlap on an exclusive output",
        explanation: "An output declared `exclusive` (DMN's *unique* hit policy) says that no two rules assigning it ever apply to one incident, unless one overrides the other (directly or through a chain). For these incidents two rules' assignments are both effective: an error with its region, a count and an example, whether the values are equal or not (an equal value is still two rules where the policy says there is one). `policyc decide` gives such an incident no value for the output.\n\nExample:\n\n    output eligibility: Eligibility\n      exclusive\n    rule young \"...\" when age <= 15 then eligibility = support\n    rule vulnerable \"...\" when vulnerable then eligibility = support\n\nBoth apply to a vulnerable 14-year-old.\n\nTwo rules that decide the same everywhere (one rule written twice) are reported once, as this error, not also as redundant (W0507): its help then says which to keep, with both citations.\n\nFix: narrow the conditions so that they do not overlap, say which rule is the exception with `overrides`, or remove `exclusive` if the document lets the cases overlap.",
    },
    E0510 => {
        title: "facts are not a JSON object",
        explanation: "`policyc decide` reads facts as a JSON object keyed by input name (or, in batch mode, one object per line or a JSON array of objects). The input could not be read as that.\n\nExample of valid facts:\n\n    {\"youngest_age\": 15, \"coercion\": false, \"severity\": \"nude\"}\n\nFix: check the JSON syntax; booleans are `true`/`false`, integers plain numbers, enum values strings.",
    },
    E0511 => {
        title: "facts name an input the policy does not have",
        explanation: "A key of the facts object is not the name of an input of the policy (or of the vocabulary it uses). A silent default would give a wrong decision, so this is an error. A key that names a define (`any_point`) or an output (`response`) is said to be one: the policy works those out from the inputs, and the help names the inputs a define is made of.\n\nFix: correct the spelling (the message suggests the closest name), give the inputs a define is made of instead of the define, or remove the key.",
    },
    E0512 => {
        title: "a fact has the wrong type",
        explanation: "The value given for an input does not have the input's type: booleans are `true`/`false`, integer inputs take JSON integers, enum inputs take the variant name as a string.\n\nExample: `{\"coercion\": \"yes\"}` for a `bool` input.\n\nFix: give a value of the input's type.",
    },
    E0513 => {
        title: "an integer fact is out of its input's range",
        explanation: "Integer inputs have a declared range (`input youngest_age: 0..=99`) and the value given is outside it.\n\nFix: give a value in the range, or widen the range in the vocabulary if real incidents can have such values.",
    },
    E0514 => {
        title: "an enum fact names no variant",
        explanation: "The string given for an enum input is not one of its variants. The message lists the valid ones.\n\nFix: use one of the listed variant names, spelled exactly.",
    },
    E0515 => {
        title: "the facts break an assumption",
        explanation: "Every real incident satisfies the policy's `assume` constraints (`assume youngest_age <= oldest_age`). Facts that break one describe an impossible incident, so `policyc decide` refuses them rather than answer.\n\nFix: correct the facts (often two values swapped).",
    },
    E0516 => {
        title: "partial facts for a policy whose decision graph is too large",
        explanation: "`policyc decide` answers partial facts from the decision graph: it finds every completion of the facts and the questions that still matter. When a policy's graph cannot be built within its limits (E0504: the node limit, the work or 64-bit arithmetic of compiling a relation between integer inputs, an input range too wide), decide reads the rules directly instead, which needs every fact the rules, the scope and the assumptions read (the others may be left out: no decision depends on them; an accepted gap is named as accepted when the facts give what its condition reads, as with the graph).\n\nFix: give the missing facts (the message lists them), or split the policy so that its graph fits.",
    },
    E0517 => {
        title: "a fact is given more than once",
        explanation: "A key appears twice in one facts object (`{\"severity\": \"nude\", \"severity\": \"semi_nude\"}`). JSON leaves the meaning of a repeated key open: some readers keep the first value, some the last. Deciding on either could answer a different incident from the one the writer meant, so `policyc decide` refuses the facts and names the key (in a batch, only that line).\n\nFix: give each fact once; check the program that writes the facts for a field it adds twice.",
    },
    E0518 => {
        title: "`decide` or `graph` was given a module, not a policy",
        explanation: "The file named to `policyc decide` or `policyc graph` has no `policy` header and no rules: it is a module, a shared vocabulary of enums and inputs that policies `use`. It decides nothing, so every incident would get an empty decision and its graph would be one empty box; this is refused rather than answered.\n\nFix: name the policy that `use`s the module (`policyc decide npcc.policy --facts incident.json`, `policyc graph npcc.policy`). A file without a header that has rules is still decided and drawn.",
    },
    // ---- diff (E06xx) ----
    E0601 => {
        title: "an input has types the diff cannot compare",
        explanation: "`policyc diff` compares two policies incident by incident, matching their inputs by name. An input declared with a different kind of type on each side (a `bool` in one, an enum or an integer range in the other) cannot be matched: there is no one incident that gives it a value on both sides.\n\nDifferent integer ranges (`0..=17` and `0..=99`) and enums with different variants are fine: the diff compares over the union of the values and reports the incidents only one side can describe.\n\nExample:\n\n    // old.policy\n    input previous: bool\n    // new.policy\n    input previous: Previous\n\nFix: give the input one kind of type in both policies, or rename it in one of them if it now means something else.",
    },
    E0602 => {
        title: "a diff argument or mapping is wrong",
        explanation: "`policyc diff` takes two policy files, or `--git REV` and the working-tree paths to compare. `--map OLD=NEW` compares the old output `OLD` with the new output `NEW`; `--map-value OUTPUT:OLD=NEW` reads the old value `OLD` of `OUTPUT` as `NEW`; `--map-file FILE` holds such mappings, one a line (`output OLD=NEW`, `value OUTPUT:OLD=NEW`, `#` comments). This error names an argument that is malformed, or an output or value that one of the policies does not have.\n\nExample:\n\n    policyc diff old.policy new.policy --map resolution=outcome\n\nfails if the new policy has no output `outcome`.\n\nFix: check the spelling against the policies' `output` declarations and their enums.",
    },
    E0603 => {
        title: "a git revision cannot be read",
        explanation: "`policyc diff --git REV` reads the policies of revision `REV` with git (`git cat-file blob REV:path`). This fails outside a git repository, when git is not installed, or when the repository does not know the revision.\n\nIn CI, a shallow clone often lacks the base branch. Fetch it first:\n\n    git fetch --no-tags --depth=1 origin main\n    policyc diff --git origin/main policies/\n\nFix: run inside the repository, and name a revision that `git rev-parse REV` accepts.",
    },
    // ---- internal errors (E09xx) ----
    E0901 => {
        title: "internal formatter error",
        explanation: "`policyc fmt` formats a file, parses the result and compares it with the original before writing anything. This error means the comparison failed: the formatted text would have said something different from the original (a lost comment or a changed expression).\n\nThe file is left exactly as it was. This is a bug in policyc, not in your policy: please report it with the file that caused it. Until it is fixed, format that file by hand.",
    },
    // ---- warnings of the parser and checker (W00xx, W01xx) ----
    W0001 => {
        title: "a declaration is never used",
        explanation: "An enum, input or define of the checked file is never used: no input or output has the enum's type; no rule, define, assume, scope, accept gap, assert or scenario reads the input; nothing refers to the define. It is often a leftover or a misspelt use. Files that only declare a shared vocabulary (no header, no rules) are not warned about, since policies that `use` them are the users.\n\nExample:\n\n    input widely_distributed: bool     // no rule reads it\n\nFix: use it where the policy means to (`when widely_distributed`), or remove it.",
    },
    W0002 => {
        title: "an output is never assigned",
        explanation: "No rule assigns this output. Without a default every incident in scope is a gap for it; with a default every incident gets the default, so the output decides nothing; a set output is always empty.\n\nExample:\n\n    output record_incident: bool        // no rule sets it\n\nFix: add the rules that decide it, e.g.\n\n    rule record_all \"Record every incident\" cites \"002\"\n      then record_incident = true\n\nor remove the output. An output without a default whose gaps an `accept gap` accepts (a document that names a decision and never makes it) is left undecided on purpose and gets no warning.",
    },
    W0003 => {
        title: "a rule does not cite its source",
        explanation: "Every rule encodes a paragraph of a source document, and `cites` says which one, so that a reviewer can check the rule against the text and the report can justify each decision.\n\nExample:\n\n    rule escalate \"Coercion means escalation\"\n      when coercion\n      then response = escalate\n\nA blank citation (`cites \"\"`) is reported the same way: it cites nothing.\n\nFix: add the citation after the title:\n\n    rule escalate \"Coercion means escalation\"\n      cites \"002 'external coercion'\"\n      when coercion\n      then response = escalate",
    },
    W0004 => {
        title: "an accepted gap that can never occur",
        explanation: "`accept gap OUTPUT` accepts incidents where the output gets no value. An output with a `default` always has a value, and a `set of` output is empty (not undecided) when no rule adds to it, so neither ever has a gap and the acceptance does nothing.\n\nExample:\n\n    output record_incident: bool default true\n    accept gap record_incident \"Not covered by the letter\"\n\nFix: remove the `accept gap`, or remove the default if the gap is what you mean to record.",
    },
    W0005 => {
        title: "`expect undecided` on a set output",
        explanation: "`expect undecided OUTPUT` holds when the output gets no value or conflicting values. A `set of` output is never undecided: it collects every value the applying rules add, and is empty when none adds to it. So the expectation fails for every incident, whatever the rules say.\n\nExample:\n\n    output likely_outcomes: set of Outcome\n    scenario none \"No outcome is likely\"\n      given coercion = false\n      expect undecided likely_outcomes\n\nFix: expect the set you mean, for instance the empty set (`expect likely_outcomes = {}`), or expect `undecided` of a single-valued output.",
    },
    W0006 => {
        title: "a reason, citation or title is blank",
        explanation: "The reason of an `ignore` or an `accept gap`, the citation of a `judgement`, a rule's or scenario's title, and the policy's title, `source` and `version` are there for a reader: why the policy leaves these facts out, why it leaves these incidents undecided, which paragraph leaves the matter to a person, what the rule does. An empty or blank string (`\"\"`, `\"   \"`), or one without a letter or digit (`\"-\"`), says nothing, yet a missing one would not pass (a missing reason or citation is a syntax error). Most of all, `ignore coercion \"\"` would silence the note that the decision never depends on coercion without saying why.\n\nExample:\n\n    ignore coercion \"\"\n    accept gap response \" \" when suspected_aggravation\n\nFix: write the reason or citation, from the document (`ignore coercion \"002 does not name coercion\"`); for a rule, write its title or leave the title out.",
    },
    W0007 => {
        title: "an input is listed twice in `ignore`",
        explanation: "`ignore a, b \"reason\"` lists the inputs the policy deliberately does not read. An input listed twice in one declaration is most often a slip for another input the writer meant to list (`ignore coercion, coercion` for `ignore coercion, exploitation`). An input ignored in two declarations has two reasons, and only the first is kept (the report shows it). The warning names both places.\n\nFix: remove the second mention, or put the input that was meant in its place; for two declarations, keep one, with the reason the document gives.",
    },
    W0008 => {
        title: "two files declare the same policy name",
        explanation: "Two policy files checked together (`policyc check FOLDER`) have the same name in their `policy` headers, most often a draft or old copy of a policy left beside it. Tests, JUnit suites, `--filter` and the HTML report know a policy by its name, so their results would read as one policy's. `policyc test` tells them apart by file (`oak_lane (mine/oak2.policy)::teen`) when this happens, but the names are still ambiguous to a reader.\n\nFix: remove the copy, or move it out of the folder that is checked; if both are policies in their own right, give one of them another name.",
    },
    W0009 => {
        title: "a policy declares no output: it decides nothing",
        explanation: "A file with a `policy` header is a policy: what it decides is its outputs, and this one declares none (in its own file or a `use`d one). A file that compares imported policies (`use \"npcc.policy\" as npcc`) decides nothing of its own but states asserts about their decisions: it is warned about only when it has no assert. (An assert in a file with neither outputs nor imports speaks only of inputs, and is no decision.) Every incident is then \"decided\" with nothing in the decision, no gap or conflict can be found, and `policyc check` would otherwise pass it as clean. Most often it is a policy begun and not yet written, or a file of shared facts given a header it does not need.\n\nExample:\n\n    policy oak_lane \"Oak Lane School\"\n    use \"incident.policy\"\n\nFix: declare what the document decides and the rules that decide it:\n\n    output response: Response\n    rule refer \"Coercion: refer at once\"\n      cites \"paragraph 2\"\n      when coercion\n      then response = refer_immediately\n\nA file of facts that policies `use` (a vocabulary, like `incident.policy`) needs no `policy` header: remove it.",
    },
    W0100 => {
        title: "the file declares nothing",
        explanation: "The file is empty or holds only comments. A policy starts with a header:\n\n    policy my_school \"Our sexting policy\"\n      source \"advice.txt\"\n\nfollowed by its inputs, outputs and rules (see docs/language.md).",
    },
    // ---- analysis notes and warnings (W05xx) ----
    W0501 => {
        title: "a rule never applies",
        explanation: "No incident that is in scope and satisfies the assumptions meets the rule's condition, so the rule can never fire.\n\nExample:\n\n    scope oldest_age <= 17\n    rule adults \"...\" when oldest_age >= 18 then ...\n\nFix: check the condition against the scope and the assumptions (a typo in a bound is common), or remove the rule.",
    },
    W0502 => {
        title: "a rule, or one assignment of it, is always overridden or outranked",
        explanation: "The rule applies to some incidents, but wherever it does, none of its assignments decides: each is overridden (a rule that overrides it, directly or through a chain, also applies and assigns the same output) or outranked (another applying rule gives the output a value its `precedence` ranks higher, and every value applying there is ranked).\n\nThe same warning names a single assignment that never takes effect in a rule whose other assignments do (\"the assignment `response = refer_immediately` of rule `refer` never takes effect\"). The rule still records the incident, say, but no incident is ever referred by it.\n\nExample:\n\n    rule base \"...\" when coercion then resolution = outcome_21\n    rule exception \"...\" overrides base when coercion then resolution = investigation\n\nor, with `output response: Response precedence escalate > manage_in_school`:\n\n    rule refer \"...\" when coercion then response = escalate\n    rule manage \"...\" when coercion and nude then response = manage_in_school\n\nHere `manage` is reported: wherever it applies, `refer` applies too and `escalate` ranks higher.\n\nFix: when the cause is a precedence, check its order first: the help says which values it ranks above which; if the document ranks them the other way, reverse the precedence. When the cause is an override, narrow the overriding rule's condition to the real exception, or remove the `overrides` if the document does not make it an exception. Remove the rule (or the assignment) only if the document does not call for it: removing a safeguarding rule makes the policy less protective.",
    },
    W0503 => {
        title: "the decision never depends on some inputs",
        explanation: "No outcome of the policy (whether an incident is in scope, and the value of every output) changes with these inputs, and no `accept gap` reads them, so `policyc decide` never asks for them. (An input only an acceptance reads is not reported: `decide` says whether a gap is accepted, and two acceptances of one gap can be told apart by it. A file without outputs that imports policies with `use ... as` only relates their decisions in asserts and is not reported.) An assumption of a `use`d vocabulary is not a read: it says what an incident can be for every policy that uses it, so an input only such an assumption mentions (`assume youngest_age <= oldest_age`, in a policy that never reads the ages) is listed too; the policy's own assumptions are reads.\n\nThis is expected when a policy imports a shared vocabulary of facts that only other policies use; it is a sign of a missing rule when the source document does use the fact.\n\nFix: add the rules that use the input; or, when the document deliberately does not use the fact, say so with the reason: `ignore image_online \"002's characteristics do not include it\"`, and the input is no longer listed (E0209 makes sure nothing reads it).",
    },
    W0504 => {
        title: "an accepted gap covers no gap",
        explanation: "An `accept gap` names incidents for which the output is not in fact missing a value (a rule, or a default, decides them), so the acceptance is stale.\n\nExample:\n\n    accept gap resolution \"the letter is silent\" when suspected_aggravation\n\nafter a rule for `suspected_aggravation` was added.\n\nFix: remove the `accept gap`.",
    },
    W0506 => {
        title: "rules disagree and precedence decides (a note)",
        explanation: "Two rules give an output different values for these incidents, neither overriding the other, and the output's `precedence` settles it: the higher value wins. This is what the precedence is for (\"if in doubt, refer\"), so it is a note, never a failure; it is listed so that the overlap is not hidden: the note names both rules, the value that wins, the region, a count and an example. `policyc decide` on such an incident names every rule involved and says which value won by precedence over which.\n\nA rule whose every assignment always loses this way is reported as dead (W0502).\n\nThe help names the rule that loses (with its title) and how many incidents get the higher value instead, so that a precedence ranked the wrong way round (\"manage in school\" above \"refer at once\") is visible.\n\nFix: check the order of the precedence against the document; if it ranks the losing value higher, reverse the precedence. Nothing to do if the document ranks the values so.",
    },
    W0507 => {
        title: "a rule is redundant: removing it changes no decision",
        explanation: "Wherever the rule applies, the policy decides every output the same without it: other rules give the same values (or, with a `precedence`, values ranked higher), or the output's default does, and no assignment the rule overrides would come back. The warning names the rules that cover it. `overrides` is taken into account as everywhere else: a rule that beats an exception's target is not redundant if the target would then decide. A rule that shares only one assignment with another (both record the incident, say) is not redundant: its other assignments still decide.\n\nExample (a decision table's row written twice):\n\n    rule r1 \"Row 1\" cites \"row 1\" when property1 in {input1} then output_ = output_\n    rule r2 \"Row 2\" cites \"row 2\" when property1 in {input1} then output_ = output_\n\nTwo rules that decide the same are each redundant alone, not both: they are reported once, as a pair, with the suggestion to keep the first and give it both citations (`cites \"row 1; row 2\"`). When a rule is covered by rules that are redundant too, remove one rule at a time and check again.\n\nRules that never apply or are always overridden are reported as dead instead (W0501, W0502).\n\nOn a large policy, a rule met by very many assignments of the outputs it decides is not compared exactly; such rules are named in one note with this code (\"N rule(s) were not checked for redundancy\"), so that the absence of W0507 is never read as proof that no rule is redundant.\n\nWhen the cover is the output's default, or a rule whose value the precedence ranks higher, the rule's own decision is not repeated anywhere: removing it hands its incidents to the default (which also answers every incident no rule speaks to) or to the higher-ranked value. The help then says so instead of offering to move the citation: keep the rule if the document states its decision, and ask whether the default belongs at all.\n\nFix: remove the rule (moving its citation to the rule that decides the same), or, if it was meant to decide something of its own, correct its condition or values.",
    },
    W0505 => {
        title: "an accepted gap (a note, not a failure)",
        explanation: "The output gets no value for these incidents, and an `accept gap` says why the policy leaves them open. The gap is listed in every report so readers see it, but it does not fail `policyc check`.\n\nFix: nothing, unless the document has since been clarified; then add the rule and remove the acceptance.",
    },
    W0508 => {
        title: "an `accept gap` without `when`",
        explanation: "`accept gap OUTPUT \"reason\"` without `when` accepts every incident the output gets no value for: the gap the reason was written for, any other gap the output has now, and every gap a later edit opens (a rule narrowed, a value removed). None of them is then an error; each is only a note (W0505). For a safeguarding output that is rarely what the reason says.\n\nAn output no rule assigns is not warned about: it has no value anywhere, and accepting all of it says that the document never decides it.\n\nExample:\n\n    accept gap response \"the document is silent about suspected aggravation\"\n\nThe warning says how many incidents the acceptance covers now, with their condition and an example, and the help offers the `when` of the whole gap as it is now, ready to add. That is the gap, not what the reason speaks of: where the rules also leave vulnerable children and incidents with an adult undecided, it offers\n\n    accept gap response \"the document is silent about suspected aggravation\"\n      when (not coercion and vulnerable) or (oldest_age >= 18 and not coercion)\n\nwhich would accept those incidents under a reason about suspected aggravation. What the reason supports is narrower:\n\n    accept gap response \"the document is silent about suspected aggravation\"\n      when suspected_aggravation\n\nand the rest of the gap is then an error (E0501), to be decided by a rule.\n\nFix: add a `when` that describes the incidents the reason speaks of. Use the offered condition only if the reason covers all of it, otherwise write the narrower condition the document supports.",
    },
    W0509 => {
        title: "a precedence makes managing, or not referring, win over a referral",
        explanation: "Where rules disagree, the output's `precedence` gives some incidents a value named as managing without a referral (`manage_in_setting`, `no_action`) instead of one named as a referral (`refer_immediately`, `escalate`, `police`), or, on a yes/no output named as a referral (`immediate_referral`, `caid_referral`, `report_to_police`), `false` instead of `true`. A yes/no output is judged only when its name is a referral and otherwise says only to whom or how soon: in `referral_withheld`, `delay_referral` or `police_already_aware` the value `true` makes no referral, so they are never judged, nor is one whose doc comment negates the referral (`/// true: we do not refer`; a negation of something else, `/// refer at once, do not wait for consent`, does not count). A name of who made a referral (`notify_referrer`) is no referral.\n\nEach pair of rules the precedence decides is a note (W0506): that is what a precedence is for. But a precedence ranked the wrong way round (\"manage in school\" above \"refer at once\") reads the same as a right one in those notes, and a note passes `policyc check --deny warnings`. policyc cannot know in general which value is the more protective; the language's only order is the precedence itself. Safeguarding values say what they do in their names, so where one value is named as a referral and the other as managing, and the managing one wins, this warning is given once per output and pair of values; so is `precedence false > true` on a yes/no output whose name says it refers, where it decides a disagreement. Values whose names say neither, or both, are never warned about, nor is a yes/no output whose name says neither (`parents_informed`), is negated (`no_referral`) or holds a referral back (`referral_withheld`).\n\nExample:\n\n    enum Response { refer_immediately, manage_in_setting }\n    output response: Response\n      precedence manage_in_setting > refer_immediately\n    rule refer_points \"One of the five points: refer at once\" when any_point then response = refer_immediately\n    rule manage \"DSL confident\" when dsl_confident then response = manage_in_setting\n\nA coerced pupil whose DSL is confident is managed in school. The same with a yes/no output:\n\n    output immediate_referral: bool default false\n      precedence false > true\n\nFix: if the document ranks a referral higher (\"if in doubt, refer\"), reverse the precedence. If the document makes managing (or not referring) the exception for these incidents, say so with `overrides` on the managing rule (`rule manage ... overrides refer_points`): the exception is then stated for those rules only, and a later rule that refers is not outranked by managing without anyone deciding so.",
    },
}
