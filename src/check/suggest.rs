//! "Did you mean": the closest known name to a misspelt one.

use std::cell::Cell;

use crate::diagnostics::{Diagnostic, Fix};
use crate::source::Loc;

/// A declared name close to the misspelt one at `at`: a help line for people and a
/// fix for editors, made together so that they always agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Suggestion {
    pub(crate) at: Loc,
    pub(crate) name: String,
}

/// The help of a diagnostic about a name that is not declared.
pub(crate) trait HelpOr {
    /// "did you mean `x`?" with the fix that puts `x` in place of the misspelt name when
    /// there is a suggestion, else the help `otherwise` gives.
    fn help_or(self, suggestion: Option<Suggestion>, otherwise: impl FnOnce() -> String) -> Self;
}

impl HelpOr for Diagnostic {
    fn help_or(self, suggestion: Option<Suggestion>, otherwise: impl FnOnce() -> String) -> Self {
        match suggestion {
            Some(Suggestion { at, name }) => self
                .help(format!("did you mean `{name}`?"))
                .fix(Fix::Rename { loc: at, to: name }),
            None => self.help(otherwise()),
        }
    }
}

/// Optimal-string-alignment distance (Damerau-Levenshtein where no substring is edited
/// twice): insertions, deletions, substitutions and swaps of two neighbours cost one.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let n = b.len();
    // Three rolling rows of the dynamic-programming table: i-2, i-1 and i.
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX / 2);
    for (i, ca) in a.iter().enumerate() {
        if let Some(c) = cur.get_mut(0) {
            *c = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1)
                .min(at(&prev, j) + cost);
            let swapped =
                i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) && ca != cb;
            if swapped {
                best = best.min(at(&prev2, j - 1) + 1);
            }
            if let Some(c) = cur.get_mut(j + 1) {
                *c = best;
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    at(&prev, n)
}

/// How far a candidate may be from `name` and still be suggested: one edit for short
/// names, else two or a third of the length, whichever is more.
fn threshold(name: &str) -> usize {
    let len = name.chars().count();
    if len <= 3 {
        1
    } else {
        (len / 3).max(2)
    }
}

/// The work "did you mean" may do in one check, in units of one candidate looked at,
/// one character of it, and one cell of the edit-distance table. A misspelt name in a
/// policy of a hundred names costs some 25,000, so this covers hundreds of suggestions;
/// without a bound, 100,000 unknown names each compared with 100,000 candidates took
/// hours (and the language server checks on every keystroke).
pub(crate) const BUDGET: u64 = 10_000_000;

/// What is left of a check's [`BUDGET`]. A name gets its suggestion only if the whole
/// search for it fits in what is left, so a suggestion is always the one an unbounded
/// search would make; once a search does not fit, the rest of the check's unknown names
/// get plain messages. A `Cell`, so that candidates may borrow the checker that holds it.
pub(crate) struct Budget {
    left: Cell<u64>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(BUDGET)
    }
}

impl Budget {
    pub(crate) fn new(units: u64) -> Self {
        Budget {
            left: Cell::new(units),
        }
    }

    /// Nothing is left: callers skip gathering candidates, which costs as much as
    /// looking at them.
    pub(crate) fn exhausted(&self) -> bool {
        self.left.get() == 0
    }

    /// The closest candidate to `name` ([`search`]), paid for from the budget; `None`
    /// when there is none or the search does not fit.
    pub(crate) fn did_you_mean<'c, I>(&self, name: &str, candidates: I) -> Option<String>
    where
        I: IntoIterator<Item = &'c str>,
    {
        let mut left = self.left.get();
        let found = search(name, candidates, &mut left);
        self.left.set(left);
        found.ok().flatten().map(str::to_string)
    }
}

/// The search ran out of budget.
struct OutOfBudget;

/// The candidate closest to `name` within the threshold, paying from `left` as it goes;
/// ties go to the earliest candidate (declaration order), so suggestions are stable.
/// When the budget runs out, `left` is 0 and there is no answer.
fn search<'c, I>(name: &str, candidates: I, left: &mut u64) -> Result<Option<&'c str>, OutOfBudget>
where
    I: IntoIterator<Item = &'c str>,
{
    let limit = threshold(name);
    let lower = name.to_lowercase();
    let len = name.chars().count();
    let mut best: Option<(usize, &'c str)> = None;
    for cand in candidates {
        let cand_len = cand.chars().count();
        // Names whose lengths differ by more than the limit are further apart than it:
        // their table is never filled, so it is not paid for.
        let near = len.abs_diff(cand_len) <= limit;
        let table = if near {
            len.saturating_mul(cand_len)
        } else {
            0
        };
        let cost = (1 + cand_len as u64).saturating_add(table as u64);
        match left.checked_sub(cost) {
            Some(rest) => *left = rest,
            None => {
                *left = 0;
                return Err(OutOfBudget);
            }
        }
        if cand == name {
            continue;
        }
        // A difference in case only is the likeliest slip of all.
        let d = if cand.to_lowercase() == lower {
            0
        } else if near {
            distance(name, cand)
        } else {
            continue;
        };
        if d > limit || d >= cand_len.max(1) {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    Ok(best.map(|(_, c)| c))
}

/// The candidate closest to `name` within the threshold, however long the search.
#[cfg(test)]
fn best_match<'c, I>(name: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let mut unbounded = u64::MAX;
    search(name, candidates, &mut unbounded).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("coercion", "coercion"), 0);
        // A swap of neighbours is one edit, not two.
        assert_eq!(distance("coerceion", "coercion"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("serverity", "severity"), 1);
        assert_eq!(distance("youngest_aeg", "youngest_age"), 1);
        assert_eq!(distance("ca", "abc"), 3);
    }

    #[test]
    fn suggests_the_closest() {
        let names = ["youngest_age", "oldest_age", "coercion", "exploitation"];
        assert_eq!(best_match("youngst_age", names), Some("youngest_age"));
        assert_eq!(best_match("coersion", names), Some("coercion"));
        assert_eq!(best_match("Coercion", names), Some("coercion"));
        assert_eq!(best_match("olderst_age", names), Some("oldest_age"));
        assert_eq!(best_match("weather", names), None);
        // Short names only tolerate one edit.
        assert_eq!(best_match("ab", ["xy", "ac"]), Some("ac"));
        assert_eq!(best_match("ab", ["xy"]), None);
        assert_eq!(best_match("nudes", ["semi_nude", "nude"]), Some("nude"));
    }

    #[test]
    fn a_budget_gives_whole_searches_then_plain_messages() {
        let names = ["youngest_age", "oldest_age", "coercion", "exploitation"];
        // What one search for `coersion` costs.
        let probe = Budget::new(u64::MAX);
        probe.did_you_mean("coersion", names);
        let one = u64::MAX - probe.left.get();
        assert!(one > names.len() as u64);

        // Enough for two searches and a little: both suggest what an unbounded search
        // would, the third does not fit and suggests nothing, and nothing is left after.
        let budget = Budget::new(2 * one + one / 2);
        for _ in 0..2 {
            assert_eq!(
                budget.did_you_mean("coersion", names).as_deref(),
                best_match("coersion", names)
            );
            assert!(!budget.exhausted());
        }
        assert_eq!(budget.did_you_mean("coersion", names), None);
        assert!(budget.exhausted());
        assert_eq!(budget.did_you_mean("Coercion", names), None);

        // A name far longer than every candidate costs a look at each, not a table.
        let long = "x".repeat(100_000);
        let budget = Budget::new(one);
        assert_eq!(budget.did_you_mean(&long, names), None);
        assert!(!budget.exhausted());
    }

    #[test]
    fn ties_go_to_the_first_declared() {
        assert_eq!(best_match("abcd", ["abce", "abcf"]), Some("abce"));
        assert_eq!(best_match("abcd", ["abcf", "abce"]), Some("abcf"));
    }
}
