//! indicators stage (to be filled in).
