//! A CSV row writer in a client's export style: Spanish Excel (`;`, decimal comma, `dd/mm/yyyy`,
//! quotes only where needed, CRLF) or English SaaS (`,`, decimal point, ISO dates, quoted text,
//! LF). Fields are appended to one UTF-8 buffer per chunk; Windows-1252 encoding comes after.

use super::numfmt;
use super::world::World;
use crate::domain::Lang;

/// Appends fields and rows to a buffer in the world's export style.
pub(crate) struct RowWriter<'a> {
    /// The buffer (UTF-8).
    pub(crate) buf: Vec<u8>,
    world: &'a World,
    delim: u8,
    fields: usize,
}

impl<'a> RowWriter<'a> {
    /// An empty buffer with room for `capacity` bytes.
    pub(crate) fn new(world: &'a World, capacity: usize) -> RowWriter<'a> {
        let delim = match world.lang {
            Lang::Es => b';',
            Lang::En => b',',
        };
        RowWriter {
            buf: Vec::with_capacity(capacity),
            world,
            delim,
            fields: 0,
        }
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push(self.delim);
        }
        self.fields += 1;
    }

    /// Ends the row.
    pub(crate) fn end_row(&mut self) {
        match self.world.lang {
            Lang::Es => self.buf.extend_from_slice(b"\r\n"),
            Lang::En => self.buf.push(b'\n'),
        }
        self.fields = 0;
    }

    /// A header row.
    pub(crate) fn header(&mut self, names: &[&str]) {
        for n in names {
            self.sep();
            numfmt::push_text(&mut self.buf, n, self.delim, false);
        }
        self.end_row();
    }

    /// Free text: quoted where needed (Spanish) or always (English).
    pub(crate) fn text(&mut self, s: &str) {
        self.sep();
        numfmt::push_text(&mut self.buf, s, self.delim, self.world.lang == Lang::En);
    }

    /// A code or other unquoted token.
    pub(crate) fn raw(&mut self, s: &[u8]) {
        self.sep();
        self.buf.extend_from_slice(s);
    }

    /// An empty field.
    pub(crate) fn empty(&mut self) {
        self.sep();
    }

    /// A customer id.
    pub(crate) fn customer(&mut self, number: u32) {
        self.sep();
        self.world.push_customer_id(&mut self.buf, number);
    }

    /// A prefixed, zero-padded document number such as `F00012345`.
    pub(crate) fn doc_number(&mut self, prefix: &str, n: u64, width: usize) {
        self.sep();
        self.buf.extend_from_slice(prefix.as_bytes());
        numfmt::push_padded(&mut self.buf, n, width);
    }

    /// An integer.
    pub(crate) fn int(&mut self, v: i64) {
        self.sep();
        numfmt::push_i64(&mut self.buf, v);
    }

    /// An amount in cents: `1.234,56` or `1234.56`.
    pub(crate) fn cents(&mut self, cents: i64) {
        self.sep();
        match self.world.lang {
            Lang::Es => numfmt::push_cents(&mut self.buf, cents, b',', Some(b'.')),
            Lang::En => numfmt::push_cents(&mut self.buf, cents, b'.', None),
        }
    }

    /// A date: `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub(crate) fn date(&mut self, day: u32) {
        self.sep();
        let cal = &self.world.cal;
        match self.world.lang {
            Lang::Es => self.buf.extend_from_slice(cal.dmy(day)),
            Lang::En => self.buf.extend_from_slice(cal.iso(day)),
        }
    }

    /// A US month-first date `mm/dd/yyyy`.
    pub(crate) fn date_us(&mut self, day: u32) {
        self.sep();
        self.buf.extend_from_slice(self.world.cal.mdy(day));
    }

    /// A date and time: `dd/mm/yyyy hh:mm` or `yyyy-mm-dd hh:mm`.
    pub(crate) fn datetime(&mut self, day: u32, minute: u16) {
        self.date(day);
        self.buf.push(b' ');
        numfmt::push_hhmm(&mut self.buf, minute);
    }

    /// An ISO 8601 timestamp `yyyy-mm-ddThh:mm:00`.
    pub(crate) fn timestamp(&mut self, day: u32, minute: u16) {
        self.sep();
        self.buf.extend_from_slice(self.world.cal.iso(day));
        self.buf.push(b'T');
        numfmt::push_hhmm(&mut self.buf, minute);
        self.buf.extend_from_slice(b":00");
    }

    /// A yes/no flag: `Sí`/`No` or `TRUE`/`FALSE`.
    pub(crate) fn flag(&mut self, v: bool) {
        let s: &[u8] = match (self.world.lang, v) {
            (Lang::Es, true) => "Sí".as_bytes(),
            (Lang::Es, false) => b"No",
            (Lang::En, true) => b"TRUE",
            (Lang::En, false) => b"FALSE",
        };
        self.raw(s);
    }

    /// Rows' bytes in the file's encoding: Windows-1252 for the Spanish client, UTF-8 otherwise.
    pub(crate) fn into_encoded(self) -> Vec<u8> {
        encode(self.world.lang, self.buf)
    }
}

/// Encodes a UTF-8 buffer for a client: Windows-1252 (Spanish Excel) or unchanged.
pub(crate) fn encode(lang: Lang, utf8: Vec<u8>) -> Vec<u8> {
    if lang == Lang::En || utf8.is_ascii() {
        return utf8;
    }
    let text = String::from_utf8_lossy(&utf8);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    bytes.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn world(lang: Lang) -> World {
        World::new(lang, 100, 1, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap())
    }

    #[test]
    fn spanish_rows_use_semicolons_decimal_comma_and_crlf() {
        let w = world(Lang::Es);
        let mut r = RowWriter::new(&w, 64);
        r.customer(7);
        r.date(165);
        r.cents(123_456);
        r.flag(true);
        r.end_row();
        assert_eq!(
            String::from_utf8(r.buf).unwrap(),
            "000007;15/03/2023;1.234,56;Sí\r\n"
        );
    }

    #[test]
    fn english_rows_quote_text_and_use_iso_dates() {
        let w = world(Lang::En);
        let mut r = RowWriter::new(&w, 64);
        r.text("Butter, Unsalted");
        r.date(165);
        r.timestamp(165, 622);
        r.cents(-2_050);
        r.end_row();
        assert_eq!(
            String::from_utf8(r.buf).unwrap(),
            "\"Butter, Unsalted\",2023-03-15,2023-03-15T10:22:00,-20.50\n"
        );
    }

    #[test]
    fn windows_1252_encodes_enye_e_acute_and_euro_as_single_bytes() {
        let bytes = encode(Lang::Es, "Núñez;café;5 €;Nº".as_bytes().to_vec());
        // ú = FA, ñ = F1, é = E9, € = 80, º = BA in Windows-1252.
        assert_eq!(bytes, b"N\xFA\xF1ez;caf\xE9;5 \x80;N\xBA");
    }

    #[test]
    fn english_output_stays_utf8() {
        let bytes = encode(Lang::En, "Zoë".as_bytes().to_vec());
        assert_eq!(bytes, "Zoë".as_bytes());
    }
}
