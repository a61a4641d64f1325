//! The inputs a policy reads: those its rules, scope, assumptions and `accept gap`
//! clauses mention, directly or through defines, and those its asserts mention (with
//! the inputs the policies they import read). Every other input of its vocabulary is
//! one the policy never asks about: examples leave it out and counts are over the read
//! inputs only (docs/analysis.md).
//!
//! Assumptions count as reads, a shared vocabulary's too: an assumption constrains
//! what an incident can be, so an input it ties is not free. This makes the unread
//! inputs independent of everything the policy says, which is what lets a count over
//! every input be divided exactly by the number of ways to give the unread ones
//! ([`Reads::unread_ways`]). (`ignore` is stricter in what it calls a read: a
//! vocabulary's assumption does not stop a policy ignoring an input, `check/ignore.rs`.)

use super::{DefineBody, Expr, Idx, InputId, Policy};

/// Per input of a policy, whether the policy reads it. Plain data, made once per
/// compilation (`compile::describe::FactNames`) from [`Policy::reads`]. The default
/// reads every input (a count is kept as it is).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    read: Vec<bool>,
    /// The product of the domain sizes of the unread inputs (saturating).
    unread_ways: u128,
}

impl Reads {
    /// Whether the policy reads input `i` (an unknown id is not read).
    pub fn contains(&self, i: InputId) -> bool {
        self.read.get(i.index()).copied().unwrap_or(false)
    }

    /// Whether every input of the vocabulary is read.
    pub fn all(&self) -> bool {
        self.read.iter().all(|&r| r)
    }

    /// How many inputs the policy reads.
    pub fn len(&self) -> usize {
        self.read.iter().filter(|&&r| r).count()
    }

    /// Whether the policy reads no input.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Inputs either of two policies over one vocabulary reads (`diff`).
    pub fn union(&self, other: &Reads, domain: impl Fn(InputId) -> u64) -> Reads {
        let n = self.read.len().max(other.read.len());
        let read: Vec<bool> = (0..n)
            .map(|i| self.contains(Idx::from_raw(i)) || other.contains(Idx::from_raw(i)))
            .collect();
        Reads::new(read, domain)
    }

    /// These inputs read as well (`diff`: an input whose values differ between the
    /// two policies' types is constrained by that).
    pub fn with(
        &self,
        extra: impl IntoIterator<Item = InputId>,
        domain: impl Fn(InputId) -> u64,
    ) -> Reads {
        let mut read = self.read.clone();
        for i in extra {
            if let Some(x) = read.get_mut(i.index()) {
                *x = true;
            }
        }
        Reads::new(read, domain)
    }

    fn new(read: Vec<bool>, domain: impl Fn(InputId) -> u64) -> Reads {
        let unread_ways = read
            .iter()
            .enumerate()
            .filter(|(_, &r)| !r)
            .fold(1u128, |acc, (i, _)| {
                acc.saturating_mul(u128::from(domain(Idx::from_raw(i))))
            });
        Reads { read, unread_ways }
    }

    /// How many ways the unread inputs can be given: a count over every input is this
    /// many times the count over the read ones (1 when every input is read).
    pub fn unread_ways(&self) -> u128 {
        self.unread_ways
    }

    /// A count of incidents over every input as a count over the read inputs. Exact:
    /// nothing the policy says constrains an unread input, so every set of incidents
    /// it speaks of holds each choice of the read inputs once per way of giving the
    /// unread ones. A count saturated at `u128::MAX` stays so.
    pub fn count(&self, over_all_inputs: u128) -> u128 {
        if over_all_inputs == u128::MAX || self.unread_ways == 0 {
            return over_all_inputs;
        }
        over_all_inputs / self.unread_ways
    }
}

impl Policy {
    /// The inputs this policy reads (see the module's documentation).
    pub fn reads(&self) -> Reads {
        let mut read = vec![false; self.inputs.len()];
        mark(self, &mut read);
        Reads::new(read, |i| self.input_domain(i))
    }

    /// The number of values input `i` may take (0 for an unknown id).
    pub fn input_domain(&self, i: InputId) -> u64 {
        self.inputs.lookup(i).map_or(0, |x| self.domain_size(x.ty))
    }
}

/// Marks in `read` what `policy` reads. Imported policies share this policy's input ids.
fn mark(policy: &Policy, read: &mut [bool]) {
    let mut stack: Vec<&Expr> = Vec::new();
    stack.extend(policy.rules.iter().map(|r| &r.when));
    stack.extend(policy.scope.iter().map(|c| &c.expr));
    stack.extend(policy.assumes.iter().map(|c| &c.expr));
    stack.extend(policy.accepted_gaps.iter().map(|a| &a.when));
    stack.extend(policy.asserts.iter().map(|a| &a.expr));
    let mut seen = vec![false; policy.defines.len()];
    let set = |i: InputId, read: &mut [bool]| {
        if let Some(x) = read.get_mut(i.index()) {
            *x = true;
        }
    };
    let mut named = Vec::new();
    while let Some(e) = stack.pop() {
        e.for_each_read(|i| set(i, read), |d| named.push(d));
        for d in named.drain(..) {
            if let Some(x) = seen.get_mut(d.index()).filter(|x| !**x) {
                *x = true;
                match &policy.defines[d].body {
                    DefineBody::Bool(b) => stack.push(b),
                    DefineBody::Int(l) => {
                        for &(_, i) in &l.terms {
                            set(i, read);
                        }
                    }
                }
            }
        }
    }
    for import in &policy.imports {
        mark(&import.policy, read);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use crate::check::policy_from_text;

    fn read_names(text: &str) -> Vec<String> {
        let p = policy_from_text(text);
        let r = p.reads();
        p.inputs
            .entries()
            .filter(|(i, _)| r.contains(*i))
            .map(|(_, x)| x.name.clone())
            .collect()
    }

    #[test]
    fn rules_defines_scope_assumptions_acceptances_and_asserts_are_reads() {
        let text = "policy t \"t\"\n\
            input a: bool\ninput b: bool\ninput c: 0..=9\ninput d: bool\ninput e: bool\n\
            input f: bool\ninput g: bool\ninput unread: 0..=99\n\
            define via_define = b and c >= 3\n\
            define unused_define = unread\n\
            output o: bool\n\
            scope not d\n\
            assume e implies a\n\
            rule r \"r\" cites \"c\" when a or via_define then o = true\n\
            accept gap o \"x\" when f\n\
            assert t \"t\" always g implies o\n";
        assert_eq!(
            read_names(text),
            ["a", "b", "c", "d", "e", "f", "g"].map(String::from)
        );
        let p = policy_from_text(text);
        let r = p.reads();
        // 100 ways to give `unread`: a count over all inputs is 100 times the count
        // over the read ones.
        assert_eq!(r.unread_ways(), 100);
        assert_eq!(r.count(12_800), 128);
        assert_eq!(r.count(u128::MAX), u128::MAX);
        assert_eq!(r.len(), 7);
        assert!(!r.all());
    }

    #[test]
    fn union_and_extra_inputs_are_read() {
        let p = policy_from_text(
            "policy t \"t\"\ninput a: bool\ninput b: 0..=2\ninput c: bool\noutput o: bool default false\n\
             rule r \"r\" cites \"c\" when a then o = true\n",
        );
        let r = p.reads();
        assert_eq!(r.unread_ways(), 6);
        let domain = |i| p.input_domain(i);
        let id = crate::testing::id;
        let u = r.union(&r.with([id(2)], domain), domain);
        assert!(u.contains(id(0)) && !u.contains(id(1)) && u.contains(id(2)));
        assert_eq!(u.unread_ways(), 3);
        assert!(u.with([id(1)], domain).all());
    }
}
