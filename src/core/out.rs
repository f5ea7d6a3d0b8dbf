//! The one column writer: printf-style padding and integer formatting into a
//! large buffer, written to the sink in big chunks. Every applet renders
//! through it; none formats rows with `format!`.

use std::io::Write;

/// Flush to the sink once this much output is pending.
const FLUSH_AT: usize = 256 * 1024;

pub struct Out<W: Write> {
    buf: Vec<u8>,
    sink: W,
    flush_at: usize,
    /// Places in `buf` (ascending) where a column is still to be written,
    /// each with the key it is written from (`gap`, `fill_gaps`).
    gaps: Vec<(usize, u64)>,
}

impl<W: Write> Out<W> {
    pub fn new(sink: W) -> Self {
        Out {
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            sink,
            flush_at: FLUSH_AT,
            gaps: Vec::new(),
        }
    }

    /// Hands output to the sink once this much is pending (1: at every
    /// row). A block size mimics C stdio's buffering into a pipe: what a
    /// killed process had not yet written is lost, as with the original.
    pub fn set_flush_at(&mut self, n: usize) {
        self.flush_at = n;
    }

    /// Raw bytes.
    #[inline]
    pub fn bytes(&mut self, s: &[u8]) {
        self.buf.extend_from_slice(s);
    }

    /// A string a user can choose (a socket path, a name): as it is, or
    /// escaped on a terminal (core::escape::screen).
    #[inline]
    pub fn screen(&mut self, s: &[u8]) {
        super::escape::screen(s, &mut self.buf);
    }

    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    #[inline]
    pub fn spaces(&mut self, n: usize) {
        self.buf.resize(self.buf.len() + n, b' ');
    }

    /// `%-Ws`: left-aligned, padded with spaces to at least `width`.
    #[inline]
    pub fn left(&mut self, s: &[u8], width: usize) {
        self.bytes(s);
        if s.len() < width {
            self.spaces(width - s.len());
        }
    }

    /// `%Ws`: right-aligned, padded on the left to at least `width`.
    #[inline]
    pub fn right(&mut self, s: &[u8], width: usize) {
        if s.len() < width {
            self.spaces(width - s.len());
        }
        self.bytes(s);
    }

    /// `%Wld`
    #[inline]
    pub fn int_right(&mut self, v: i64, width: usize) {
        let mut tmp = [0u8; 20];
        let s = fmt_i64(v, &mut tmp);
        self.right(s, width);
    }

    /// `%-Wld`
    #[inline]
    pub fn int_left(&mut self, v: i64, width: usize) {
        let mut tmp = [0u8; 20];
        let s = fmt_i64(v, &mut tmp);
        self.left(s, width);
    }

    /// `%-Wlu`
    #[inline]
    pub fn uint_left(&mut self, v: u64, width: usize) {
        let mut tmp = [0u8; 20];
        let s = fmt_u64(v, &mut tmp);
        self.left(s, width);
    }

    /// `%lu`
    #[inline]
    pub fn uint(&mut self, v: u64) {
        let mut tmp = [0u8; 20];
        let s = fmt_u64(v, &mut tmp);
        self.bytes(s);
    }

    /// Call at the end of each row: hands a full buffer to the sink.
    #[inline]
    pub fn row_done(&mut self) {
        if self.buf.len() >= self.flush_at && self.gaps.is_empty() {
            self.write_blocks();
        }
    }

    /// Leaves a gap here for a column whose text is not known yet (netstat
    /// -p's program, while the owner scan still runs), to be written from
    /// `key` by `fill_gaps`. Rows stay in the buffer until then.
    #[inline]
    pub fn gap(&mut self, key: u64) {
        self.gaps.push((self.buf.len(), key));
    }

    /// Writes every gap's column (`fill` from its key), handing the rows to
    /// the sink as they are completed.
    pub fn fill_gaps(&mut self, mut fill: impl FnMut(u64, &mut Self)) {
        let gaps = std::mem::take(&mut self.gaps);
        let Some(&(start, _)) = gaps.first() else {
            return;
        };
        let held = self.buf.split_off(start.min(self.buf.len()));
        let mut at = 0;
        for &(pos, key) in &gaps {
            let pos = (pos - start).min(held.len());
            self.buf.extend_from_slice(&held[at..pos]);
            fill(key, self);
            self.row_done();
            at = pos;
        }
        self.buf.extend_from_slice(&held[at..]);
    }

    /// Writes whole `flush_at`-sized blocks (all of it when 1).
    fn write_blocks(&mut self) {
        let n = if self.flush_at <= 1 {
            self.buf.len()
        } else {
            self.buf.len() / self.flush_at * self.flush_at
        };
        if n > 0 {
            let _ = self.sink.write_all(&self.buf[..n]);
            let _ = self.sink.flush();
            self.buf.drain(..n);
        }
    }

    /// Writes everything pending. Write errors are ignored as the originals'
    /// printf does (a closed pipe ends the process through SIGPIPE).
    /// With gaps pending, only the bytes before the first gap go (the
    /// rest is written by `fill_gaps`).
    pub fn flush(&mut self) {
        let done = self.gaps.first().map_or(self.buf.len(), |g| g.0);
        if done > 0 {
            let _ = self.sink.write_all(&self.buf[..done]);
            self.buf.drain(..done);
            for g in &mut self.gaps {
                g.0 -= done;
            }
        }
        let _ = self.sink.flush();
    }

    /// The pending, unflushed bytes (for tests).
    #[cfg(test)]
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }
}

impl<W: Write> Drop for Out<W> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Decimal digits of `v` at the end of `tmp`.
pub fn fmt_u64(mut v: u64, tmp: &mut [u8; 20]) -> &[u8] {
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &tmp[i..]
}

pub fn fmt_i64(v: i64, tmp: &mut [u8; 20]) -> &[u8] {
    if v >= 0 {
        return fmt_u64(v as u64, tmp);
    }
    let mag = v.unsigned_abs();
    // 19 digits at most for |i64::MIN|, so the sign fits in `tmp`.
    let start = {
        let s = fmt_u64(mag, tmp);
        20 - s.len()
    };
    tmp[start - 1] = b'-';
    &tmp[start - 1..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(f: impl FnOnce(&mut Out<Vec<u8>>)) -> Vec<u8> {
        let mut o = Out::new(Vec::new());
        f(&mut o);
        o.pending().to_vec()
    }

    #[test]
    fn printf_like_padding() {
        assert_eq!(render(|o| o.left(b"tcp", 5)), b"tcp  ");
        assert_eq!(render(|o| o.left(b"toolongvalue", 5)), b"toolongvalue");
        assert_eq!(render(|o| o.right(b"7", 3)), b"  7");
        assert_eq!(render(|o| o.int_right(-42, 6)), b"   -42");
        assert_eq!(render(|o| o.int_right(i64::MIN, 6)), b"-9223372036854775808");
        assert_eq!(render(|o| o.uint_left(u64::MAX, 8)), b"18446744073709551615");
        assert_eq!(render(|o| o.uint_left(0, 3)), b"0  ");
        assert_eq!(render(|o| o.int_left(12, 4)), b"12  ");
    }

    #[test]
    fn gaps_are_filled_in_place() {
        let mut sink = Vec::new();
        {
            let mut o = Out::new(&mut sink);
            o.set_flush_at(8);
            o.bytes(b"head\n");
            o.bytes(b"a ");
            o.gap(1);
            o.bytes(b" x\n");
            o.row_done();
            o.bytes(b"b ");
            o.gap(22);
            o.bytes(b"\n");
            o.row_done();
            // Only what comes before the first gap can go yet.
            o.flush();
            assert_eq!(o.pending(), b" x\nb \n");
            o.fill_gaps(|key, o| o.int_left(key as i64, 3));
            o.bytes(b"tail\n");
        }
        assert_eq!(sink, b"head\na 1   x\nb 22 \ntail\n");
    }
}
