//! The shared core: everything the three personalities have in common.
//! Sources know the kernel and nothing about output; renderers live in the
//! applets.
