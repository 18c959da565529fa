//! AWS knowledge: actions, access levels, resource types, condition keys (to be written).
