//! A small JSON writer for the front door's `--json` outputs: objects and
//! arrays written straight into a byte buffer, commas tracked per level.
//! Strings are the kernel's bytes: valid UTF-8 passes, control characters
//! become `\u00XX`, and an invalid byte becomes U+FFFD (the field's
//! `_hex` twin, where the schema has one, keeps the exact bytes).

pub struct Json {
    pub buf: Vec<u8>,
    /// Per open object/array: has it a member yet?
    first: Vec<bool>,
}

impl Default for Json {
    fn default() -> Self {
        Self::new()
    }
}

impl Json {
    pub fn new() -> Json {
        Json {
            buf: Vec::with_capacity(1 << 16),
            first: Vec::new(),
        }
    }

    fn sep(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.buf.push(b',');
            }
            *first = false;
        }
    }

    pub fn open(&mut self) {
        self.sep();
        self.buf.push(b'{');
        self.first.push(true);
    }

    pub fn close(&mut self) {
        self.first.pop();
        self.buf.push(b'}');
    }

    pub fn open_array(&mut self) {
        self.sep();
        self.buf.push(b'[');
        self.first.push(true);
    }

    pub fn close_array(&mut self) {
        self.first.pop();
        self.buf.push(b']');
    }

    /// `"k":` — the value follows with one of the value calls.
    pub fn key(&mut self, k: &str) {
        self.sep();
        push_string(&mut self.buf, k.as_bytes());
        self.buf.push(b':');
        // The value is this member, not a new one.
        if let Some(first) = self.first.last_mut() {
            *first = true;
        }
    }

    /// A member whose value follows as an object (`open`) or array.
    pub fn key_open(&mut self, k: &str) {
        self.key(k);
        self.open();
    }

    pub fn key_array(&mut self, k: &str) {
        self.key(k);
        self.open_array();
    }

    pub fn str(&mut self, s: &[u8]) {
        self.sep();
        push_string(&mut self.buf, s);
    }

    pub fn u64(&mut self, v: u64) {
        self.sep();
        crate::core::owners::push_decimal(&mut self.buf, v);
    }

    pub fn bool(&mut self, v: bool) {
        self.sep();
        self.buf.extend_from_slice(if v { b"true" } else { b"false" });
    }

    pub fn null(&mut self) {
        self.sep();
        self.buf.extend_from_slice(b"null");
    }

    pub fn field_str(&mut self, k: &str, s: &[u8]) {
        self.key(k);
        self.str(s);
    }

    pub fn field_u64(&mut self, k: &str, v: u64) {
        self.key(k);
        self.u64(v);
    }

    pub fn field_bool(&mut self, k: &str, v: bool) {
        self.key(k);
        self.bool(v);
    }

    pub fn field_opt_u64(&mut self, k: &str, v: Option<u64>) {
        self.key(k);
        match v {
            Some(v) => self.u64(v),
            None => self.null(),
        }
    }

    pub fn field_opt_str(&mut self, k: &str, v: Option<&[u8]>) {
        self.key(k);
        match v {
            Some(v) => self.str(v),
            None => self.null(),
        }
    }

    /// A string member, and `k_hex` with the exact bytes when they are
    /// not valid UTF-8.
    pub fn field_bytes(&mut self, k: &str, s: &[u8]) {
        self.field_str(k, s);
        if std::str::from_utf8(s).is_err() {
            self.key(&format!("{k}_hex"));
            let hex: String = s.iter().map(|b| format!("{b:02x}")).collect();
            self.str(hex.as_bytes());
        }
    }

    /// Ends one JSON-lines record.
    pub fn newline(&mut self) {
        self.buf.push(b'\n');
    }
}

/// `s` as a JSON string literal.
pub fn push_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\r' => out.extend_from_slice(b"\\r"),
                '\t' => out.extend_from_slice(b"\\t"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
                }
                c => {
                    let mut b = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                }
            }
        }
        for _ in chunk.invalid() {
            out.extend_from_slice("\u{fffd}".as_bytes());
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_and_commas() {
        let mut j = Json::new();
        j.open();
        j.field_str("a", b"x\"y\n\x1b");
        j.key_array("l");
        j.u64(1);
        j.open();
        j.field_bool("t", true);
        j.close();
        j.null();
        j.close_array();
        j.field_opt_u64("n", None);
        j.field_bytes("p", b"ok");
        j.field_bytes("q", b"a\xffb");
        j.close();
        assert_eq!(
            String::from_utf8(j.buf).unwrap(),
            r#"{"a":"x\"y\n\u001b","l":[1,{"t":true},null],"n":null,"p":"ok","q":"a�b","q_hex":"61ff62"}"#
        );
    }
}
