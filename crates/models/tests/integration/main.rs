//! Integration tests of tachyon-models against reference fixtures.
