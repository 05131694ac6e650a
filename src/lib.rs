//! bantin: a static site generator for news bulletins, built for Vietnamese newsrooms.
//!
//! The pipeline (see `DESIGN.md`): [`content`] discovers and parses bulletins, [`markdown`]
//! renders their bodies, [`archive`] sorts and groups them, [`render`] turns the archive into
//! pages through the theme, and [`output`] publishes them atomically. [`build`] is the pipeline that runs it all, with
//! [`cache`] beside it; [`hash`], [`text`] and [`diag`] are the ground floor every stage stands on.

pub mod archive;
pub mod build;
pub mod cache;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diag;
pub mod feeds;
pub mod hash;
pub mod import;
pub mod markdown;
pub mod output;
pub mod photos;
pub mod render;
pub mod search;
#[cfg(test)]
mod testing;
pub mod text;
