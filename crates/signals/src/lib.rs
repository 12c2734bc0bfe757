//! tachyon-signals (in progress).
