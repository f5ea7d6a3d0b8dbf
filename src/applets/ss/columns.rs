//! ss's column layout: every cell of the run is buffered, widths come from
//! the longest cell of each column, and rendering pads each cell (right
//! aligned address columns, left aligned the rest), to the terminal width
//! when stdout is one.
//!
//! ss 6.1 buffers cells in 1 MiB chunks and renders early, with the widths
//! measured so far, once five chunks are full; widths are never reset. To
//! print the same bytes at any size, the chunk bookkeeping is reproduced
//! exactly (only the bookkeeping: cells live in one Vec).

use crate::core::out::Out;
use std::io::Write;

pub const NETID: usize = 0;
pub const STATE: usize = 1;
pub const RECVQ: usize = 2;
pub const SENDQ: usize = 3;
pub const ADDR: usize = 4;
// 5 SERV, 6 RADDR, 7 RSERV; 8 EXT ("Process": users, timers, details):
// rows reach them by moving on from ADDR.
/// The unnamed last column, always empty.
pub const LAST: usize = 9;
const COLS: usize = 10;

const HEADERS: [&[u8]; COLS] = [
    b"Netid",
    b"State",
    b"Recv-Q",
    b"Send-Q",
    b"Local Address:",
    b"Port",
    b"Peer Address:",
    b"Port",
    b"Process",
    b"",
];
const LDELIM: [&[u8]; COLS] = [b"", b" ", b" ", b" ", b" ", b"", b" ", b"", b"", b""];
const RIGHT: [bool; COLS] = [false, false, false, false, true, false, true, false, false, false];

/// ss's BUF_CHUNK minus its chunk header (two pointers).
const CHUNK_ROOM: i64 = 1024 * 1024 - 16;
/// ss renders once this many chunks are in use (BUF_CHUNKS_MAX).
const CHUNKS_MAX: u32 = 5;

pub struct Columns {
    pub disabled: [bool; COLS],
    width: [usize; COLS],
    max_len: [usize; COLS],
    /// The text of every buffered cell, and where each ends.
    text: Vec<u8>,
    ends: Vec<usize>,
    /// Start of the current (open) cell in `text`.
    cell_start: usize,
    current: usize,
    /// Chunk bookkeeping: chunks allocated, bytes used in the last one, and
    /// whether the open cell is the first in its chunk.
    chunks: u32,
    chunk_end: i64,
    first_in_chunk: bool,
    /// Terminal width, when stdout is a terminal.
    screen: Option<usize>,
}

impl Columns {
    pub fn new(screen: Option<usize>) -> Columns {
        Columns {
            disabled: [false; COLS],
            width: [0; COLS],
            max_len: [0; COLS],
            text: Vec::with_capacity(1 << 20),
            ends: Vec::with_capacity(1 << 14),
            cell_start: 0,
            current: 0,
            chunks: 0,
            chunk_end: 0,
            first_in_chunk: true,
            screen,
        }
    }

    fn cell_len(&self) -> usize {
        self.text.len() - self.cell_start
    }

    fn new_chunk(&mut self) {
        self.chunks += 1;
        self.chunk_end = 2;
        self.first_in_chunk = true;
    }

    /// out(): appends to the current cell.
    pub fn out(&mut self, s: &[u8]) {
        if self.disabled[self.current] {
            return;
        }
        if self.chunks == 0 {
            self.new_chunk();
        }
        let mut len = s.len() as i64;
        if !(len < CHUNK_ROOM - self.chunk_end || self.first_in_chunk) {
            // The cell moves to a fresh chunk and is written again there.
            let cell = self.cell_len() as i64;
            self.new_chunk();
            self.chunk_end += cell;
        }
        len = len
            .min(CHUNK_ROOM - self.chunk_end)
            .min(65535 - self.cell_len() as i64)
            .max(0);
        self.text.extend_from_slice(&s[..len as usize]);
        self.chunk_end += len;
    }

    /// field_flush() of the current cell.
    fn flush_cell(&mut self) {
        if self.disabled[self.current] {
            return;
        }
        if self.chunks == 0 {
            // ss would touch a freed chunk here; nothing was buffered.
            self.new_chunk();
        }
        let len = self.cell_len();
        self.max_len[self.current] = self.max_len[self.current].max(len);
        self.ends.push(self.text.len());
        self.cell_start = self.text.len();
        let pad = (len % 2) as i64;
        let room = CHUNK_ROOM - self.chunk_end - pad;
        // ss compares a signed room with an unsigned size: -1 is "enough".
        if (0..2).contains(&room) {
            self.new_chunk();
        } else {
            self.chunk_end += pad + 2;
            self.first_in_chunk = false;
        }
    }

    /// field_next(): on to the next column, rendering early when ss would.
    pub fn next<W: Write>(&mut self, out: &mut Out<W>) {
        if self.current == LAST && self.chunks >= CHUNKS_MAX {
            self.render(out);
            return;
        }
        self.flush_cell();
        self.current = if self.current == LAST { 0 } else { self.current + 1 };
    }

    /// field_set(): moves forward to column `id`.
    pub fn set<W: Write>(&mut self, id: usize, out: &mut Out<W>) {
        while self.current != id {
            self.next(out);
        }
    }

    pub fn header<W: Write>(&mut self, out: &mut Out<W>) {
        while self.current != LAST {
            if !self.disabled[self.current] {
                self.out(HEADERS[self.current]);
            }
            self.next(out);
        }
    }

    fn calc_width(&mut self) {
        let (screen, compact) = match self.screen {
            Some(w) => (w, false),
            None => (usize::MAX, true),
        };
        let mut first = true;
        for (c, delim) in LDELIM.iter().enumerate() {
            if self.disabled[c] {
                continue;
            }
            let w = if !first && self.max_len[c] > 0 {
                self.max_len[c] + delim.len()
            } else {
                self.max_len[c]
            };
            self.width[c] = w.min(screen);
            if self.width[c] > 0 {
                first = false;
            }
        }
        if compact {
            return;
        }
        // Spread the screen over the columns, line by line.
        let mut len = 0usize;
        let mut linecols = 0usize;
        let mut eol: isize = -1;
        let mut c: isize = 0;
        while (c as usize) < COLS {
            let cu = c as usize;
            if self.width[cu] == 0 {
                c += 1;
                continue;
            }
            linecols += 1;
            len += self.width[cu];
            let last = !(cu + 1..COLS).any(|t| self.width[t] > 0);
            if !last && len < screen {
                c += 1;
                continue;
            }
            if len != screen {
                if len > screen {
                    len -= self.width[cu];
                    c -= 1;
                    linecols -= 1;
                }
                let pad = screen - len;
                let spacing = pad.checked_div(linecols).unwrap_or(0);
                let mut rem = pad.checked_rem(linecols).unwrap_or(0);
                let mut t = c;
                while t > eol {
                    let tu = t as usize;
                    if self.width[tu] > 0 {
                        self.width[tu] += spacing;
                        if rem > 0 {
                            self.width[tu] += 1;
                            rem -= 1;
                        }
                    }
                    t -= 1;
                }
            }
            eol = c;
            len = 0;
            linecols = 0;
            c += 1;
        }
    }

    /// render(): prints every buffered cell and empties the buffer.
    pub fn render<W: Write>(&mut self, out: &mut Out<W>) {
        if self.chunks == 0 {
            return;
        }
        // The open cell is printed too (it is the last token).
        self.ends.push(self.text.len());
        self.calc_width();
        let mut f = 0;
        while f < COLS && self.width[f] == 0 {
            f += 1;
        }
        let mut line_started = false;
        let mut start = 0;
        let ends = std::mem::take(&mut self.ends);
        for &end in &ends {
            let cell = &self.text[start..end];
            start = end;
            let f_i = f.min(COLS - 1);
            let mut printed = 0;
            if line_started {
                out.bytes(LDELIM[f_i]);
                printed = LDELIM[f_i].len();
            }
            line_started = true;
            let width = self.width[f_i];
            if width > 0 && RIGHT[f_i] {
                let s = width as isize - cell.len() as isize - printed as isize;
                if s > 0 {
                    out.spaces(s as usize);
                    printed += s as usize;
                }
            }
            out.bytes(cell);
            printed += cell.len();
            if width > 0 && !RIGHT[f_i] && width > printed {
                out.spaces(width - printed);
            }
            loop {
                if f >= LAST {
                    out.byte(b'\n');
                    out.row_done();
                    f = 0;
                    line_started = false;
                } else {
                    f += 1;
                }
                if !self.disabled[f] {
                    break;
                }
            }
        }
        if line_started {
            out.byte(b'\n');
        }
        self.text.clear();
        self.ends = ends;
        self.ends.clear();
        self.cell_start = 0;
        self.chunks = 0;
        self.current = 0;
    }
}
