//! `ss -i`: the tcp_info text (tcp_show_info / tcp_stats_print of ss 6.1),
//! from INET_DIAG_INFO and the congestion-control attributes.

use crate::core::netlink::{u32_ne, u64_ne};

/// The attributes -i reads (INET_DIAG_*).
pub const INFO: u16 = crate::core::netlink::inet_attr::INFO;
pub const VEGASINFO: u16 = 3;
pub const CONG: u16 = 4;
pub const DCTCPINFO: u16 = 9;
pub const BBRINFO: u16 = 16;
pub const ULP_INFO: u16 = 19;

/// `struct tcp_info` as iproute2 6.1 knows it (232 bytes): shorter
/// replies are zero-filled, longer ones cut.
const INFO_LEN: usize = 232;

/// C's `%g` with `precision` significant digits.
pub fn fmt_g(v: f64, precision: usize) -> String {
    let p = precision.max(1);
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let e_form = format!("{:.*e}", p - 1, v);
    let (mant, exp) = e_form.split_once('e').unwrap_or((&e_form, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    let strip = |s: String| -> String {
        if s.contains('.') {
            let t = s.trim_end_matches('0');
            t.trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if x < -4 || x >= p as i32 {
        let m = strip(mant.to_string());
        let sign = if x < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", x.abs())
    } else {
        strip(format!("{:.*}", (p as i32 - 1 - x).max(0) as usize, v))
    }
}

/// sprint_bw(): a rate in bits per second.
pub fn bw(v: f64, numeric: bool) -> String {
    if numeric {
        format!("{v:.0}")
    } else if v >= 1e12 {
        format!("{}T", fmt_g(v / 1e12, 3))
    } else if v >= 1e9 {
        format!("{}G", fmt_g(v / 1e9, 3))
    } else if v >= 1e6 {
        format!("{}M", fmt_g(v / 1e6, 3))
    } else if v >= 1e3 {
        format!("{}k", fmt_g(v / 1e3, 3))
    } else {
        fmt_g(v, 6)
    }
}

/// The tcp_info part of `-i` for one socket, appended to `t`.
/// `find(kind)` returns an attribute's payload.
pub fn write(t: &mut Vec<u8>, find: &dyn Fn(u16) -> Option<Vec<u8>>, state: u8, show_options: bool, numeric: bool) {
    let Some(raw) = find(INFO) else {
        ulp(t, find);
        return;
    };
    let mut info = [0u8; INFO_LEN];
    let n = raw.len().min(INFO_LEN);
    info[..n].copy_from_slice(&raw[..n]);
    let u8_at = |o: usize| info[o];
    let u32_at = |o: usize| u32_ne(&info, o);
    let u64_at = |o: usize| u64_ne(&info, o);
    let options = u8_at(5);
    let mut out = |s: &str| t.extend_from_slice(s.as_bytes());
    if show_options {
        for (bit, name) in [
            (1, " ts"),
            (2, " sack"),
            (8, " ecn"),
            (16, " ecnseen"),
            (32, " fastopen"),
        ] {
            if options & bit != 0 {
                out(name);
            }
        }
    }
    if let Some(c) = find(CONG) {
        let name = &c[..c.iter().position(|&b| b == 0).unwrap_or(c.len()).min(15)];
        if !name.is_empty() {
            out(" ");
            out(&String::from_utf8_lossy(name));
        }
    }
    if options & 4 != 0 {
        out(&format!(" wscale:{},{}", u8_at(6) & 0xf, u8_at(6) >> 4));
    }
    let rto = u32_at(8);
    if rto != 0 && rto != 3_000_000 {
        out(&format!(" rto:{}", fmt_g(rto as f64 / 1000.0, 6)));
    }
    if u8_at(4) != 0 {
        out(&format!(" backoff:{}", u8_at(4)));
    }
    let rtt_us = u32_at(68);
    if rtt_us != 0 {
        out(&format!(
            " rtt:{}/{}",
            fmt_g(rtt_us as f64 / 1000.0, 6),
            fmt_g(u32_at(72) as f64 / 1000.0, 6)
        ));
    }
    if u32_at(12) != 0 {
        out(&format!(" ato:{}", fmt_g(u32_at(12) as f64 / 1000.0, 6)));
    }
    let mss = u32_at(16);
    if mss != 0 {
        out(&format!(" mss:{}", mss as i32));
    }
    if u32_at(60) != 0 {
        out(&format!(" pmtu:{}", u32_at(60)));
    }
    if u32_at(20) != 0 {
        out(&format!(" rcvmss:{}", u32_at(20) as i32));
    }
    if u32_at(84) != 0 {
        out(&format!(" advmss:{}", u32_at(84) as i32));
    }
    let cwnd = u32_at(80);
    if cwnd != 0 {
        out(&format!(" cwnd:{cwnd}"));
    }
    let ssthresh = u32_at(76);
    if ssthresh < 0xFFFF && ssthresh != 0 {
        out(&format!(" ssthresh:{}", ssthresh as i32));
    }
    for (o, name) in [
        (200, "bytes_sent"),
        (208, "bytes_retrans"),
        (120, "bytes_acked"),
        (128, "bytes_received"),
    ] {
        if u64_at(o) != 0 {
            out(&format!(" {name}:{}", u64_at(o)));
        }
    }
    for (o, name) in [
        (136, "segs_out"),
        (140, "segs_in"),
        (156, "data_segs_out"),
        (152, "data_segs_in"),
    ] {
        if u32_at(o) != 0 {
            out(&format!(" {name}:{}", u32_at(o)));
        }
    }
    if let Some(d) = find(DCTCPINFO).filter(|d| d.len() >= 16) {
        let enabled = u16::from_ne_bytes([d[0], d[1]]) != 0;
        if enabled {
            out(&format!(
                " dctcp:(ce_state:{},alpha:{},ab_ecn:{},ab_tot:{})",
                u16::from_ne_bytes([d[2], d[3]]),
                u32_ne(&d, 4),
                u32_ne(&d, 8),
                u32_ne(&d, 12)
            ));
        } else {
            out(" dctcp:fallback_mode");
        }
    }
    if let Some(b) = find(BBRINFO) {
        let mut bbr = [0u8; 20];
        let n = b.len().min(20);
        bbr[..n].copy_from_slice(&b[..n]);
        let rate = ((u32_ne(&bbr, 4) as u64) << 32 | u32_ne(&bbr, 0) as u64) as f64 * 8.0;
        out(&format!(
            " bbr:(bw:{}bps,mrtt:{}",
            bw(rate, numeric),
            fmt_g(u32_ne(&bbr, 8) as f64 / 1000.0, 6)
        ));
        if u32_ne(&bbr, 12) != 0 {
            out(&format!(",pacing_gain:{}", fmt_g(u32_ne(&bbr, 12) as f64 / 256.0, 6)));
        }
        if u32_ne(&bbr, 16) != 0 {
            out(&format!(",cwnd_gain:{}", fmt_g(u32_ne(&bbr, 16) as f64 / 256.0, 6)));
        }
        out(")");
    }
    // send rate: cwnd * mss over the (vegas, when enabled) rtt.
    let mut rtt = rtt_us as f64;
    if let Some(v) = find(VEGASINFO).filter(|v| v.len() >= 16) {
        let (enabled, vrtt) = (u32_ne(&v, 0), u32_ne(&v, 8));
        if enabled != 0 && vrtt != 0 && vrtt != 0x7fff_ffff {
            rtt = vrtt as f64;
        }
    }
    if rtt > 0.0 && mss != 0 && cwnd != 0 {
        let send = cwnd as f64 * mss as f64 * 8_000_000.0 / rtt;
        out(&format!(" send {}bps", bw(send, numeric)));
    }
    for (o, name) in [(44, "lastsnd"), (52, "lastrcv"), (56, "lastack")] {
        if u32_at(o) != 0 {
            out(&format!(" {name}:{}", u32_at(o)));
        }
    }
    let pacing = u64_at(104);
    if pacing != 0 && pacing != u64::MAX {
        out(&format!(" pacing_rate {}bps", bw(pacing as f64 * 8.0, numeric)));
        let max = u64_at(112);
        if max != 0 && max != u64::MAX {
            out(&format!("/{}bps", bw(max as f64 * 8.0, numeric)));
        }
    }
    let delivery = u64_at(160) as f64 * 8.0;
    if delivery != 0.0 {
        out(&format!(" delivery_rate {}bps", bw(delivery, numeric)));
    }
    if u32_at(192) != 0 {
        out(&format!(" delivered:{}", u32_at(192)));
    }
    if u32_at(196) != 0 {
        out(&format!(" delivered_ce:{}", u32_at(196)));
    }
    if u8_at(7) & 1 != 0 {
        out(" app_limited");
    }
    let busy = u64_at(168);
    if busy != 0 {
        out(&format!(" busy:{}ms", busy / 1000));
        for (o, name) in [(176, "rwnd_limited"), (184, "sndbuf_limited")] {
            let v = u64_at(o);
            if v != 0 {
                out(&format!(
                    " {name}:{}ms({:.1}%)",
                    v / 1000,
                    100.0 * v as f64 / busy as f64
                ));
            }
        }
    }
    if u32_at(24) != 0 {
        out(&format!(" unacked:{}", u32_at(24)));
    }
    if u32_at(36) != 0 || u32_at(100) != 0 {
        out(&format!(" retrans:{}/{}", u32_at(36), u32_at(100)));
    }
    if u32_at(32) != 0 {
        out(&format!(" lost:{}", u32_at(32)));
    }
    if u32_at(28) != 0 && state != 10 {
        out(&format!(" sacked:{}", u32_at(28)));
    }
    if u32_at(216) != 0 {
        out(&format!(" dsack_dups:{}", u32_at(216)));
    }
    if u32_at(40) != 0 {
        out(&format!(" fackets:{}", u32_at(40)));
    }
    if u32_at(88) != 3 {
        out(&format!(" reordering:{}", u32_at(88) as i32));
    }
    if u32_at(220) != 0 {
        out(&format!(" reord_seen:{}", u32_at(220) as i32));
    }
    if u32_at(92) != 0 {
        out(&format!(" rcv_rtt:{}", fmt_g(u32_at(92) as f64 / 1000.0, 6)));
    }
    if u32_at(96) != 0 {
        out(&format!(" rcv_space:{}", u32_at(96) as i32));
    }
    if u32_at(64) != 0 {
        out(&format!(" rcv_ssthresh:{}", u32_at(64)));
    }
    if u32_at(144) != 0 {
        out(&format!(" notsent:{}", u32_at(144)));
    }
    let min_rtt = u32_at(148);
    if min_rtt != 0 && min_rtt != u32::MAX {
        out(&format!(" minrtt:{}", fmt_g(min_rtt as f64 / 1000.0, 6)));
    }
    if u32_at(224) != 0 {
        out(&format!(" rcv_ooopack:{}", u32_at(224)));
    }
    if u32_at(228) != 0 {
        out(&format!(" snd_wnd:{}", u32_at(228)));
    }
    ulp(t, find);
}

/// tcp_stats_print() of a /proc row: only rto, ato, qack, cwnd and
/// ssthresh are known; everything else is zero (so `reordering:0` shows).
pub fn write_proc(t: &mut Vec<u8>, rto: f64, ato: f64, qack: i64, cwnd: i64, ssthresh: i64, retrans: i64) {
    let mut out = |s: String| t.extend_from_slice(s.as_bytes());
    if rto != 0.0 {
        out(format!(" rto:{}", fmt_g(rto, 6)));
    }
    if ato != 0.0 {
        out(format!(" ato:{}", fmt_g(ato, 6)));
    }
    let qack = qack as i32;
    if qack != 0 {
        out(format!(" qack:{qack}"));
    }
    if qack & 1 != 0 {
        out(" bidir".to_string());
    }
    if cwnd as u32 != 0 {
        out(format!(" cwnd:{}", cwnd as u32));
    }
    let ssthresh = if ssthresh == -1 { 0 } else { ssthresh as i32 };
    if ssthresh != 0 {
        out(format!(" ssthresh:{ssthresh}"));
    }
    if retrans as u32 != 0 {
        out(format!(" retrans:{}/0", retrans as u32));
    }
    out(" reordering:0".to_string());
}

/// ` tcp-ulp-NAME` (the ULP's own details are not rendered: COMPAT.md).
fn ulp(t: &mut Vec<u8>, find: &dyn Fn(u16) -> Option<Vec<u8>>) {
    let Some(u) = find(ULP_INFO) else { return };
    for (kind, v) in crate::core::netlink::attrs(&u) {
        if kind == 1 {
            // INET_ULP_INFO_NAME
            let name = &v[..v.iter().position(|&b| b == 0).unwrap_or(v.len())];
            t.extend_from_slice(b" tcp-ulp-");
            t.extend_from_slice(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_matches_printf() {
        // Expected texts are what glibc's printf("%g") prints.
        for (v, want) in [
            (0.172, "0.172"),
            (204.0, "204"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1234567.0, "1.23457e+06"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (2.5, "2.5"),
            (0.043, "0.043"),
            (40.0, "40"),
        ] {
            assert_eq!(fmt_g(v, 6), want, "{v}");
        }
        assert_eq!(fmt_g(15.234, 3), "15.2");
        assert_eq!(fmt_g(43.61, 3), "43.6");
        assert_eq!(fmt_g(999.9, 3), "1e+03");
        assert_eq!(bw(15.2e9, false), "15.2G");
        assert_eq!(bw(0.0, false), "0");
        assert_eq!(bw(1234.0, true), "1234");
    }
}
