//! "Did you mean": the closest known name to a misspelt one.

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

/// The candidate closest to `name` within the threshold; ties go to the earliest
/// candidate (declaration order), so suggestions are stable.
pub(crate) fn best_match<'c, I>(name: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let limit = threshold(name);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'c str)> = None;
    for cand in candidates {
        if cand == name {
            continue;
        }
        // A difference in case only is the likeliest slip of all.
        let d = if cand.to_lowercase() == lower {
            0
        } else {
            distance(name, cand)
        };
        if d > limit || d >= cand.chars().count().max(1) {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` for a help line, if some candidate is close enough.
pub(crate) fn did_you_mean<'c, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'c str>,
{
    best_match(name, candidates).map(|c| format!("did you mean `{c}`?"))
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
        assert_eq!(
            did_you_mean("nudes", ["semi_nude", "nude"]).as_deref(),
            Some("did you mean `nude`?")
        );
    }

    #[test]
    fn ties_go_to_the_first_declared() {
        assert_eq!(best_match("abcd", ["abce", "abcf"]), Some("abce"));
        assert_eq!(best_match("abcd", ["abcf", "abce"]), Some("abcf"));
    }
}
