//! Tests of the extractor as a whole, on short texts of our own.
