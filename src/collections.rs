//! The hash maps and sets of the stages that key by names, paths and ids.
//!
//! std's `RandomState` seeds every map differently, so the fuzzer saw different
//! coverage from the same input (probe lengths and iteration orders differ) and kept
//! inputs that found nothing new. Built for fuzzing (`cfg(fuzzing)`, set by cargo-fuzz)
//! the maps hash with fixed keys, so that a run depends on its input alone. Every other
//! build keeps the random seeds: with keys known in advance, a file could be written
//! whose names all collide, and every lookup would become a scan.

#[cfg(not(fuzzing))]
pub(crate) type State = std::collections::hash_map::RandomState;
#[cfg(fuzzing)]
pub(crate) type State = std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>;

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, State>;
pub(crate) type HashSet<T> = std::collections::HashSet<T, State>;
