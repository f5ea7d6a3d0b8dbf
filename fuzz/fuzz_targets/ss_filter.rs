//! ss's filter language: the input's NUL-separated words as the
//! expression (each word split at blanks, as ss's lexer does), after the
//! options of the chosen set (which fix the families and tables the
//! expression may change). The tree is compiled to the kernel bytecode and
//! evaluated on a few sockets of each family.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sockbox::applets::ss::filter::{self, Parser, Sock};
use sockbox::applets::ss::options;
use sockbox_fuzz::{Snapshot, argv, selector, words};
use std::io::sink;
use std::sync::OnceLock;

const OPTION_SETS: &[&[&str]] = &[
    &["-a"],
    &["-ta"],
    &["-4a"],
    &["-6a"],
    &["-xa"],
    &["-0a"],
    &["-ua", "-n"],
];

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let s = Snapshot::new("ss-filter");
        s.fixed_etc();
        s
    })
}

fn socks() -> Vec<Sock<'static>> {
    let mut v6 = [0u8; 16];
    v6[15] = 1;
    let mut mapped = [0u8; 16];
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped[12..].copy_from_slice(&[10, 0, 0, 1]);
    let v4 = |a: [u8; 4]| {
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&a);
        b
    };
    let inet = |family, local, remote, lport, rport| Sock {
        family,
        local,
        remote,
        lport,
        rport,
        iface: 1,
        mark: 0x11,
        cgroup: 1,
        local_name: None,
        remote_name: None,
    };
    vec![
        inet(2, v4([127, 0, 0, 1]), v4([10, 0, 0, 1]), 22, 40000),
        inet(2, v4([0, 0, 0, 0]), v4([0, 0, 0, 0]), 0, 0),
        inet(10, v6, mapped, 443, 65535),
        inet(10, [0; 16], v6, -1, 80),
        Sock {
            family: 1,
            local: [0; 16],
            remote: [0; 16],
            lport: 0,
            rport: 0,
            iface: 0,
            mark: 0,
            cgroup: 0,
            local_name: Some(b"/run/a.sock"),
            remote_name: Some(b"@abstract"),
        },
        Sock {
            family: 1,
            local: [0; 16],
            remote: [0; 16],
            lport: 0,
            rport: 0,
            iface: 0,
            mark: 0,
            cgroup: 0,
            local_name: None,
            remote_name: None,
        },
    ]
}

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = selector(data, OPTION_SETS.len()) else {
        return;
    };
    let snap = snapshot();
    let args = argv(OPTION_SETS[which].join("\0").as_bytes());
    let mut opts = match options::parse(b"ss", &args, &mut sink(), &mut sink()) {
        options::Parsed::Run(o) => o,
        options::Parsed::Exit(_) => unreachable!("the option sets are valid"),
    };
    if options::resolve(&mut opts, &mut sink()).is_err() {
        return;
    }
    let root = snap.root();
    let mut err = sink();
    let parsed = Parser::new(
        words(rest),
        &mut opts.filter,
        &mut opts.preferred_family,
        &root,
        &mut err,
    )
    .parse();
    let Ok(Some(expr)) = parsed else { return };
    let _ = filter::compile(&expr);
    for s in socks() {
        let _ = expr.eval(&s, &mut |p| (1024..5000).contains(&p));
    }
});
