//! output stage (to be filled in).
