//! Process-wide memo tables for functions of fixed data (the embedded
//! catalog, static rule tables): a did-you-mean per distinct misspelling,
//! an AWS managed policy's method hits, a rule's expanded action list.
//! Keys must determine the value for the life of the process — never key by
//! something a run owns (an address, an index).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, OnceLock};

/// A table that remembers `make`'s answer per key, up to `max` keys (past
/// that it computes without remembering, so hostile input cannot grow it).
pub struct Memo<K, V> {
    map: OnceLock<Mutex<HashMap<K, V, foldhash::fast::RandomState>>>,
    max: usize,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// An empty table of at most `max` entries.
    pub const fn new(max: usize) -> Self {
        Memo {
            map: OnceLock::new(),
            max,
        }
    }

    /// The value for `key`, computed by `make` the first time.
    pub fn get_or<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let map = self.map.get_or_init(Default::default);
        if let Some(hit) = map.lock().ok().and_then(|m| m.get(key).cloned()) {
            return hit;
        }
        let value = make();
        if let Ok(mut m) = map.lock()
            && m.len() < self.max
        {
            m.insert(key.to_owned(), value.clone());
        }
        value
    }
}

/// Answers about the catalog's static strings (a resource type's ARN,
/// a format), remembered for one statement: the actions of one service
/// share a handful of types, so a rule asks about the same few again and
/// again. A string is told by its address (the catalog's text is static,
/// and equal text at two addresses would only be asked about twice). At
/// most [`Told::MAX`] answers are kept, so that a linear search stays
/// cheap.
pub struct Told<V> {
    told: Vec<(usize, V)>,
}

impl<V> Default for Told<V> {
    fn default() -> Self {
        Told { told: Vec::new() }
    }
}

impl<V: Copy> Told<V> {
    /// The most answers kept.
    pub const MAX: usize = 64;

    /// The answer for `text`, computed by `make` the first time.
    pub fn get_or(&mut self, text: &'static str, make: impl FnOnce() -> V) -> V {
        let at = text.as_ptr() as usize;
        if let Some(&(_, v)) = self.told.iter().find(|(a, _)| *a == at) {
            return v;
        }
        let v = make();
        if self.told.len() < Self::MAX {
            self.told.push((at, v));
        }
        v
    }

    /// How many answers are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.told.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn told_remembers_by_address_up_to_its_bound() {
        // Seventy strings at seventy addresses.
        static TEXT: &str =
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr";
        let mut told = Told::default();
        assert!(told.get_or("a", || true));
        assert!(told.get_or("a", || false), "the first answer is kept");
        assert_eq!(told.len(), 1);
        for i in 0..70 {
            told.get_or(&TEXT[i..=i], || false);
        }
        assert_eq!(told.len(), Told::<bool>::MAX);
    }

    #[test]
    fn remembers_up_to_its_bound() {
        static M: Memo<String, usize> = Memo::new(1);
        let mut calls = 0;
        assert_eq!(
            M.get_or("a", || {
                calls += 1;
                1
            }),
            1
        );
        assert_eq!(
            M.get_or("a", || {
                calls += 1;
                2
            }),
            1
        );
        assert_eq!(
            M.get_or("b", || {
                calls += 1;
                3
            }),
            3
        );
        assert_eq!(
            M.get_or("b", || {
                calls += 1;
                4
            }),
            4,
            "past the bound: not kept"
        );
        assert_eq!(calls, 3);
    }
}
