//! Fuzz the configuration parser: `config::parse` on arbitrary text returns
//! a configuration or an error with a span inside the text, never panics.
//!
//! Run on stable: `cargo fuzz run -s none config`.
#![no_main]

use iamchain::config::parse;
use iamchain::source::SourceId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = parse(text, SourceId(0))
        && let Some(span) = e.span
    {
        let (s, end) = (span.start as usize, span.end as usize);
        assert!(s <= end && end <= text.len(), "{span:?} outside the text");
    }
});
