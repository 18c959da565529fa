//! Rules about stored credentials: secrets that outlive any session.

pub mod long_lived_access_key;
