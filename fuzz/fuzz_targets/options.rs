//! The three applets' option parsers (netstat and ss through core::getopt's
//! getopt_long, lsof through its own): the first byte picks the applet, the
//! rest are argv words separated by NUL. ss's parse goes on through
//! `resolve` (state words, defaults) and the filter expression, as its
//! main() does; nothing is run.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::lsof::options as lsof_options;
use sockbox::applets::netstat::options as netstat_options;
use sockbox::applets::ss::{filter, options as ss_options};
use sockbox::core::names::hosts::Hosts;
use sockbox::core::names::services::LazyServices;
use sockbox::core::names::users::Users;
use sockbox_fuzz::{Snapshot, argv, selector, words};
use std::io::sink;
use std::sync::OnceLock;

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("options");
        s.fixed_etc();
        s
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = selector(data, 3) else { return };
    let root = snapshot().root();
    match which {
        0 => {
            let _ = netstat_options::parse(b"netstat", &argv(rest), &mut sink(), &mut sink());
        }
        1 => {
            let args = argv(rest);
            let mut o = match ss_options::parse(b"ss", &args, &mut sink(), &mut sink()) {
                ss_options::Parsed::Run(o) => o,
                ss_options::Parsed::Exit(_) => return,
            };
            if ss_options::resolve(&mut o, &mut sink()).is_err() {
                return;
            }
            let words = std::mem::take(&mut o.operands);
            let mut err = sink();
            let _ = filter::Parser::new(words, &mut o.filter, &mut o.preferred_family, &root, &mut err).parse();
        }
        _ => {
            let services = LazyServices::new(&root);
            let hosts = Hosts::new(&root);
            let mut users = Users::new(&root);
            let mut err = Vec::new();
            let _ = lsof_options::parse(b"lsof", &words(rest), &services, &hosts, &mut users, &mut err);
        }
    }
});
