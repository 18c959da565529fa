//! YAML loader (to be written).
