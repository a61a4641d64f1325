//! Typed ids and the tables they index, in the style of rust-analyzer's `la_arena`.
//!
//! An [`Idx<T>`] is a position in an [`Arena<T>`]: an input id cannot be passed where a
//! rule id is expected, and a lookup `policy.rules[id]` cannot fail, because a policy's
//! ids are made only for its own tables: by [`Arena::push`], by walking the table
//! ([`Arena::ids`], [`Arena::entries`], [`Arena::position`]), or by the checker, which
//! numbers each kind of declaration in declaration order and fills the IR's tables in
//! that same order. An id from one policy means nothing in another: ids that cross
//! policies (the two sides of a diff, an importing and an imported policy) are matched
//! by name or through a map, and those lookups return `Option`.
//!
//! Written here rather than taken from the `la-arena` crate because the IR needs a few
//! things it lacks (ids that serialise and print as plain numbers, so JSON and `Debug`
//! output stay as they were) and little of what it has. An id is one `usize`, `Copy`,
//! compared and hashed as that number: hot loops pay nothing for the type.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// The id of a `T` in the [`Arena<T>`] that made it.
pub struct Idx<T> {
    raw: usize,
    kind: PhantomData<fn() -> T>,
}

impl<T> Idx<T> {
    /// The id of the `raw`-th item. Only the checker (declarations are numbered in the
    /// order the IR's tables are filled) and the arena itself make ids from numbers.
    pub(crate) const fn from_raw(raw: usize) -> Self {
        Idx {
            raw,
            kind: PhantomData,
        }
    }

    /// The position in the arena: for tables kept beside it (a `Vec` with one entry per
    /// item, in the same order), whose lookups stay fallible.
    pub const fn index(self) -> usize {
        self.raw
    }
}

impl<T> Clone for Idx<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Idx<T> {}

impl<T> PartialEq for Idx<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> Eq for Idx<T> {}

impl<T> PartialOrd for Idx<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Idx<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}

impl<T> Hash for Idx<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

/// The bare number, as the `usize` ids printed before they were typed.
impl<T> fmt::Debug for Idx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}

impl<T> serde::Serialize for Idx<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.raw as u64)
    }
}

/// The ids of an arena, in order (owning nothing: the arena may be changed while they
/// are walked).
pub struct Ids<T> {
    range: std::ops::Range<usize>,
    kind: PhantomData<fn() -> T>,
}

impl<T> Ids<T> {
    /// The ids of an arena of `len` items.
    pub(crate) fn upto(len: usize) -> Self {
        Ids {
            range: 0..len,
            kind: PhantomData,
        }
    }
}

impl<T> Clone for Ids<T> {
    fn clone(&self) -> Self {
        Ids {
            range: self.range.clone(),
            kind: PhantomData,
        }
    }
}

impl<T> Iterator for Ids<T> {
    type Item = Idx<T>;
    fn next(&mut self) -> Option<Idx<T>> {
        self.range.next().map(Idx::from_raw)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl<T> DoubleEndedIterator for Ids<T> {
    fn next_back(&mut self) -> Option<Idx<T>> {
        self.range.next_back().map(Idx::from_raw)
    }
}

impl<T> ExactSizeIterator for Ids<T> {}

/// Items of one kind, each at the [`Idx`] it was given. The ids are `Idx<K>`: usually
/// `K` is `T`, but the checker's table of declarations (`Arena<At<InputDecl>,
/// InputDef>`) numbers the ids the IR's table of their definitions is filled in.
pub struct Arena<T, K = T> {
    items: Vec<T>,
    kind: PhantomData<fn() -> K>,
}

impl<T, K> Arena<T, K> {
    pub const fn new() -> Self {
        Arena {
            items: Vec::new(),
            kind: PhantomData,
        }
    }

    /// Adds an item; its id is the number of items before it.
    pub fn push(&mut self, item: T) -> Idx<K> {
        let id = Idx::from_raw(self.items.len());
        self.items.push(item);
        id
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in id order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Every id, in order.
    pub fn ids(&self) -> Ids<K> {
        Ids::upto(self.items.len())
    }

    /// Every item with its id, in order.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = (Idx<K>, &T)> + ExactSizeIterator {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (Idx::from_raw(i), t))
    }

    /// The first item that satisfies `pred`.
    pub fn position(&self, pred: impl FnMut(&T) -> bool) -> Option<Idx<K>> {
        self.items.iter().position(pred).map(Idx::from_raw)
    }

    /// Drops the items from `len` on. Only for the checker, before the policy is handed
    /// out: it drops the imported policies' enums it borrowed while checking, once no
    /// expression names them (`check::imports::finish`).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.items.truncate(len);
    }

    /// The item at an id that may not be this arena's: one read from outside the policy
    /// (a number in a request), not one the policy made.
    pub fn lookup(&self, id: Idx<K>) -> Option<&T> {
        self.items.get(id.raw)
    }

    /// The items in id order, as a slice (for the slice's own methods; the ids are the
    /// positions).
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<T: Clone, K> Clone for Arena<T, K> {
    fn clone(&self) -> Self {
        Arena::from(self.items.clone())
    }
}

impl<T: PartialEq, K> PartialEq for Arena<T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}
impl<T: Eq, K> Eq for Arena<T, K> {}

impl<T: Hash, K> Hash for Arena<T, K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.items.hash(state);
    }
}

impl<T, K> Default for Arena<T, K> {
    fn default() -> Self {
        Arena::new()
    }
}

impl<T: fmt::Debug, K> fmt::Debug for Arena<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}

/// Infallible for the arena's own ids (see the module's documentation): a foreign id
/// is a bug in the code that carried it across, found by the tests, not by users.
impl<T, K> Index<Idx<K>> for Arena<T, K> {
    type Output = T;
    #[allow(
        clippy::indexing_slicing,
        reason = "ids are made only for their own arena, which never shrinks once handed out"
    )]
    fn index(&self, id: Idx<K>) -> &T {
        &self.items[id.raw]
    }
}

impl<T, K> IndexMut<Idx<K>> for Arena<T, K> {
    #[allow(
        clippy::indexing_slicing,
        reason = "ids are made only for their own arena, which never shrinks once handed out"
    )]
    fn index_mut(&mut self, id: Idx<K>) -> &mut T {
        &mut self.items[id.raw]
    }
}

impl<T, K> From<Vec<T>> for Arena<T, K> {
    fn from(items: Vec<T>) -> Self {
        Arena {
            items,
            kind: PhantomData,
        }
    }
}

impl<T, K> FromIterator<T> for Arena<T, K> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Arena::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<T, K> Extend<T> for Arena<T, K> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl<T, K> IntoIterator for Arena<T, K> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T, K> IntoIterator for &'a Arena<T, K> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T, K> IntoIterator for &'a mut Arena<T, K> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

/// Values kept beside an [`Arena<T>`], one per id in the same order (a checker's table of
/// declared types, a compiler's variables per input). Unlike the arena's own lookups,
/// these may fail: such a table is filled by other code, and may be shorter.
pub struct IdxVec<T, V> {
    items: Vec<V>,
    kind: PhantomData<fn() -> T>,
}

impl<T, V> IdxVec<T, V> {
    pub const fn new() -> Self {
        IdxVec {
            items: Vec::new(),
            kind: PhantomData,
        }
    }

    /// Adds the value of the next id, which it returns.
    pub fn push(&mut self, value: V) -> Idx<T> {
        let id = Idx::from_raw(self.items.len());
        self.items.push(value);
        id
    }

    pub fn get(&self, id: Idx<T>) -> Option<&V> {
        self.items.get(id.raw)
    }

    pub fn get_mut(&mut self, id: Idx<T>) -> Option<&mut V> {
        self.items.get_mut(id.raw)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, V> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.items.iter_mut()
    }

    /// Every id, in order.
    pub fn ids(&self) -> Ids<T> {
        Ids::upto(self.items.len())
    }

    /// Every value with its id, in order.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = (Idx<T>, &V)> + ExactSizeIterator {
        self.items
            .iter()
            .enumerate()
            .map(|(i, v)| (Idx::from_raw(i), v))
    }

    pub fn truncate(&mut self, len: usize) {
        self.items.truncate(len);
    }

    pub fn as_slice(&self) -> &[V] {
        &self.items
    }
}

impl<T, V: Clone> IdxVec<T, V> {
    /// `len` copies of `value`, one per id of an arena of that length.
    pub fn filled(value: V, len: usize) -> Self {
        IdxVec {
            items: vec![value; len],
            kind: PhantomData,
        }
    }
}

impl<T, V: Clone> Clone for IdxVec<T, V> {
    fn clone(&self) -> Self {
        IdxVec::from(self.items.clone())
    }
}

impl<T, V: PartialEq> PartialEq for IdxVec<T, V> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}
impl<T, V: Eq> Eq for IdxVec<T, V> {}

impl<T, V: Hash> Hash for IdxVec<T, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.items.hash(state);
    }
}

impl<T, V> Default for IdxVec<T, V> {
    fn default() -> Self {
        IdxVec::new()
    }
}

impl<T, V: fmt::Debug> fmt::Debug for IdxVec<T, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}

/// For tests: outside them clippy denies indexing an `IdxVec` (its `get` is fallible).
impl<T, V> Index<Idx<T>> for IdxVec<T, V> {
    type Output = V;
    #[allow(
        clippy::indexing_slicing,
        reason = "tests only: clippy denies it elsewhere"
    )]
    fn index(&self, id: Idx<T>) -> &V {
        &self.items[id.raw]
    }
}

impl<T, V> IndexMut<Idx<T>> for IdxVec<T, V> {
    #[allow(
        clippy::indexing_slicing,
        reason = "tests only: clippy denies it elsewhere"
    )]
    fn index_mut(&mut self, id: Idx<T>) -> &mut V {
        &mut self.items[id.raw]
    }
}

impl<T, V> From<Vec<V>> for IdxVec<T, V> {
    fn from(items: Vec<V>) -> Self {
        IdxVec {
            items,
            kind: PhantomData,
        }
    }
}

impl<T, V> FromIterator<V> for IdxVec<T, V> {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> Self {
        IdxVec::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<T, V> Extend<V> for IdxVec<T, V> {
    fn extend<I: IntoIterator<Item = V>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl<T, V> IntoIterator for IdxVec<T, V> {
    type Item = V;
    type IntoIter = std::vec::IntoIter<V>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T, V> IntoIterator for &'a IdxVec<T, V> {
    type Item = &'a V;
    type IntoIter = std::slice::Iter<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positions_and_lookups_find_their_items() {
        let mut a = Arena::new();
        let x = a.push("x");
        let y = a.push("y");
        assert_eq!((x.index(), y.index()), (0, 1));
        assert_eq!((a[x], a[y]), ("x", "y"));
        assert_eq!(a.ids().collect::<Vec<_>>(), vec![x, y]);
        assert_eq!(a.position(|s| *s == "y"), Some(y));
        assert_eq!(a.lookup(Idx::<&str>::from_raw(2)), None);
        assert_eq!(format!("{x:?}"), "0");
        assert_eq!(serde_json::to_string(&y).ok().as_deref(), Some("1"));
    }
}
