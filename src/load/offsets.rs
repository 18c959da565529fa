//! Offset maps from decoded embedded text back to file bytes (to be written).
