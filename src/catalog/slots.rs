//! Case-insensitive open-addressing hash tables of indices into a name
//! table: how exact action and service names are found.
//!
//! A statement's actions are looked up by every rule that reads them, so
//! `s3:GetObject` and `s3` are the hottest catalog questions on a large
//! export. A binary search with case-folding comparisons costs a dozen
//! string comparisons per name; these tables cost one hash and, almost
//! always, one comparison. `build.rs` includes this file too and builds the
//! catalog's tables at compile time, so nothing is built at start-up (a
//! pre-commit run of one file pays nothing for 18,000 actions).
//!
//! Std only, and nothing from the crate: `build.rs` compiles it on its own.

/// A case-folding hash, so that a lookup hashes the name as the user wrote
/// it: eight bytes at a time (a multiply per word, where FNV-1a's multiply
/// per byte was a chain of two dozen for `service:Action`), each byte ORed
/// with `0x20`. That lowercases ASCII letters; it also merges a few other
/// bytes (`@` and `` ` ``), which only makes some other names share a hash:
/// the lookup compares names.
pub fn hash_ci(name: &[u8]) -> u64 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, word: &[u8]| {
        let mut w = [0u8; 8];
        let n = word.len().min(8);
        w[..n].copy_from_slice(&word[..n]);
        (h.rotate_left(23) ^ (u64::from_le_bytes(w) | FOLD)).wrapping_mul(K)
    };
    let mut h = name.len() as u64;
    let mut words = name.chunks_exact(8);
    for word in &mut words {
        h = mix(h, word);
    }
    if !words.remainder().is_empty() {
        h = mix(h, words.remainder());
    }
    // The table index takes the low bits: fold the product's high bits,
    // which every input bit reaches, into them.
    h ^ (h >> 32)
}

/// The slots for `count` names, `name(i)` giving the i-th: slot → index + 1
/// (0 is empty), a power of two at least twice the number of names so that
/// probes stay short. Among names equal case-insensitively the first is
/// kept, as a binary search in a table sorted by lowercase name would find
/// one of them. Used by `build.rs` (and by the tests that check its tables).
#[allow(dead_code)]
pub fn build<'n>(count: usize, name: impl Fn(usize) -> &'n [u8]) -> Vec<u32> {
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
    slots
}

/// The index of the name equal to `wanted` case-insensitively.
pub fn find<'n>(slots: &[u32], wanted: &[u8], name: impl Fn(usize) -> &'n [u8]) -> Option<usize> {
    let mask = slots.len().checked_sub(1)?;
    let mut s = hash_ci(wanted) as usize & mask;
    loop {
        match *slots.get(s)? {
            0 => return None,
            e => {
                let i = e as usize - 1;
                let n = name(i);
                // Most names are written as AWS writes them: one memcmp,
                // before the byte-by-byte case-folding comparison.
                if n == wanted || n.eq_ignore_ascii_case(wanted) {
                    return Some(i);
                }
            }
        }
        s = (s + 1) & mask;
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
        let slots = build(NAMES.len(), name);
        assert_eq!(find(&slots, b"s3", name), Some(0));
        // The first of two names equal but for case.
        assert_eq!(find(&slots, b"S3", name), Some(0));
        assert_eq!(find(&slots, b"EC2", name), Some(2));
        assert_eq!(find(&slots, b"lambda", name), Some(7));
        assert_eq!(find(&slots, b"", name), Some(6));
        assert_eq!(find(&slots, b"s4", name), None);
        assert_eq!(find(&slots, b"lambd", name), None);
        assert_eq!(find(&slots, b"lambdas", name), None);
    }

    #[test]
    fn the_hash_ignores_ascii_case_only() {
        assert_eq!(hash_ci(b"s3:GetObject"), hash_ci(b"S3:GETOBJECT"));
        assert_eq!(
            hash_ci(b"elasticloadbalancing:DescribeLoadBalancers"),
            hash_ci(b"ElasticLoadBalancing:describeloadbalancers")
        );
        assert_ne!(hash_ci(b"s3:GetObject"), hash_ci(b"s3:GetObjects"));
        assert_ne!(hash_ci(b"s3:GetObject"), hash_ci(b"s3:GetObjecu"));
        assert_ne!(hash_ci(b"ab"), hash_ci(b"ab "));
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let slots = build(0, name);
        assert_eq!(find(&slots, b"s3", name), None);
        assert_eq!(find(&[], b"s3", name), None);
    }
}
