//! The `data` of the analyses' diagnostics: what machines read of a finding (`policyc
//! check --format json`, SARIF result properties). One enum, so that the whole shape is
//! in one place; `kind` names the variant. A region's count, example, condition and
//! whether the condition is complete ([`RegionData`]) sit beside the other keys.

use serde::Serialize;

use crate::analyse::DeadReason;
use crate::compile::describe::{Count, RegionData};

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Data<'p> {
    /// `E0501`, `W0505`: incidents an output gets no value for.
    Gap {
        #[serde(flatten)]
        region: RegionData,
        output: &'p str,
        accepted: bool,
    },
    /// `W0504`: an `accept gap` that covers no gap.
    StaleAcceptance { output: &'p str },
    /// `W0508`: an `accept gap` without `when` that covers a gap.
    Unconditional { output: &'p str },
    /// `E0502`: two rules giving an output different values.
    Conflict {
        #[serde(flatten)]
        region: RegionData,
        output: &'p str,
        rules: [&'p str; 2],
        values: [serde_json::Value; 2],
    },
    /// `W0506`: two rules giving an output different values, settled by its
    /// precedence for `winner`.
    Resolved {
        #[serde(flatten)]
        region: RegionData,
        output: &'p str,
        rules: [&'p str; 2],
        values: [serde_json::Value; 2],
        winner: serde_json::Value,
    },
    /// `E0506`: two rules both assigning an `exclusive` output (the values may be
    /// equal).
    Overlap {
        #[serde(flatten)]
        region: RegionData,
        output: &'p str,
        rules: [&'p str; 2],
        values: [serde_json::Value; 2],
    },
    /// `W0509`: a precedence that makes a managing value win over a referral, for
    /// `pairs` pairs of rules (each a `W0506`).
    ReferralOutranked {
        output: &'p str,
        winner: serde_json::Value,
        loser: serde_json::Value,
        pairs: usize,
    },
    /// `E0502`, `W0506`, `E0506`: the pairs over an output past the listed ones.
    ConflictsNotListed {
        output: &'p str,
        pairs: usize,
        by_values: Vec<ValuePairs>,
    },
    /// `W0501`, `W0502`; `by` (the rules that win) only when always overridden or
    /// outranked; `outranked_by` (the rules whose values a precedence ranks higher)
    /// only when outranked.
    DeadRule {
        rule: &'p str,
        reason: DeadReason,
        #[serde(skip_serializing_if = "Option::is_none")]
        by: Option<Vec<&'p str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        outranked_by: Option<Vec<&'p str>>,
    },
    /// `W0502`: an assignment that never takes effect, of a rule whose other
    /// assignments do; `by` and `outranked_by` as for a dead rule.
    DeadAssignment {
        rule: &'p str,
        output: &'p str,
        value: serde_json::Value,
        reason: DeadReason,
        by: Vec<&'p str>,
        outranked_by: Vec<&'p str>,
    },
    /// `W0507`: a rule whose removal changes no decision, the rules that decide the
    /// same where it applies and whether the default does somewhere; `twin`: a rule
    /// that decides exactly what it does (either may go, not both).
    RedundantRule {
        rule: &'p str,
        covered_by: Vec<&'p str>,
        by_default: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        twin: Option<&'p str>,
    },
    /// `W0503`.
    UnusedInputs { inputs: Vec<&'p str> },
    /// `E0503`: the incidents that break an assert.
    Assert {
        #[serde(flatten)]
        region: RegionData,
        assert: &'p str,
    },
    /// `E0504`: what was not finished (`gaps`, `conflicts`, `dead_rules`,
    /// `unused_inputs`, `assert`), over which output if any; for gaps proven but not
    /// counted, the proof.
    Unfinished {
        analysis: &'static str,
        output: Option<&'p str>,
        #[serde(flatten)]
        proven: Option<ProvenGaps>,
    },
    /// `E0505`.
    NoValidIncident { assumptions_contradict: bool },
}

/// How many conflicting pairs of rules give one pair of values.
#[derive(Serialize)]
pub(super) struct ValuePairs {
    pub(super) values: [serde_json::Value; 2],
    pub(super) pairs: usize,
}

/// Gaps that exist but could not be counted: one incident in them and, when one was
/// counted, a part of them around it.
#[derive(Serialize)]
pub(super) struct ProvenGaps {
    /// Always true: present so that a reader need not know the other keys.
    pub(super) gaps_exist: bool,
    pub(super) example: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) part: Option<Part>,
}

#[derive(Serialize)]
pub(super) struct Part {
    pub(super) count: Count,
    pub(super) condition: String,
}
