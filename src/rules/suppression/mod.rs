//! Rules about suppressions themselves: ignores that no longer do anything.
//! The engine decides which suppressions matched while it filters findings
//! (`engine::apply_ignores`); these rules turn the outcome into findings.

pub mod unused_suppression;
