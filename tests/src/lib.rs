//! End-to-end browser tests for Switchyard.
