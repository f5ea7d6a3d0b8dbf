//! lsof's `-i` grammar: each NUL-separated piece of the input entered as
//! one `-i` argument (hosts resolve from a fixed snapshot /etc), then the
//! specs matched against endpoints of every family and protocol, and the
//! unfound report built, as the end of a run does.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::lsof::inet_spec::{InetSpecs, NetSelect, Proto};
use sockbox::core::names::hosts::Hosts;
use sockbox::core::names::services::LazyServices;
use sockbox_fuzz::{Snapshot, split_nul};
use std::sync::OnceLock;

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("lsof-inet");
        s.fixed_etc();
        s
    })
}

fuzz_target!(|data: &[u8]| {
    let root = snapshot().root();
    let services = LazyServices::new(&root);
    let hosts = Hosts::new(&root);
    let mut specs = InetSpecs::default();
    let mut net = NetSelect::default();
    let mut err = Vec::new();
    for arg in split_nul(data).into_iter().take(150) {
        let _ = specs.enter(b"lsof", arg, &mut net, &services, &hosts, &mut err);
    }
    let mut need = [[false; 3]; 2];
    specs.tables_needed(&mut need);
    let mut v6 = [0u8; 16];
    v6[15] = 1;
    let mut v4 = [0u8; 16];
    v4[..4].copy_from_slice(&[127, 0, 0, 1]);
    for proto in [Proto::Tcp, Proto::Udp, Proto::UdpLite] {
        for (is_v6, addr) in [(false, v4), (true, v6), (false, [0; 16])] {
            for port in [0, 22, 80, 65535, 70000] {
                let _ = specs.matches(proto, is_v6, &addr, port);
            }
        }
    }
    let _ = net.selects(true);
    let _ = net.selects(false);
    let _ = specs.unfound();
});
