//! ingest stage (to be filled in).
