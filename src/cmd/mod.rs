//! The commands, one file each; thin wrappers around [`crate::site`].

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;
