//! Access levels as flags: AWS gives some actions a compound level such as
//! "Permissions management, Write", so a single enum would lose information.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A set of AWS access levels (List, Read, Write, Permissions management,
/// Tagging), as the Service Authorization Reference assigns them to actions.
///
/// Most actions have one level; about 1,100 have two (`Tagging, Write`,
/// `Permissions management, Write`). Use [`AccessLevel::contains`] or
/// [`AccessLevel::intersects`] to classify, and [`AccessLevel::primary`] when
/// a single level is needed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct AccessLevel(u8);

impl AccessLevel {
    /// No level (the empty set).
    pub const NONE: AccessLevel = AccessLevel(0);
    /// List: enumerate resources.
    pub const LIST: AccessLevel = AccessLevel(1);
    /// Read: read contents and attributes.
    pub const READ: AccessLevel = AccessLevel(2);
    /// Write: create, change or delete resources.
    pub const WRITE: AccessLevel = AccessLevel(4);
    /// Permissions management: grant or change permissions.
    pub const PERMISSIONS_MANAGEMENT: AccessLevel = AccessLevel(8);
    /// Tagging: change tags only.
    pub const TAGGING: AccessLevel = AccessLevel(16);

    /// The levels in the order they are displayed and ranked, highest first.
    const RANKED: [(AccessLevel, &'static str); 5] = [
        (
            AccessLevel::PERMISSIONS_MANAGEMENT,
            "Permissions management",
        ),
        (AccessLevel::TAGGING, "Tagging"),
        (AccessLevel::WRITE, "Write"),
        (AccessLevel::READ, "Read"),
        (AccessLevel::LIST, "List"),
    ];

    /// The raw bits (LIST = 1, READ = 2, WRITE = 4, PERMISSIONS_MANAGEMENT = 8,
    /// TAGGING = 16).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The set with these bits; unknown bits are dropped.
    pub const fn from_bits_truncate(bits: u8) -> AccessLevel {
        AccessLevel(bits & 0x1f)
    }

    /// Whether every level in `other` is in `self`.
    pub const fn contains(self, other: AccessLevel) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether `self` and `other` share a level.
    pub const fn intersects(self, other: AccessLevel) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The union of both sets.
    pub const fn union(self, other: AccessLevel) -> AccessLevel {
        AccessLevel(self.0 | other.0)
    }

    /// The single highest-ranked level, by Permissions management > Tagging >
    /// Write > Read > List; [`AccessLevel::NONE`] for the empty set.
    pub fn primary(self) -> AccessLevel {
        Self::RANKED
            .iter()
            .map(|&(level, _)| level)
            .find(|&level| self.contains(level))
            .unwrap_or(AccessLevel::NONE)
    }

    /// The individual levels in the set, highest-ranked first.
    pub fn iter(self) -> impl Iterator<Item = AccessLevel> {
        Self::RANKED
            .iter()
            .map(|&(level, _)| level)
            .filter(move |&level| self.contains(level))
    }

    /// The AWS name of a single level ("Permissions management"); for a
    /// compound set, the name of its primary level; "" for the empty set.
    pub fn name(self) -> &'static str {
        let primary = self.primary();
        Self::RANKED
            .iter()
            .find(|&&(level, _)| level == primary)
            .map_or("", |&(_, name)| name)
    }
}

impl BitOr for AccessLevel {
    type Output = AccessLevel;
    fn bitor(self, rhs: AccessLevel) -> AccessLevel {
        self.union(rhs)
    }
}

impl BitOrAssign for AccessLevel {
    fn bitor_assign(&mut self, rhs: AccessLevel) {
        *self = self.union(rhs);
    }
}

/// AWS's spelling, highest-ranked first: `Permissions management, Write`.
impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, level) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(level.name())?;
        }
        Ok(())
    }
}

impl fmt::Debug for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessLevel({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::AccessLevel;

    #[test]
    fn primary_ranks_permissions_management_first() {
        let pw = AccessLevel::PERMISSIONS_MANAGEMENT | AccessLevel::WRITE;
        assert_eq!(pw.primary(), AccessLevel::PERMISSIONS_MANAGEMENT);
        let tw = AccessLevel::TAGGING | AccessLevel::WRITE;
        assert_eq!(tw.primary(), AccessLevel::TAGGING);
        assert_eq!(
            (AccessLevel::READ | AccessLevel::LIST).primary(),
            AccessLevel::READ
        );
        assert_eq!(AccessLevel::NONE.primary(), AccessLevel::NONE);
    }

    #[test]
    fn display_matches_aws_spelling() {
        let pw = AccessLevel::PERMISSIONS_MANAGEMENT | AccessLevel::WRITE;
        assert_eq!(pw.to_string(), "Permissions management, Write");
        assert_eq!(
            (AccessLevel::WRITE | AccessLevel::TAGGING).to_string(),
            "Tagging, Write"
        );
        assert_eq!(AccessLevel::LIST.to_string(), "List");
        assert_eq!(AccessLevel::NONE.to_string(), "");
    }

    #[test]
    fn set_operations() {
        let pw = AccessLevel::PERMISSIONS_MANAGEMENT | AccessLevel::WRITE;
        assert!(pw.contains(AccessLevel::WRITE));
        assert!(!pw.contains(AccessLevel::WRITE | AccessLevel::READ));
        assert!(pw.intersects(AccessLevel::WRITE | AccessLevel::READ));
        assert!(!pw.intersects(AccessLevel::READ));
        assert_eq!(AccessLevel::from_bits_truncate(0xff).bits(), 0x1f);
    }
}
