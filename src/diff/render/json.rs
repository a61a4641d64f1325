//! A diff for machines (docs/diff.md, "Formats": `json`), and a comparison with a git
//! revision (`{"revision", "same", "files"}`).
//!
//! The fields of every object are declared in alphabetical order, the order the diff
//! has always printed in (its objects were `serde_json::Map`s, which sort their keys);
//! no document promises an order.

use serde::Serialize;
use serde_json::Value;

use super::{all_same, file_status, shown};
use crate::compile::describe::{count_json, Region};
use crate::diff::git::{FileStatus, RevisionDiff};
use crate::diff::{
    Appearing, CVal, CVerdict, Change, InputChange, OneSided, PolicyDiff, Ranking, RankingChange,
    Reason,
};

/// The whole comparison.
#[derive(Debug, Serialize)]
pub struct DiffJson<'a> {
    pub assumptions: Vec<OneSidedJson<'a>>,
    pub compared: Value,
    pub conflicts: Vec<AppearingJson>,
    pub domain: Vec<OneSidedJson<'a>>,
    pub gaps: Vec<AppearingJson>,
    pub input_changes: Vec<InputChangeJson<'a>>,
    pub inputs_only_new: &'a [String],
    pub inputs_only_old: &'a [String],
    pub new: &'a str,
    pub old: &'a str,
    pub outputs: Vec<OutputJson<'a>>,
    pub outputs_only_new: &'a [String],
    pub outputs_only_old: &'a [String],
    pub same: bool,
    pub scope: Vec<OneSidedJson<'a>>,
    pub total: Value,
}

/// A region one side only has, as every region is given: its count (a number, or a
/// string past 64 bits), its condition and an example.
#[derive(Debug, Serialize)]
pub struct OneSidedJson<'a> {
    pub condition: String,
    pub condition_complete: bool,
    pub count: Value,
    pub example: Value,
    /// `old` or `new`.
    pub only_in: &'a str,
}

#[derive(Debug, Serialize)]
pub struct InputChangeJson<'a> {
    pub input: &'a str,
    pub new: &'a str,
    pub old: &'a str,
}

/// One output both policies declare, and the regions where its verdict changes.
#[derive(Debug, Serialize)]
pub struct OutputJson<'a> {
    pub changes: Vec<ChangeJson<'a>>,
    pub count: Value,
    pub old_output: &'a str,
    pub output: &'a str,
    /// The output's precedence (or `exclusive`) changes; absent when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranking_change: Option<RankingChangeJson>,
}

/// `{"old": R, "new": R, "decides": bool, "reordered": [...]}`, each `R` being
/// `{"precedence": [V, ...]}` (highest first), `"exclusive"` or `"none"`.
#[derive(Debug, Serialize)]
pub struct RankingChangeJson {
    pub decides: bool,
    pub new: Value,
    pub old: Value,
    pub reordered: Vec<ReorderedJson>,
}

/// Two values the new precedence ranks the other way round: `above` now ranks above
/// `below`; `decides` is false when no incident is decided by their order today.
#[derive(Debug, Serialize)]
pub struct ReorderedJson {
    pub above: Value,
    pub below: Value,
    pub decides: bool,
}

/// A change to a lower- (`"lowered"`) or higher-ranked (`"raised"`) value, by the
/// precedence of `by` (`old` when it ranks both values); `disputed` when the other
/// side's precedence ranks them the other way round.
#[derive(Debug, Serialize)]
pub struct ShiftJson {
    pub by: &'static str,
    pub direction: &'static str,
    pub disputed: bool,
}

#[derive(Debug, Serialize)]
pub struct ChangeJson<'a> {
    pub condition: String,
    pub condition_complete: bool,
    pub count: Value,
    pub example: Value,
    pub new: VerdictJson,
    pub new_reason: ReasonJson<'a>,
    pub old: VerdictJson,
    pub old_reason: ReasonJson<'a>,
    /// Absent when no precedence ranks both values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<ShiftJson>,
}

/// A verdict: `{"value": V}`, `{"resolved": {"value": V, "over": [V, ...]}}` (a value
/// the policy's precedence chose), `{"gap": true}`, `{"conflict": [V, ...]}` or
/// `{"overlap": [V, ...]}` (rules of an exclusive output overlap).
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictJson {
    Value(Value),
    Resolved { over: Vec<Value>, value: Value },
    Gap(bool),
    Conflict(Vec<Value>),
    Overlap(Vec<Value>),
}

/// Why one side gives its verdict.
#[derive(Debug, Serialize)]
pub struct ReasonJson<'a> {
    pub default: bool,
    pub example_rules: &'a [String],
    pub rules: Vec<RuleJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct RuleJson<'a> {
    pub cites: Option<&'a str>,
    pub name: &'a str,
    pub title: Option<&'a str>,
}

/// Gaps or conflicts of an output appearing and disappearing (incident counts).
#[derive(Debug, Serialize)]
pub struct AppearingJson {
    pub appearing: Value,
    pub disappearing: Value,
    pub output: String,
}

/// The machine form.
pub fn to_json(d: &PolicyDiff) -> DiffJson<'_> {
    let appearing = |list: Vec<Appearing>| -> Vec<AppearingJson> {
        list.into_iter()
            .map(|a| AppearingJson {
                appearing: count_json(a.appearing),
                disappearing: count_json(a.disappearing),
                output: a.output,
            })
            .collect()
    };
    DiffJson {
        assumptions: one_sided(&d.assumptions),
        compared: count_json(d.reads.count(d.compared)),
        conflicts: appearing(d.conflicts()),
        domain: one_sided(&d.domain),
        gaps: appearing(d.gaps()),
        input_changes: d.input_changes.iter().map(input_change).collect(),
        inputs_only_new: &d.inputs_only_new,
        inputs_only_old: &d.inputs_only_old,
        new: &d.new_name,
        old: &d.old_name,
        outputs: d
            .outputs
            .iter()
            .map(|o| OutputJson {
                changes: o.changes.iter().map(change).collect(),
                count: count_json(o.read_count()),
                old_output: &o.old_name,
                output: &o.name,
                ranking_change: o.ranking.as_ref().map(ranking_change),
            })
            .collect(),
        outputs_only_new: &d.outputs_only_new,
        outputs_only_old: &d.outputs_only_old,
        same: d.is_same(),
        scope: one_sided(&d.scope),
        total: count_json(d.reads.count(d.total)),
    }
}

/// The machine form as one line of JSON (without a line break).
pub fn to_string(d: &PolicyDiff) -> String {
    serde_json::to_string(&to_json(d)).unwrap_or_default()
}

fn one_sided(items: &[OneSided]) -> Vec<OneSidedJson<'_>> {
    items
        .iter()
        .map(|o| {
            let (condition, condition_complete, count, example) = region(&o.region);
            OneSidedJson {
                condition,
                condition_complete,
                count,
                example,
                only_in: o.side.word(),
            }
        })
        .collect()
}

/// A region's condition (and whether it is complete), count and example.
fn region(r: &Region) -> (String, bool, Value, Value) {
    (
        r.condition(),
        r.condition_complete,
        count_json(r.read_count()),
        r.example_json(),
    )
}

fn input_change(c: &InputChange) -> InputChangeJson<'_> {
    InputChangeJson {
        input: &c.input,
        new: &c.new,
        old: &c.old,
    }
}

fn change(c: &Change) -> ChangeJson<'_> {
    let (condition, condition_complete, count, example) = region(&c.region);
    ChangeJson {
        condition,
        condition_complete,
        count,
        example,
        new: verdict(&c.new),
        new_reason: reason(&c.new_reason),
        old: verdict(&c.old),
        old_reason: reason(&c.old_reason),
        shift: c.shift.map(|s| ShiftJson {
            by: s.by.word(),
            direction: if s.lowered { "lowered" } else { "raised" },
            disputed: s.disputed,
        }),
    }
}

fn ranking(r: &Ranking) -> Value {
    match r {
        Ranking::None => Value::from("none"),
        Ranking::Exclusive => Value::from("exclusive"),
        Ranking::Precedence(order) => {
            serde_json::json!({ "precedence": order.iter().map(CVal::to_json).collect::<Vec<_>>() })
        }
    }
}

fn ranking_change(r: &RankingChange) -> RankingChangeJson {
    RankingChangeJson {
        decides: r.decides,
        new: ranking(&r.new),
        old: ranking(&r.old),
        reordered: r
            .reordered
            .iter()
            .map(|p| ReorderedJson {
                above: p.above.to_json(),
                below: p.below.to_json(),
                decides: p.decides,
            })
            .collect(),
    }
}

fn verdict(v: &CVerdict) -> VerdictJson {
    match v {
        CVerdict::Value(v) => VerdictJson::Value(v.to_json()),
        CVerdict::Gap => VerdictJson::Gap(true),
        CVerdict::Resolved { value, over } => VerdictJson::Resolved {
            over: over.iter().map(CVal::to_json).collect(),
            value: value.to_json(),
        },
        CVerdict::Conflict(vs) => VerdictJson::Conflict(vs.iter().map(CVal::to_json).collect()),
        CVerdict::Overlap(vs) => VerdictJson::Overlap(vs.iter().map(CVal::to_json).collect()),
    }
}

fn reason(r: &Reason) -> ReasonJson<'_> {
    ReasonJson {
        default: r.default,
        example_rules: &r.example_rules,
        rules: r
            .rules
            .iter()
            .map(|r| RuleJson {
                cites: r.cites.as_deref(),
                name: &r.name,
                title: r.title.as_deref(),
            })
            .collect(),
    }
}

/// A comparison with a git revision (docs/diff.md): every file's status, and its diff
/// when both sides have it.
#[derive(Debug, Serialize)]
pub struct RevisionJson<'a> {
    pub files: Vec<FileJson<'a>>,
    pub revision: &'a str,
    pub same: bool,
}

#[derive(Debug, Serialize)]
pub struct FileJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<DiffJson<'a>>,
    pub path: String,
    /// `same`, `changed`, `added`, `removed`, `module` or `tests` (a file that tests a
    /// policy compared under that policy's file: `tests_policy`).
    pub status: &'static str,
    /// With `tests`: the file, relative to the repository, that states the policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests_policy: Option<String>,
}

/// A comparison with a git revision as one line of JSON (without a line break).
pub fn revision(r: &RevisionDiff) -> String {
    let files = r
        .files
        .iter()
        .map(|(rel, s)| FileJson {
            diff: match s {
                FileStatus::Compared(d) => Some(to_json(d)),
                FileStatus::Added
                | FileStatus::Removed
                | FileStatus::Module
                | FileStatus::Tests(_) => None,
            },
            path: shown(rel),
            status: file_status(s),
            tests_policy: match s {
                FileStatus::Tests(p) => Some(shown(p)),
                _ => None,
            },
        })
        .collect();
    let json = RevisionJson {
        files,
        revision: &r.revision,
        same: all_same(r),
    };
    serde_json::to_string(&json).unwrap_or_default()
}
