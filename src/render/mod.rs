//! render stage (to be filled in).
