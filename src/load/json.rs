//! Span-keeping JSON parser (to be written).
