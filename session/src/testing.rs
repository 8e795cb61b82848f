//! Test generators: random runs (`generate`) and small fixtures (`fixture`), for this crate's
//! tests and, behind the `testing` feature, for the tests of the crates that use it.

#[cfg(test)]
pub(crate) mod fixture;
pub mod generate;
