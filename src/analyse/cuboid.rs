//! Boxes: products of value sets, one per input level (a level left out takes any
//! value), and the algebra of the sorted range lists that are their sides. The box
//! engine (`boxes`), the counting sweep (`sweep`), the SAT search (`sat`) and the input
//! witnesses (`witness`) all work on them.

use crate::compile::synth::Rng;
use crate::mdd::ValueRanges;

/// A product of value sets: the constrained levels, in level order, each with the value
/// indices it allows. Levels not listed take any value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cuboid {
    lits: Vec<(usize, ValueRanges)>,
}

impl Cuboid {
    pub(super) fn from_cube(cube: &[Option<ValueRanges>], sizes: &[u32]) -> Cuboid {
        let lits = cube
            .iter()
            .enumerate()
            .filter_map(|(l, set)| {
                let set = set.as_ref()?;
                let full = sizes.get(l).copied().unwrap_or(0);
                (len(set) < u64::from(full)).then(|| (l, set.clone()))
            })
            .collect();
        Cuboid { lits }
    }

    /// A box of the given literals (levels in increasing order).
    #[cfg(test)]
    pub(super) fn from_literals(lits: Vec<(usize, ValueRanges)>) -> Cuboid {
        Cuboid { lits }
    }

    /// The constrained levels, in order, with the values each allows.
    pub fn literals(&self) -> &[(usize, ValueRanges)] {
        &self.lits
    }

    /// The same box without its literal at `level`.
    pub fn without(&self, level: usize) -> Cuboid {
        Cuboid {
            lits: self
                .lits
                .iter()
                .filter(|(l, _)| *l != level)
                .cloned()
                .collect(),
        }
    }

    /// The values the box allows at `level` (`None`: every value).
    pub fn set_at(&self, level: usize) -> Option<&ValueRanges> {
        self.lits.iter().find(|(l, _)| *l == level).map(|(_, s)| s)
    }

    /// Whether the box constrains this level.
    pub fn restricts(&self, level: usize) -> bool {
        self.lits.iter().any(|(l, _)| *l == level)
    }

    /// A random value the box allows at `level`.
    pub fn sample(&self, level: usize, sizes: &[u32], rng: &mut Rng) -> u32 {
        match self.lits.iter().find(|(l, _)| *l == level) {
            Some((_, set)) => nth(set, rng.below(len(set))),
            None => rng.below(u64::from(sizes.get(level).copied().unwrap_or(1))) as u32,
        }
    }

    /// A random value at `level` the box does not allow, if there is one.
    pub fn sample_outside(&self, level: usize, sizes: &[u32], rng: &mut Rng) -> Option<u32> {
        let (_, set) = self.lits.iter().find(|(l, _)| *l == level)?;
        let n = sizes.get(level).copied()?;
        let outside = complement(set, n);
        (!outside.is_empty()).then(|| nth(&outside, rng.below(len(&outside))))
    }

    /// The intersection, `None` when empty.
    pub fn meet(&self, other: &Cuboid) -> Option<Cuboid> {
        let mut lits = Vec::with_capacity(self.lits.len() + other.lits.len());
        let (mut a, mut b) = (self.lits.iter().peekable(), other.lits.iter().peekable());
        loop {
            match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    let set = meet(&x.1, &y.1);
                    if set.is_empty() {
                        return None;
                    }
                    lits.push((x.0, set));
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) if x.0 < y.0 => lits.push((*a.next()?).clone()),
                (Some(_), Some(_)) => lits.push((*b.next()?).clone()),
                (Some(_), None) => lits.push((*a.next()?).clone()),
                (None, Some(_)) => lits.push((*b.next()?).clone()),
                (None, None) => return Some(Cuboid { lits }),
            }
        }
    }

    /// How many points the two boxes share (levels of `sizes` values each), counted
    /// without building their meet; saturating at `u128::MAX`.
    pub fn meet_volume(&self, other: &Cuboid, sizes: &[u32]) -> u128 {
        let (mut a, mut b) = (self.lits.iter().peekable(), other.lits.iter().peekable());
        let mut volume = 1u128;
        for (l, &n) in sizes.iter().enumerate() {
            let x = a.next_if(|x| x.0 == l).map(|x| &x.1);
            let y = b.next_if(|y| y.0 == l).map(|y| &y.1);
            let here = match (x, y) {
                (Some(x), Some(y)) => meet_len(x, y),
                (Some(s), None) | (None, Some(s)) => len(s),
                (None, None) => u64::from(n),
            };
            volume = volume.saturating_mul(u128::from(here));
        }
        volume
    }

    /// Whether the two boxes share a point.
    pub fn intersects(&self, other: &Cuboid) -> bool {
        let (mut a, mut b) = (self.lits.iter().peekable(), other.lits.iter().peekable());
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            if x.0 == y.0 {
                if !overlaps(&x.1, &y.1) {
                    return false;
                }
                a.next();
                b.next();
            } else if x.0 < y.0 {
                a.next();
            } else {
                b.next();
            }
        }
        true
    }

    /// Whether the three boxes share a point, without building their meeting.
    pub fn intersects_both(&self, a: &Cuboid, b: &Cuboid) -> bool {
        if !a.intersects(b) || !self.intersects(a) || !self.intersects(b) {
            return false;
        }
        // Pairwise overlaps leave only the levels all three restrict to check.
        self.lits
            .iter()
            .all(|(l, set)| match (a.set_at(*l), b.set_at(*l)) {
                (Some(x), Some(y)) => overlaps3(set, x, y),
                _ => true,
            })
    }

    /// One value set per level.
    pub fn dense(&self, sizes: &[u32]) -> Vec<ValueRanges> {
        let mut out: Vec<ValueRanges> = sizes.iter().map(|&n| vec![(0, n - 1)]).collect();
        for (l, set) in &self.lits {
            if let Some(slot) = out.get_mut(*l) {
                *slot = set.clone();
            }
        }
        out
    }
}

/// The `k`-th value of a set, in order.
fn nth(set: &[(u32, u32)], mut k: u64) -> u32 {
    for &(a, b) in set {
        let n = u64::from(b - a) + 1;
        if k < n {
            return a + k as u32;
        }
        k -= n;
    }
    set.last().map(|r| r.1).unwrap_or(0)
}

/// The values of `0..n` outside a set.
pub fn complement(set: &[(u32, u32)], n: u32) -> ValueRanges {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(a, b) in set {
        if a > next {
            out.push((next, a - 1));
        }
        next = b.saturating_add(1);
    }
    if next < n {
        out.push((next, n - 1));
    }
    out
}

/// How many values a set holds.
pub fn len(set: &[(u32, u32)]) -> u64 {
    set.iter().map(|&(a, b)| u64::from(b - a) + 1).sum()
}

/// The values in both sets.
pub fn meet(a: &[(u32, u32)], b: &[(u32, u32)]) -> ValueRanges {
    let mut out = Vec::new();
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&(a0, a1)), Some(&&(b0, b1))) = (i.peek(), j.peek()) {
        let (lo, hi) = (a0.max(b0), a1.min(b1));
        if lo <= hi {
            out.push((lo, hi));
        }
        if a1 < b1 {
            i.next();
        } else {
            j.next();
        }
    }
    out
}

/// How many values both sets hold.
pub fn meet_len(a: &[(u32, u32)], b: &[(u32, u32)]) -> u64 {
    let mut n = 0;
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&(a0, a1)), Some(&&(b0, b1))) = (i.peek(), j.peek()) {
        let (lo, hi) = (a0.max(b0), a1.min(b1));
        if lo <= hi {
            n += u64::from(hi - lo) + 1;
        }
        if a1 < b1 {
            i.next();
        } else {
            j.next();
        }
    }
    n
}

/// A box's values at the first 64 levels of at most four values, four bits a level
/// (all four where the box does not restrict the level): two boxes whose signatures
/// share no bit at some level are disjoint. A necessary test, a few instructions where
/// [`Cuboid::intersects`] walks two lists of literals: a decision table's rule that
/// later rows override is effective in thousands of boxes, tested against every other
/// row's, and most of those pairs differ at a bool or an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature([u64; 4]);

impl Signature {
    pub fn of(b: &Cuboid, sizes: &[u32]) -> Signature {
        let mut words = [u64::MAX; 4];
        for (l, set) in b.literals() {
            let l = *l;
            if sizes.get(l).is_none_or(|&n| n > 4) {
                continue;
            }
            let Some(word) = words.get_mut(l / 16) else {
                continue;
            };
            let mut bits = 0u64;
            for &(lo, hi) in set {
                for v in lo..=hi.min(3) {
                    bits |= 1 << v;
                }
            }
            let shift = (l % 16) * 4;
            *word &= !(0xF << shift) | (bits << shift);
        }
        Signature(words)
    }

    /// False only when the two boxes share no point.
    pub fn may_meet(self, other: Signature) -> bool {
        const LOW: u64 = 0x1111_1111_1111_1111;
        self.0.iter().zip(other.0).all(|(&a, b)| {
            let w = a & b;
            (w | w >> 1 | w >> 2 | w >> 3) & LOW == LOW
        })
    }
}

/// Whether the two sets share a value.
pub fn overlaps(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&(a0, a1)), Some(&&(b0, b1))) = (i.peek(), j.peek()) {
        if a0.max(b0) <= a1.min(b1) {
            return true;
        }
        if a1 < b1 {
            i.next();
        } else {
            j.next();
        }
    }
    false
}

/// Whether three sets share a value, without building their meet.
pub fn overlaps3(a: &[(u32, u32)], b: &[(u32, u32)], c: &[(u32, u32)]) -> bool {
    let (mut i, mut j, mut k) = (0, 0, 0);
    while let (Some(&(a0, a1)), Some(&(b0, b1)), Some(&(c0, c1))) = (a.get(i), b.get(j), c.get(k)) {
        let end = a1.min(b1).min(c1);
        if a0.max(b0).max(c0) <= end {
            return true;
        }
        // The range ending first cannot hold a shared value past its end.
        if a1 == end {
            i += 1;
        } else if b1 == end {
            j += 1;
        } else {
            k += 1;
        }
    }
    false
}

/// Whether value `v` is in the set.
pub fn holds(set: &[(u32, u32)], v: u32) -> bool {
    set.iter().any(|&(a, b)| a <= v && v <= b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuboid(lits: &[(usize, &[(u32, u32)])]) -> Cuboid {
        Cuboid::from_literals(lits.iter().map(|(l, s)| (*l, s.to_vec())).collect())
    }

    #[test]
    fn meets_and_intersections_agree() {
        let a = cuboid(&[(0, &[(0, 2)]), (2, &[(1, 1)])]);
        let b = cuboid(&[(0, &[(2, 4)]), (1, &[(0, 0)])]);
        let c = cuboid(&[(2, &[(0, 0), (2, 3)])]);
        assert_eq!(
            a.meet(&b),
            Some(cuboid(&[(0, &[(2, 2)]), (1, &[(0, 0)]), (2, &[(1, 1)])]))
        );
        assert!(a.intersects(&b));
        assert_eq!(a.meet(&c), None);
        assert!(!a.intersects(&c));
        assert!(b.intersects(&c));
        let sizes = [5, 2, 4];
        assert_eq!(a.meet_volume(&b, &sizes), 1);
        assert_eq!(a.meet_volume(&c, &sizes), 0);
        // b and c: {2,3,4} x {0} x {0,2,3}.
        assert_eq!(b.meet_volume(&c, &sizes), 9);
    }

    /// Boxes over 70 levels of 2, 3, 4 and 100 values, from a fixed-seed generator:
    /// a signature never rules out boxes that meet, and over the levels it covers
    /// (the first 64, of at most four values) it rules out every pair that does not.
    #[test]
    fn signatures_rule_out_only_boxes_that_do_not_meet() {
        let sizes: Vec<u32> = (0..70).map(|l| [2, 3, 4, 100][l % 4]).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut boxes = Vec::new();
        for _ in 0..400 {
            let mut lits = Vec::new();
            for (l, &n) in sizes.iter().enumerate() {
                if next(8) == 0 {
                    let lo = next(u64::from(n)) as u32;
                    let hi = lo + next(u64::from(n - lo)) as u32;
                    if hi - lo + 1 < n {
                        lits.push((l, vec![(lo, hi)]));
                    }
                }
            }
            boxes.push(Cuboid::from_literals(lits));
        }
        let covered = |b: &Cuboid| b.literals().iter().all(|(l, _)| *l < 64 && sizes[*l] <= 4);
        let (mut ruled_out, mut exact) = (0, 0);
        for a in &boxes {
            for b in &boxes {
                let may = Signature::of(a, &sizes).may_meet(Signature::of(b, &sizes));
                assert!(may || !a.intersects(b));
                ruled_out += usize::from(!may);
                if covered(a) && covered(b) {
                    assert_eq!(may, a.intersects(b));
                    exact += 1;
                }
            }
        }
        assert!(ruled_out > 10_000 && exact > 400, "{ruled_out} {exact}");
    }
}
