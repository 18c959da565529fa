//! A set of catalog actions, one bit per action of the catalog: for rules
//! that keep a short list of actions and ask, of every action item a
//! statement names, whether it is on the list. Most items name an action
//! the list does not hold, and one bit says so where a search of the list
//! compared a dozen entries.

use super::{Action, action_count};

/// A set of catalog actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionSet {
    /// Bit `i % 64` of word `i / 64` is set when the action at catalog
    /// index `i` is in the set.
    bits: Vec<u64>,
}

impl Default for ActionSet {
    fn default() -> Self {
        ActionSet {
            bits: vec![0; action_count().div_ceil(64)],
        }
    }
}

impl ActionSet {
    /// Whether `action` is in the set.
    pub fn contains(&self, action: Action) -> bool {
        let i = action.index();
        self.bits
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }

    /// Add `action`.
    pub fn insert(&mut self, action: Action) {
        let i = action.index();
        if let Some(w) = self.bits.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
}

impl FromIterator<Action> for ActionSet {
    fn from_iter<I: IntoIterator<Item = Action>>(actions: I) -> Self {
        let mut set = ActionSet::default();
        for a in actions {
            set.insert(a);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_what_was_put_in_and_nothing_else() {
        let names = ["s3:GetObject", "iam:PassRole", "sts:AssumeRole"];
        let put: Vec<Action> = names
            .iter()
            .map(|n| crate::catalog::action(n).expect("in catalog"))
            .collect();
        // The first and last action of the catalog: the ends of the bits.
        let ends = [
            Action::from_index(0).expect("first"),
            Action::from_index(action_count() - 1).expect("last"),
        ];
        let set: ActionSet = put.iter().chain(&ends).copied().collect();
        for a in crate::catalog::actions() {
            assert_eq!(
                set.contains(a),
                put.contains(&a) || ends.contains(&a),
                "{}",
                a.full_name()
            );
        }
        assert!(!ActionSet::default().contains(ends[0]));
    }
}
