//! glibc 2.36 `getopt_long`, faithfully: the originals netstat and ss parse
//! their command lines with it, so their exact behaviour (permutation,
//! bundling, unique prefixes, ambiguity, and the error texts) is reproduced
//! here over byte strings.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
    Optional,
}

/// One entry of a `struct option` table (the `flag` pointer is never used
/// by our applets, so options always return `val`).
#[derive(Debug, Clone, Copy)]
pub struct LongOpt {
    pub name: &'static str,
    pub has_arg: HasArg,
    pub val: i32,
}

impl LongOpt {
    pub const fn new(name: &'static str, has_arg: HasArg, val: i32) -> LongOpt {
        LongOpt { name, has_arg, val }
    }
}

/// What one call of getopt_long returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Got<'a> {
    /// The option character or long option `val`; `'?'` (or `':'`) on error.
    pub val: i32,
    /// The index in the long option table when a long option matched.
    pub long_index: Option<usize>,
    pub arg: Option<&'a [u8]>,
}

pub struct Getopt<'a> {
    argv0: &'a [u8],
    args: &'a [OsString],
    optstring: &'a [u8],
    longopts: &'a [LongOpt],
    /// Index of the next argument to look at.
    idx: usize,
    /// Position inside a bundle of short options (0: not inside one).
    nextchar: usize,
    /// Arguments that are not options, in order (what ends up after the
    /// options once glibc has permuted argv).
    pub operands: Vec<&'a [u8]>,
    /// Stop at the first non-option (`+` in optstring or POSIXLY_CORRECT).
    require_order: bool,
    print_errors: bool,
    done: bool,
}

impl<'a> Getopt<'a> {
    /// `argv0` is the program name errors are prefixed with (argv[0] as
    /// given); `args` excludes it.
    pub fn new(argv0: &'a [u8], args: &'a [OsString], optstring: &'a [u8], longopts: &'a [LongOpt]) -> Self {
        let mut opts = optstring;
        let mut require_order = std::env::var_os("POSIXLY_CORRECT").is_some();
        if let Some(&c) = opts.first() {
            if c == b'+' {
                require_order = true;
                opts = &opts[1..];
            } else if c == b'-' {
                opts = &opts[1..];
            }
        }
        let print_errors = opts.first() != Some(&b':');
        Getopt {
            argv0,
            args,
            optstring: opts,
            longopts,
            idx: 0,
            nextchar: 0,
            operands: Vec::new(),
            require_order,
            print_errors,
            done: false,
        }
    }

    fn arg(&self, i: usize) -> &'a [u8] {
        self.args[i].as_bytes()
    }

    fn missing_arg_val(&self) -> u8 {
        if self.optstring.first() == Some(&b':') {
            b':'
        } else {
            b'?'
        }
    }

    /// The next option, or `None` when options are exhausted (the
    /// remaining arguments are then in `operands`). Error messages go to
    /// `err` exactly as glibc prints them.
    pub fn next(&mut self, err: &mut dyn Write) -> Option<Got<'a>> {
        if self.done {
            return None;
        }
        if self.nextchar == 0 {
            loop {
                if self.idx >= self.args.len() {
                    self.done = true;
                    return None;
                }
                let a = self.arg(self.idx);
                if a == b"--" {
                    self.idx += 1;
                    self.take_rest();
                    return None;
                }
                if a.len() < 2 || a[0] != b'-' {
                    if self.require_order {
                        self.take_rest();
                        return None;
                    }
                    self.operands.push(a);
                    self.idx += 1;
                    continue;
                }
                break;
            }
            let a = self.arg(self.idx);
            if a[1] == b'-' {
                return Some(self.long_option(&a[2..], err));
            }
            self.nextchar = 1;
        }
        Some(self.short_option(err))
    }

    /// Writes `argv0` and `parts` as one message (unless errors are
    /// silenced) and returns what getopt returns then.
    fn fail(&self, err: &mut dyn Write, val: u8, parts: &[&[u8]]) -> Got<'a> {
        if self.print_errors {
            let mut m = self.argv0.to_vec();
            for p in parts {
                m.extend_from_slice(p);
            }
            let _ = err.write_all(&m);
        }
        Got {
            val: val as i32,
            long_index: None,
            arg: None,
        }
    }

    fn take_rest(&mut self) {
        while self.idx < self.args.len() {
            self.operands.push(self.arg(self.idx));
            self.idx += 1;
        }
        self.done = true;
    }

    fn short_option(&mut self, err: &mut dyn Write) -> Got<'a> {
        let a = self.arg(self.idx);
        let c = a[self.nextchar];
        self.nextchar += 1;
        let at_end = self.nextchar >= a.len();
        if at_end {
            self.idx += 1;
            self.nextchar = 0;
        }
        let spec = memchr::memchr(c, self.optstring).filter(|_| c != b':' && c != b';');
        let Some(pos) = spec else {
            return self.fail(err, b'?', &[b": invalid option -- '", &[c], b"'\n"]);
        };
        let takes = self.optstring.get(pos + 1) == Some(&b':');
        let optional = takes && self.optstring.get(pos + 2) == Some(&b':');
        let mut got = Got {
            val: c as i32,
            long_index: None,
            arg: None,
        };
        if !takes {
            return got;
        }
        if !at_end {
            got.arg = Some(&a[self.nextchar..]);
            self.idx += 1;
            self.nextchar = 0;
        } else if optional {
            // An optional argument must be attached.
        } else if self.idx >= self.args.len() {
            let val = self.missing_arg_val();
            return self.fail(err, val, &[b": option requires an argument -- '", &[c], b"'\n"]);
        } else {
            got.arg = Some(self.arg(self.idx));
            self.idx += 1;
        }
        got
    }

    fn long_option(&mut self, body: &'a [u8], err: &mut dyn Write) -> Got<'a> {
        self.idx += 1;
        let eq = memchr::memchr(b'=', body);
        let name = &body[..eq.unwrap_or(body.len())];
        // An exact match wins outright.
        let mut found = self.longopts.iter().position(|o| o.name.as_bytes() == name);
        if found.is_none() {
            let mut ambiguous: Vec<bool> = Vec::new();
            for (i, o) in self.longopts.iter().enumerate() {
                if !o.name.as_bytes().starts_with(name) {
                    continue;
                }
                match found {
                    None => found = Some(i),
                    Some(f) => {
                        let p = &self.longopts[f];
                        if p.has_arg != o.has_arg || p.val != o.val {
                            if ambiguous.is_empty() {
                                ambiguous = vec![false; self.longopts.len()];
                            }
                            ambiguous[f] = true;
                            ambiguous[i] = true;
                        }
                    }
                }
            }
            if !ambiguous.is_empty() {
                let mut list = Vec::new();
                for (o, _) in self.longopts.iter().zip(&ambiguous).filter(|(_, a)| **a) {
                    list.extend_from_slice(b" '--");
                    list.extend_from_slice(o.name.as_bytes());
                    list.push(b'\'');
                }
                return self.fail(
                    err,
                    b'?',
                    &[b": option '--", name, b"' is ambiguous; possibilities:", &list, b"\n"],
                );
            }
        }
        let Some(index) = found else {
            return self.fail(err, b'?', &[b": unrecognized option '--", body, b"'\n"]);
        };
        let o = self.longopts[index];
        let mut got = Got {
            val: o.val,
            long_index: Some(index),
            arg: None,
        };
        if let Some(e) = eq {
            if o.has_arg == HasArg::No {
                return self.fail(
                    err,
                    b'?',
                    &[b": option '--", o.name.as_bytes(), b"' doesn't allow an argument\n"],
                );
            }
            got.arg = Some(&body[e + 1..]);
        } else if o.has_arg == HasArg::Required {
            if self.idx < self.args.len() {
                got.arg = Some(self.arg(self.idx));
                self.idx += 1;
            } else {
                let val = self.missing_arg_val();
                return self.fail(
                    err,
                    val,
                    &[b": option '--", o.name.as_bytes(), b"' requires an argument\n"],
                );
            }
        }
        got
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &[LongOpt] = &[
        LongOpt::new("inet", HasArg::No, 1),
        LongOpt::new("inet6", HasArg::No, 1),
        LongOpt::new("interfaces", HasArg::No, b'i' as i32),
        LongOpt::new("numeric", HasArg::No, b'n' as i32),
        LongOpt::new("numeric-hosts", HasArg::No, b'!' as i32),
        LongOpt::new("protocol", HasArg::Required, b'A' as i32),
        LongOpt::new("tcp", HasArg::No, b't' as i32),
        LongOpt::new("color", HasArg::Optional, b'c' as i32),
    ];

    /// (val, arg) per call, the operands, stderr.
    type Run = (Vec<(char, Option<String>)>, Vec<String>, String);

    /// Runs getopt over `args`.
    fn run(opts: &str, args: &[&str]) -> Run {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let mut g = Getopt::new(b"prog", &args, opts.as_bytes(), LONG);
        let mut err = Vec::new();
        let mut got = Vec::new();
        while let Some(o) = g.next(&mut err) {
            got.push((
                char::from_u32(o.val as u32).unwrap(),
                o.arg.map(|a| String::from_utf8_lossy(a).into_owned()),
            ));
        }
        let ops = g
            .operands
            .iter()
            .map(|o| String::from_utf8_lossy(o).into_owned())
            .collect();
        (got, ops, String::from_utf8(err).unwrap())
    }

    #[test]
    fn bundles_and_attached_arguments() {
        let (got, ops, err) = run("A:tun", &["-tun", "x", "-Ainet", "-A", "unix", "y"]);
        assert_eq!(
            got,
            vec![
                ('t', None),
                ('u', None),
                ('n', None),
                ('A', Some("inet".into())),
                ('A', Some("unix".into()))
            ]
        );
        assert_eq!(ops, vec!["x", "y"]);
        assert_eq!(err, "");
        let (got, _, _) = run("A:t", &["-tAinet"]);
        assert_eq!(got, vec![('t', None), ('A', Some("inet".into()))]);
    }

    #[test]
    fn short_errors() {
        let (got, _, err) = run("A:t", &["-y", "-A"]);
        assert_eq!(got, vec![('?', None), ('?', None)]);
        assert_eq!(
            err,
            "prog: invalid option -- 'y'\nprog: option requires an argument -- 'A'\n"
        );
        let (got, _, err) = run(":A:t", &["-A"]);
        assert_eq!(got, vec![(':', None)]);
        assert_eq!(err, "");
        let (got, _, err) = run("t", &["-:"]);
        assert_eq!(got, vec![('?', None)]);
        assert_eq!(err, "prog: invalid option -- ':'\n");
    }

    #[test]
    fn double_dash_and_lone_dash() {
        let (got, ops, _) = run("t", &["-", "--", "-t"]);
        assert!(got.is_empty());
        assert_eq!(ops, vec!["-", "-t"]);
        let (got, ops, _) = run("+t", &["x", "-t"]);
        assert!(got.is_empty());
        assert_eq!(ops, vec!["x", "-t"]);
    }

    #[test]
    fn long_options_prefixes_and_ambiguity() {
        let (got, _, err) = run("t", &["--tcp", "--tc", "--numeric", "--numeric-h", "--inet"]);
        assert_eq!(
            got,
            vec![('t', None), ('t', None), ('n', None), ('!', None), ('\u{1}', None)]
        );
        assert_eq!(err, "");
        // inet and inet6 are the same option to glibc: only interfaces differs.
        let (got, _, err) = run("t", &["--in", "--num", "--ine"]);
        assert_eq!(got, vec![('?', None), ('?', None), ('\u{1}', None)]);
        assert_eq!(
            err,
            "prog: option '--in' is ambiguous; possibilities: '--inet' '--interfaces'\n\
             prog: option '--num' is ambiguous; possibilities: '--numeric' '--numeric-hosts'\n"
        );
    }

    #[test]
    fn long_option_arguments() {
        let (got, _, err) = run("t", &["--protocol=inet", "--proto", "unix", "--tcp=1", "--protocol"]);
        assert_eq!(
            got,
            vec![
                ('A', Some("inet".into())),
                ('A', Some("unix".into())),
                ('?', None),
                ('?', None)
            ]
        );
        assert_eq!(
            err,
            "prog: option '--tcp' doesn't allow an argument\nprog: option '--protocol' requires an argument\n"
        );
        let (got, _, err) = run("t", &["--ash", "--ash=1", "--color", "--color=x"]);
        assert_eq!(
            got,
            vec![('?', None), ('?', None), ('c', None), ('c', Some("x".into()))]
        );
        assert_eq!(
            err,
            "prog: unrecognized option '--ash'\nprog: unrecognized option '--ash=1'\n"
        );
    }

    #[test]
    fn non_utf8_arguments_do_not_panic() {
        use std::os::unix::ffi::OsStringExt;
        let args = vec![
            OsString::from_vec(vec![b'-', 0xff]),
            OsString::from_vec(vec![b'-', b'-', 0xfe]),
        ];
        let mut g = Getopt::new(b"prog", &args, b"t", LONG);
        let mut err = Vec::new();
        while g.next(&mut err).is_some() {}
        assert_eq!(
            err,
            b"prog: invalid option -- '\xff'\nprog: unrecognized option '--\xfe'\n"
        );
    }
}
