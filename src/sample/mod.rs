//! sample stage (to be filled in).
