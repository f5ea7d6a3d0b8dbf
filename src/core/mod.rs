//! The shared core: everything the three personalities have in common.
//! Sources know the kernel and nothing about output; renderers live in the
//! applets.

pub mod escape;
pub mod getopt;
pub mod inventory;
pub mod model;
pub mod names;
pub mod netlink;
pub mod netns;
pub mod out;
pub mod owners;
pub mod par;
pub mod proc_net;
pub mod procinfo;
pub mod recent;
pub mod root;
pub mod sys;
