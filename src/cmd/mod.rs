//! The commands, one file each; thin wrappers around [`crate::site`].

pub mod build;
