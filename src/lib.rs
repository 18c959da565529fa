//! iamchain: a static analyzer for AWS IAM that follows trust chains.
//!
//! ```text
//! discover ──> load ──> policy ──> rules ──> report ──> output
//!  (paths)   (formats)  (IAM model)  (findings)  (sort,     (text, concise,
//!                                                ignores)   json)
//! ```
//!
//! [`discover`] walks the given paths; [`load`] reads each file into a
//! span-keeping tree and finds the policies in it; [`policy`] models the IAM
//! language and evaluates it; [`rules`] check the model and report through a
//! context; [`engine`] runs it all in parallel and sorts the [`diagnostic`]s;
//! [`output`] renders them. [`catalog`] is the embedded AWS knowledge base.
#![forbid(unsafe_code)]

pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod graph;
pub mod load;
pub mod locate;
pub mod memo;
pub mod model;
pub mod output;
pub mod policy;
pub mod principals;
pub mod rules;
pub mod runs;
pub mod since;
pub mod source;
pub mod threads;
pub mod timings;
