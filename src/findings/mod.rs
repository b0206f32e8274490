//! findings stage (to be filled in).
