//! Redundant rules: a rule whose removal changes no decision of any output for any
//! valid incident (W0507).
//!
//! No remove-and-recheck of the policy: a rule `r` can change a decision only where it
//! applies, and only of the outputs it assigns (overriding is per output). There,
//! removing it takes away its own effective assignments and gives back the assignments
//! it alone overrode (those of the rules it overrides, directly or through a chain,
//! that no other applying overrider beats; the chain through `r` is kept, as in a
//! policy where `r` merely never applies). So for each output of `r`, the output's
//! verdict is compared with and without `r` over the assignments that meet `r`'s
//! condition: a multi-terminal diagram whose terminals are the sets of assignments
//! present, each side's set turned into a verdict as the decision graph makes it, built
//! only where the two sides present different values (elsewhere the verdicts agree). The
//! work per rule is a pass over the assignments to its outputs (an intersection test
//! each, as the conflicts make) and diagram operations on the few that meet it.

use crate::check::ir::{IdxVec, OutputDef, OutputId, OutputTy, Policy, RuleId, Value, VariantId};
use crate::compile::graph::{Outcome, Verdict};
use crate::compile::{CResult, Compiler};
use crate::mdd::{hash::FxHashMap, BoolOp, NodeId, FALSE};

/// A rule whose removal changes no decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedundantRule {
    pub rule: RuleId,
    /// The rules whose assignments decide what it decides wherever it is effective:
    /// giving the same value (or, for a set output, the same members), or a value the
    /// precedence ranks higher; in declaration order.
    pub covered_by: Vec<RuleId>,
    /// Somewhere only the output's default gives what it gives.
    pub by_default: bool,
    /// A rule that is redundant too and covered by this one alone, as this one is by
    /// it: the two are one rule written twice. Each may go, not both; the pair is
    /// reported once, on the first (`rule`), with the second here.
    pub twin: Option<RuleId>,
}

/// How a quick proof chooses a value among the runs a level still allows: the lowest,
/// the highest, the middle of the middle run.
#[derive(Clone, Copy)]
enum Probe {
    Lowest,
    Highest,
    Middle,
}

const PROBES: [Probe; 3] = [Probe::Lowest, Probe::Highest, Probe::Middle];

impl crate::mdd::Choose for Probe {
    fn choose(&self, _level: usize, runs: &[(u32, u32)]) -> u32 {
        match self {
            Probe::Lowest => runs.first().map_or(0, |x| x.0),
            Probe::Highest => runs.last().map_or(0, |x| x.1),
            Probe::Middle => runs
                .get(runs.len() / 2)
                .map_or(0, |x| x.0 + (x.1 - x.0) / 2),
        }
    }

    fn choose_lazily(&self, level: usize, leads: &mut crate::mdd::Leads<'_>) -> Option<u32> {
        match self {
            Probe::Lowest => leads.first_at_or_above(0),
            Probe::Highest => leads.last_at_or_below(u32::MAX),
            Probe::Middle => {
                let runs = leads.runs();
                runs.first()?;
                Some(self.choose(level, &runs))
            }
        }
    }
}

/// The states a walk of [`changes_where_alone`] past the assignments that share a
/// value ([`crate::mdd::Mdd::avoiding`]) may visit before the difference is built.
const MAX_STATES: usize = 20_000;

/// One assignment present somewhere, as the verdict reads it: the rule and the value.
type Label = (RuleId, Value);

/// Per output, its assignments: (rule, which of the rule's assignments, where it is effective).
type AssignsOf = IdxVec<OutputDef, Vec<(RuleId, usize, NodeId)>>;

/// Rules whose comparison would take more than this many assignments meeting them (of
/// one output) are left unsettled: on large random policies every rule meets hundreds,
/// and none of them is redundant; real policies stay far below.
pub const MAX_MEETING: usize = 32;

/// The most pairs of (assignment of a rule, assignment to the same output) the search
/// takes on: the synthetic policies of 2,000 rules over 8 outputs are about 500,000 and
/// take under 2 s; a decision table of 1,500 rows on one output is 2,250,000 and took
/// minutes.
pub const MAX_WORK: usize = 600_000;

/// Every rule (applying somewhere, not in `dead`) whose removal changes no decision,
/// twins paired; and the rules left unsettled (more than [`MAX_MEETING`] assignments
/// meet them and no quick proof showed them needed).
pub fn redundant_rules(
    c: &mut Compiler<'_>,
    dead: &[RuleId],
) -> CResult<(Vec<RedundantRule>, Vec<RuleId>)> {
    let mut unsettled = Vec::new();
    let policy = c.policy;
    let mut found: Vec<RedundantRule> = Vec::new();
    let assigns = |c: &Compiler<'_>| -> AssignsOf {
        policy.outputs.ids().map(|o| c.assignments_to(o)).collect()
    };
    let mut assigns_of = assigns(c);
    // Each rule is compared with every assignment to the outputs it decides: past a
    // budget (a decision table of thousands of rows on one output) that alone costs
    // minutes, so every rule is left unsettled and the note says so.
    let work: usize = policy
        .rules
        .iter()
        .flat_map(|r| r.assigns.iter())
        .map(|a| assigns_of.get(a.output).map_or(0, Vec::len))
        .sum();
    if work > MAX_WORK {
        let unsettled = policy.rules.ids().filter(|r| !dead.contains(r)).collect();
        return Ok((Vec::new(), unsettled));
    }
    for r in policy.rules.ids() {
        // Each rule's comparison leaves garbage; collect it before it fills the limit
        // (the compiler's own diagrams survive, renumbered).
        if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
            c.compact()?;
            assigns_of = assigns(c);
        }
        if dead.contains(&r) {
            continue;
        }
        let cond = c.rule_conds.get(r).copied().unwrap_or(FALSE);
        let here = c.mdd.and(cond, c.valid)?;
        if here == FALSE {
            continue;
        }
        if changes_at_some_point(c, &assigns_of, r, here) {
            continue;
        }
        if meeting(c, &assigns_of, r, here) > MAX_MEETING {
            unsettled.push(r);
            continue;
        }
        if changes_where_alone(c, &assigns_of, r, here)? {
            continue;
        }
        if meeting(c, &assigns_of, r, here) > MAX_MEETING {
            unsettled.push(r);
            continue;
        }
        if let Some(x) = redundant_rule(c, &assigns_of, r, here)? {
            found.push(x);
        }
    }
    Ok((pair_twins(found), unsettled))
}

/// The most assignments to one of `r`'s outputs that meet `here`, an output at a time.
fn meeting(c: &mut Compiler<'_>, assigns_of: &AssignsOf, r: RuleId, here: NodeId) -> usize {
    let outputs: Vec<OutputId> = c.policy.rules[r].assigns.iter().map(|a| a.output).collect();
    let mut most = 0;
    for o in outputs {
        let mut n = 0;
        for &(s, _, eff) in assigns_of.get(o).map(|v| v.as_slice()).unwrap_or(&[]) {
            let cond = c.rule_conds.get(s).copied().unwrap_or(FALSE);
            let released = c.overriders.get(s).is_some_and(|v| v.contains(&r));
            if c.mdd.intersects(eff, here) || (released && c.mdd.intersects(cond, here)) {
                n += 1;
                if n > MAX_MEETING {
                    return n;
                }
            }
        }
        most = most.max(n);
    }
    most
}

/// A quick proof that rule `r` is not redundant: a few incidents where it applies
/// (the lowest, highest and middle values of its region, level by level), each decided
/// with and without it by reading which assignments are effective there. Most rules
/// that are not redundant change the decision at the first; the exact comparison is
/// left for the rest.
fn changes_at_some_point(
    c: &Compiler<'_>,
    assigns_of: &AssignsOf,
    r: RuleId,
    here: NodeId,
) -> bool {
    use crate::mdd::Choose;
    for probe in PROBES {
        let Some(point) = c
            .mdd
            .pick(here, |t| t == 1, |l, runs| probe.choose(l, runs))
        else {
            return false;
        };
        if changes_at(c, assigns_of, r, &point) {
            return true;
        }
    }
    false
}

/// Whether the decision at `point` (one value per level), where rule `r` applies,
/// changes without `r`: read from which assignments are effective there.
fn changes_at(c: &Compiler<'_>, assigns_of: &AssignsOf, r: RuleId, point: &[u32]) -> bool {
    let policy = c.policy;
    let rule = &policy.rules[r];
    let holds = |f: NodeId| c.mdd.eval(f, point) == 1;
    let applies = |s: RuleId| c.rule_conds.get(s).is_some_and(|&f| holds(f));
    for a in &rule.assigns {
        let o = a.output;
        let mut with: Vec<(Label, NodeId)> = Vec::new();
        let mut without: Vec<(Label, NodeId)> = Vec::new();
        for &(s, k, eff) in assigns_of.get(o).map(|v| v.as_slice()).unwrap_or(&[]) {
            let Some(value) = policy.rules[s].assigns.get(k) else {
                continue;
            };
            // An effective region lies inside its rule's condition, whose diagram is
            // usually far smaller: most assignments are ruled out by that shorter walk.
            let applies_s = applies(s);
            if applies_s && holds(eff) {
                let label = (s, value.value.clone());
                with.push((label.clone(), FALSE));
                if s != r {
                    without.push((label, FALSE));
                }
                continue;
            }
            let overridden_by_r = c.overriders.get(s).is_some_and(|v| v.contains(&r));
            let beaten_by_other = || {
                c.overriders.get(s).is_some_and(|ts| {
                    ts.iter().any(|&t| {
                        t != r
                            && applies(t)
                            && policy.rules[t].assigns.iter().any(|b| b.output == o)
                    })
                })
            };
            if overridden_by_r && applies_s && !beaten_by_other() {
                without.push(((s, value.value.clone()), FALSE));
            }
        }
        let verdict = |labels: &[(Label, NodeId)]| {
            verdict_of(policy, o, labels.iter().map(|x| &x.0).collect())
        };
        if verdict(&with) != verdict(&without) {
            return true;
        }
    }
    false
}

/// A second quick proof, for the rules the first leaves: for each assignment of `r`,
/// the incidents where it is effective and no other rule gives its value (or, for a
/// set output, one of its members) are where its removal most likely changes the
/// decision; a few of them are decided with and without it.
fn changes_where_alone(
    c: &mut Compiler<'_>,
    assigns_of: &AssignsOf,
    r: RuleId,
    here: NodeId,
) -> CResult<bool> {
    let policy = c.policy;
    let rule = &policy.rules[r];
    for (k, a) in rule.assigns.iter().enumerate() {
        let eff = c
            .effective
            .get(r)
            .and_then(|v| v.get(k))
            .copied()
            .unwrap_or(FALSE);
        let mine = c.mdd.and(eff, here)?;
        if mine == FALSE {
            continue;
        }
        let shares = |v: &Value| match (&a.value, v) {
            (Value::Set(_, x), Value::Set(_, y)) => x.iter().any(|m| y.contains(m)),
            (x, y) => x == y,
        };
        let mut same = Vec::new();
        for &(s, j, e) in assigns_of
            .get(a.output)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
        {
            let value = policy.rules[s].assigns.get(j);
            if s != r && value.is_some_and(|x| shares(&x.value)) && c.mdd.intersects(e, mine) {
                same.push(e);
            }
        }
        // The probes of `mine` less `same`, walked beside them rather than built: the
        // same points (a pick depends only on the function), without a union of
        // effective regions per assignment.
        let walked = {
            let mut alone = c.mdd.avoiding(mine, &same, MAX_STATES);
            let mut changes = Some(false);
            for probe in PROBES {
                match alone.pick(probe) {
                    Ok(Some(point)) if changes_at(c, assigns_of, r, &point) => {
                        changes = Some(true);
                        break;
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(crate::mdd::Exhausted) => {
                        changes = None;
                        break;
                    }
                }
            }
            changes
        };
        let changes = match walked {
            Some(changes) => changes,
            None => {
                let parts = same
                    .iter()
                    .map(|&e| c.mdd.and(e, mine))
                    .collect::<Result<Vec<_>, _>>()?;
                let covered = c.mdd.or_all(&parts)?;
                let alone = c.mdd.diff(mine, covered)?;
                alone != FALSE && changes_at_some_point(c, assigns_of, r, alone)
            }
        };
        if changes {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Output `o`'s verdict where the assignments `labels` are effective.
fn verdict_of(policy: &Policy, o: OutputId, labels: Vec<&Label>) -> Option<Verdict> {
    let out = &policy.outputs[o];
    Some(match out.ty {
        OutputTy::Set(e) => {
            let mut members: Vec<VariantId> = Vec::new();
            for (_, v) in labels {
                if let Value::Set(_, vs) = v {
                    members.extend(vs.iter().copied());
                }
            }
            members.sort_unstable();
            members.dedup();
            Verdict::Value(Value::Set(e, members))
        }
        OutputTy::Single(_) => {
            let mut given: Vec<(Value, Vec<RuleId>)> = Vec::new();
            for (s, v) in labels {
                match given.iter_mut().find(|g| g.0 == *v) {
                    Some(g) => g.1.push(*s),
                    None => given.push((v.clone(), vec![*s])),
                }
            }
            Outcome::of_single(out, given).verdict()
        }
    })
}

/// Whether rule `r` (applying in `here`) is redundant, with what covers it.
fn redundant_rule(
    c: &mut Compiler<'_>,
    assigns_of: &AssignsOf,
    r: RuleId,
    here: NodeId,
) -> CResult<Option<RedundantRule>> {
    let policy = c.policy;
    let rule = &policy.rules[r];
    let mut outputs: Vec<OutputId> = rule.assigns.iter().map(|a| a.output).collect();
    outputs.sort_unstable();
    outputs.dedup();
    let mut covered_by = Vec::new();
    let mut by_default = false;
    for o in outputs {
        let out = &policy.outputs[o];
        let mut with: Vec<(Label, NodeId)> = Vec::new();
        let mut without: Vec<(Label, NodeId)> = Vec::new();
        let mine_values: Vec<&Value> = rule
            .assigns
            .iter()
            .filter(|a| a.output == o)
            .map(|a| &a.value)
            .collect();
        let mut mine = FALSE;
        for &(s, k, eff) in assigns_of.get(o).map(|v| v.as_slice()).unwrap_or(&[]) {
            let Some(value) = policy.rules[s].assigns.get(k).map(|a| a.value.clone()) else {
                continue;
            };
            let overridden_by_r = c.overriders.get(s).is_some_and(|v| v.contains(&r));
            if s == r {
                let e = c.mdd.and(eff, here)?;
                mine = c.mdd.or(mine, e)?;
                if e != FALSE {
                    with.push(((s, value), e));
                }
            } else if overridden_by_r {
                // Beaten wherever `r` applies; without it, effective where no other
                // applying overrider that assigns `o` beats it.
                let cond_s = c.rule_conds.get(s).copied().unwrap_or(FALSE);
                if !c.mdd.intersects(cond_s, here) {
                    continue;
                }
                let mut others = Vec::new();
                for &t in c.overriders.get(s).map(|v| v.as_slice()).unwrap_or(&[]) {
                    let assigns_o = policy.rules[t].assigns.iter().any(|a| a.output == o);
                    if t != r && assigns_o {
                        others.push(c.rule_conds.get(t).copied().unwrap_or(FALSE));
                    }
                }
                let beaten = c.mdd.or_all(&others)?;
                let applies = c.mdd.and(cond_s, here)?;
                let released = c.mdd.diff(applies, beaten)?;
                if released != FALSE {
                    without.push(((s, value), released));
                }
            } else if c.mdd.intersects(eff, here) {
                let e = c.mdd.and(eff, here)?;
                with.push(((s, value.clone()), e));
                without.push(((s, value), e));
            }
        }
        let differs = verdicts_differ(c, policy, o, &with, &without)?;
        if c.mdd.intersects(differs, here) {
            return Ok(None);
        }
        // What covers it: the other rules that give what it gives (or outrank it)
        // where it is effective, before or after its removal.
        let ranked_above = |v: &Value| {
            mine_values.iter().any(|m| {
                let (Some(a), Some(b)) = (out.hit.rank(v), out.hit.rank(m)) else {
                    return false;
                };
                a < b
            })
        };
        let shares = |v: &Value| {
            mine_values.iter().any(|m| match (m, v) {
                (Value::Set(_, a), Value::Set(_, b)) => a.iter().any(|x| b.contains(x)),
                _ => *m == v,
            })
        };
        let mut same = Vec::new();
        for ((s, v), e) in with.iter().chain(&without) {
            if *s == r || !(shares(v) || ranked_above(v)) || !c.mdd.intersects(*e, mine) {
                continue;
            }
            if shares(v) {
                same.push(*e);
            }
            if !covered_by.contains(s) {
                covered_by.push(*s);
            }
        }
        if let (Some(d), OutputTy::Single(_)) = (&out.default, out.ty) {
            if mine_values.contains(&d) {
                let given = c.mdd.or_all(&same)?;
                by_default |= c.mdd.diff(mine, given)? != FALSE;
            }
        }
    }
    covered_by.sort_unstable();
    Ok(Some(RedundantRule {
        rule: r,
        covered_by,
        by_default,
        twin: None,
    }))
}

/// Where output `o`'s verdict differs between the assignments present in `with` and
/// in `without` (each a label and where it is present). The verdict reads only which
/// values are present (for a set output, which members), and for an `exclusive`
/// output whether two assignments are: the labels are grouped so, which keeps the
/// terminals few however many rules meet.
fn verdicts_differ(
    c: &mut Compiler<'_>,
    policy: &Policy,
    o: OutputId,
    with: &[(Label, NodeId)],
    without: &[(Label, NodeId)],
) -> CResult<NodeId> {
    let out = &policy.outputs[o];
    let exclusive = out.hit.is_exclusive();
    // Per side: (key, region) where `None` is "two or more assignments".
    let mut keyed: Vec<(bool, Option<Value>, NodeId)> = Vec::new();
    for (side, labels) in [(false, with), (true, without)] {
        let mut groups: Vec<(Value, Vec<NodeId>)> = Vec::new();
        let (mut one, mut two) = (FALSE, FALSE);
        for ((_, v), region) in labels {
            let keys: Vec<Value> = match v {
                Value::Set(e, vs) => vs.iter().map(|m| Value::Set(*e, vec![*m])).collect(),
                v => vec![v.clone()],
            };
            for key in keys {
                match groups.iter_mut().find(|g| g.0 == key) {
                    Some(g) => g.1.push(*region),
                    None => groups.push((key, vec![*region])),
                }
            }
            if exclusive {
                let both = c.mdd.and(one, *region)?;
                two = c.mdd.or(two, both)?;
                one = c.mdd.or(one, *region)?;
            }
        }
        for (key, regions) in groups {
            let present = c.mdd.or_all(&regions)?;
            keyed.push((side, Some(key), present));
        }
        if exclusive {
            keyed.push((side, None, two));
        }
    }
    // A side's verdict reads only which keys are present: where both sides present the
    // same keys their verdicts agree, so they are compared only where the keys differ
    // (nowhere, for most rules another covers), on regions cut down to it.
    let mut keys_differ = FALSE;
    for (side, key, region) in &keyed {
        let other = keyed
            .iter()
            .find(|x| x.0 != *side && x.1 == *key)
            .map_or(FALSE, |x| x.2);
        let apart = c.mdd.apply(BoolOp::Xor, *region, other)?;
        keys_differ = c.mdd.or(keys_differ, apart)?;
    }
    if keys_differ == FALSE {
        return Ok(FALSE);
    }
    for x in &mut keyed {
        x.2 = c.mdd.and(x.2, keys_differ)?;
    }
    let side_verdict = |set: &[usize], side: bool| -> Option<Verdict> {
        let mut values: Vec<Value> = Vec::new();
        let mut two = false;
        for (s, key, _) in set.iter().filter_map(|&k| keyed.get(k)) {
            match key {
                _ if *s != side => {}
                Some(v) => values.push(v.clone()),
                None => two = true,
            }
        }
        if two {
            values.sort();
            values.dedup();
            return Some(Verdict::Overlap(values));
        }
        // One assignment per key, so counts read right (under two, for `exclusive`).
        // The rule of a label is not read here: any id will do.
        let labels: Vec<Label> = values
            .into_iter()
            .map(|v| (RuleId::from_raw(0), v))
            .collect();
        verdict_of(policy, o, labels.iter().collect())
    };
    // Each side's verdict is a diagram of its own, whose terminals number the verdicts
    // it reaches: a side reads only its own keys, and the few verdicts merge what the
    // sets of keys keep apart. One diagram of both sides' sets took most of `check`'s
    // redundant rules on 200 rules over 20 inputs.
    let mut side_diagram = |side: bool| -> CResult<(NodeId, Vec<Option<Verdict>>)> {
        let mine: Vec<usize> = (0..keyed.len())
            .filter(|&k| keyed.get(k).is_some_and(|x| x.0 == side))
            .collect();
        let regions = mine.iter().filter_map(|&k| keyed.get(k)).map(|x| x.2);
        // Terminals: sets of indices into `mine`.
        let (f, sets) = super::label_sets(&mut c.mdd, regions)?;
        let mut verdicts: Vec<Option<Verdict>> = Vec::new();
        let mut ids: Vec<u32> = Vec::with_capacity(sets.len());
        for set in &sets {
            let set: Vec<usize> = set.iter().filter_map(|&i| mine.get(i).copied()).collect();
            let v = side_verdict(&set, side);
            let id = match verdicts.iter().position(|x| *x == v) {
                Some(i) => i,
                None => {
                    verdicts.push(v);
                    verdicts.len() - 1
                }
            };
            ids.push(u32::try_from(id).unwrap_or(u32::MAX));
        }
        let f = c
            .mdd
            .map_terminals(f, |s| ids.get(s as usize).copied().unwrap_or(u32::MAX))?;
        Ok((f, verdicts))
    };
    let (with_f, with_v) = side_diagram(false)?;
    let (without_f, without_v) = side_diagram(true)?;
    Ok(c.mdd.apply_terminals(with_f, without_f, |x, y| {
        match (with_v.get(x as usize), without_v.get(y as usize)) {
            (Some(a), Some(b)) => u32::from(a != b),
            // Not a verdict of either side: claim a difference (never redundant).
            _ => 1,
        }
    })?)
}

/// Two redundant rules each covered by the other alone are one finding, on the first.
fn pair_twins(found: Vec<RedundantRule>) -> Vec<RedundantRule> {
    let by_rule: FxHashMap<RuleId, &RedundantRule> = found.iter().map(|x| (x.rule, x)).collect();
    let twin_of = |x: &RedundantRule| -> Option<RuleId> {
        let [s] = x.covered_by.as_slice() else {
            return None;
        };
        let other = by_rule.get(s)?;
        (other.covered_by == [x.rule] && !x.by_default && !other.by_default).then_some(*s)
    };
    let mut out = Vec::with_capacity(found.len());
    for x in &found {
        let mut x = x.clone();
        match twin_of(&x) {
            Some(s) if s < x.rule => continue,
            twin => x.twin = twin,
        }
        out.push(x);
    }
    out
}
