//! Case-insensitive hash indexes over the static name tables.
//!
//! A statement's actions are looked up by every rule that reads them, so
//! exact names (`s3:GetObject`, the service `s3`) are the hottest catalog
//! question on a large export. A binary search with case-folding compares
//! costs a dozen string comparisons per name; these open-addressing tables
//! of indices cost one hash and, almost always, one comparison. They are
//! built on first use from the static tables (a `Vec<u32>`, no strings).

use std::sync::OnceLock;

/// An open-addressing table of indices into a static name table.
pub(super) struct CiIndex {
    /// Slot → index + 1 (0 is empty). A power of two at least twice the
    /// number of names, so probes stay short.
    slots: Vec<u32>,
}

/// FNV-1a over the ASCII-lowercased bytes: names are short, and a
/// case-folding hash lets the lookup hash the name as the user wrote it.
fn hash_ci(name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // Fold the high bits in: the table index takes the low ones.
    h ^ (h >> 29)
}

impl CiIndex {
    /// Indexes `count` names, `name(i)` giving the i-th. Among names equal
    /// case-insensitively the first is kept, as a binary search in a table
    /// sorted by lowercase name would find one of them.
    pub(super) fn build(count: usize, name: impl Fn(usize) -> &'static [u8]) -> Self {
        let size = (count * 2).next_power_of_two().max(2);
        let mut slots = vec![0u32; size];
        let mask = size - 1;
        for i in 0..count {
            let n = name(i);
            let mut s = hash_ci(n) as usize & mask;
            loop {
                match slots[s] {
                    0 => {
                        slots[s] = u32::try_from(i + 1).unwrap_or(u32::MAX);
                        break;
                    }
                    e if name(e as usize - 1).eq_ignore_ascii_case(n) => break,
                    _ => s = (s + 1) & mask,
                }
            }
        }
        CiIndex { slots }
    }

    /// The index of the name equal to `wanted` case-insensitively.
    pub(super) fn get(
        &self,
        wanted: &[u8],
        name: impl Fn(usize) -> &'static [u8],
    ) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut s = hash_ci(wanted) as usize & mask;
        loop {
            match *self.slots.get(s)? {
                0 => return None,
                e => {
                    let i = e as usize - 1;
                    if name(i).eq_ignore_ascii_case(wanted) {
                        return Some(i);
                    }
                }
            }
            s = (s + 1) & mask;
        }
    }
}

/// A lazily built index.
pub(super) struct Lazy(OnceLock<CiIndex>);

impl Lazy {
    pub(super) const fn new() -> Self {
        Lazy(OnceLock::new())
    }

    pub(super) fn get(
        &self,
        wanted: &[u8],
        count: usize,
        name: impl Fn(usize) -> &'static [u8] + Copy,
    ) -> Option<usize> {
        self.0
            .get_or_init(|| CiIndex::build(count, name))
            .get(wanted, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["s3", "S3", "ec2", "iam", "sts", "a", "", "Lambda"];

    fn name(i: usize) -> &'static [u8] {
        NAMES[i].as_bytes()
    }

    #[test]
    fn finds_every_name_in_any_case_and_nothing_else() {
        let index = CiIndex::build(NAMES.len(), name);
        assert_eq!(index.get(b"s3", name), Some(0));
        // The first of two names equal but for case.
        assert_eq!(index.get(b"S3", name), Some(0));
        assert_eq!(index.get(b"EC2", name), Some(2));
        assert_eq!(index.get(b"lambda", name), Some(7));
        assert_eq!(index.get(b"", name), Some(6));
        assert_eq!(index.get(b"s4", name), None);
        assert_eq!(index.get(b"lambd", name), None);
        assert_eq!(index.get(b"lambdas", name), None);
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let index = CiIndex::build(0, name);
        assert_eq!(index.get(b"s3", name), None);
    }
}
