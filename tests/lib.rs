//! Shared helpers for the Lab 3 suite and the sweep.
