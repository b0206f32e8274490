//! clv stage (to be filled in).
