//! The fuzzer's inputs. Each comes from its own seed (the run's seed and its index), so any input
//! can be made again alone (`--replay`). Most are small: one generated export (a table with
//! headers ingest knows, values in every layout exports use, and the damage exports suffer),
//! a workbook, an audit.toml, or a batch of cell values for the parsers. A small share is large:
//! CSV files long enough to be read in slices, 1 MB cells, 10,000 columns.

use super::zip;
use crate::config::SourceConfig;
use crate::tables::{ColType, TableKind};
use rand::rngs::SmallRng;
use rand::{Rng, RngCore, SeedableRng};

type R = SmallRng;

/// One generated input and the family it belongs to (for the summary).
pub(crate) struct Case {
    pub(crate) kind: &'static str,
    pub(crate) input: Input,
}

/// A file written for the loaders.
#[derive(Clone)]
pub(crate) struct GenFile {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) enum Input {
    /// One file read by ingest: as a `[[source]]` of audit.toml (`Some`), or found by discovery.
    /// `lf_twin`: the same file with LF line ends, which must give the same rows.
    File {
        file: GenFile,
        source: Option<SourceConfig>,
        lf_twin: Option<Vec<u8>>,
    },
    /// An audit.toml (and the files it may name), loaded and, when it loads, ingested.
    Config { toml: Vec<u8>, files: Vec<GenFile> },
    /// Cell values for the date, number and flag parsers.
    Values(Vec<String>),
}

/// The seed of input `index` of a run seeded `seed` (splitmix64, so neighbours differ).
fn input_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index)
        .wrapping_add(0x632B_E59B_D9B4_E019);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Input `index` of a run seeded `seed`.
pub(crate) fn generate(seed: u64, index: u64) -> Case {
    let r = &mut SmallRng::seed_from_u64(input_seed(seed, index));
    // Shares per 100,000 inputs.
    let roll = r.random_range(0..100_000u32);
    match roll {
        0..15_000 => values_case(r),
        15_000..40_000 => csv_case(r, false),
        40_000..60_000 => csv_case(r, true),
        60_000..68_000 => random_bytes_case(r, &["csv", "txt", "tsv"]),
        68_000..70_000 => random_bytes_case(r, &["xlsx", "xls", "ods", "xlsm", "xlsb"]),
        70_000..73_000 => writer_xlsx_case(r, false, false),
        73_000..76_000 => writer_xlsx_case(r, true, false),
        76_000..82_000 => raw_xlsx_case(r),
        82_000..86_000 => ods_case(r),
        86_000..99_000 => toml_case(r),
        99_000..99_400 => long_csv_case(r),
        99_400..99_480 => big_cell_case(r),
        99_480..99_540 => wide_csv_case(r),
        99_540..99_560 => writer_xlsx_case(r, false, true),
        _ => empty_case(r),
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn pick<'a, T>(r: &mut R, items: &'a [T]) -> &'a T {
    &items[r.random_range(0..items.len())]
}

fn chance(r: &mut R, p: f64) -> bool {
    r.random_bool(p)
}

/// Characters exports and their damage contain: delimiters, quotes, line ends, accents, the euro
/// sign, a BOM, NUL, emoji, right-to-left text, the replacement character.
const CHARS: &[char] = &[
    'a', 'b', 'Z', '0', '1', '9', ' ', ',', ';', '\t', '|', '"', '\'', '\n', '\r', '.', '-', '/',
    ':', '(', ')', '€', '$', 'é', 'ñ', 'Ñ', 'ü', 'º', '\u{feff}', '\0', '😀', 'א', '\u{fffd}', '%',
    '#', '=', '\\', '\u{a0}', '٣', '１', 'ß', '\u{301}',
];

fn random_text(r: &mut R, max: usize) -> String {
    let n = r.random_range(0..=max);
    (0..n).map(|_| *pick(r, CHARS)).collect()
}

fn random_bytes(r: &mut R, max: usize) -> Vec<u8> {
    let n = r.random_range(0..=max);
    let mut v = vec![0u8; n];
    r.fill_bytes(&mut v);
    // Mostly printable, so the sniffer sees "records" rather than pure noise.
    if chance(r, 0.5) {
        for b in &mut v {
            if *b >= 0x80 && chance(r, 0.7) {
                *b = *pick(r, b"abc,;\t|\"\n\r0123456789.-/ ");
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Cell values

const IDS: &[&str] = &[
    "C001",
    "000123",
    "123",
    "12345678901234567890",
    "B-77",
    "ana@example.com",
    "ANA@EXAMPLE.COM ",
    "Ferretería Sol, S.L.",
    "cliente \"x\"",
    "1e5",
    "NULL",
    "N/A",
    "-",
    "#N/A",
];

fn id_value(r: &mut R) -> String {
    match r.random_range(0..10) {
        0..4 => format!("C{:04}", r.random_range(0..60)),
        4..6 => format!("{}", r.random_range(0..100_000u32)),
        6..9 => (*pick(r, IDS)).to_string(),
        _ => random_text(r, 12),
    }
}

const MONTHS: &[&str] = &[
    "jan", "mar", "Mar", "marzo", "ene", "dic", "December", "sept", "febrero", "xyz",
];

/// A date as some export writes it, often invalid or out of range.
pub(crate) fn date_value(r: &mut R, time_share: f64) -> String {
    date_in_layout(r, time_share, None)
}

/// A `layout` of [`date_in_layout`] plus this: no value strays from it.
const STRICT: u32 = 100;

/// A date in `layout` (one of the 14 below, as a whole column of an export keeps one), or in
/// any layout when `None`; 3 % of a column's values stray from its layout anyway, unless the
/// layout is [`STRICT`].
fn date_in_layout(r: &mut R, time_share: f64, layout: Option<u32>) -> String {
    let y: i64 = match r.random_range(0..60) {
        0 => 0,
        1 => 1,
        2 => 999,
        3 => 1899,
        4 => 9999,
        5 => 10_000,
        6 => 99_999_999_999,
        7 => 2099,
        8 => 1900,
        _ => r.random_range(1990..2031),
    };
    let m: i64 = if chance(r, 0.03) {
        *pick(r, &[0, 13, 99, -1])
    } else {
        r.random_range(1..13)
    };
    let d: i64 = if chance(r, 0.03) {
        *pick(r, &[0, 29, 30, 31, 32, 99])
    } else {
        r.random_range(1..29)
    };
    let layout = match layout {
        Some(l) if l >= STRICT => l - STRICT,
        Some(l) if !chance(r, 0.03) => l,
        _ => r.random_range(0..14),
    };
    let mut s = match layout {
        0 | 1 => format!("{y:04}-{m:02}-{d:02}"),
        2 | 3 => format!("{d:02}/{m:02}/{y:04}"),
        4 => format!("{m:02}/{d:02}/{y:04}"),
        5 => format!("{d}-{m}-{:02}", y.rem_euclid(100)),
        6 => format!("{d:02}.{m:02}.{y}"),
        7 => format!("{y:04}{m:02}{d:02}"),
        8 => {
            // Excel serials, in and far out of range.
            let v: f64 = *pick(
                r,
                &[
                    46_095.0,
                    46_095.5,
                    0.0,
                    -1.0,
                    60.0,
                    61.0,
                    2_958_465.9,
                    2_958_466.0,
                    1e20,
                    -1e300,
                    1e-9,
                    0.999_999_999,
                ],
            );
            if chance(r, 0.5) {
                format!("{v}")
            } else {
                format!("{}", r.random_range(0.0..3_000_000.0))
            }
        }
        9 => format!("{d}-{}-{y}", pick(r, MONTHS)),
        10 => format!("{d} de {} de {y}", pick(r, MONTHS)),
        11 => format!("{} {d}, {y}", pick(r, MONTHS)),
        12 => format!("{d:02}/{m:02}/{y:04}{}", "9".repeat(r.random_range(0..40))),
        _ => random_text(r, 20),
    };
    if chance(r, time_share.max(0.1)) {
        let (h, mi, sec) = if chance(r, 0.1) {
            (*pick(r, &[24, 25, 99]), 61, 99)
        } else {
            (
                r.random_range(0..24),
                r.random_range(0..60),
                r.random_range(0..60),
            )
        };
        let sep = *pick(r, &[" ", "T", "  ", " - "]);
        s.push_str(&match r.random_range(0..5) {
            0 => format!("{sep}{h:02}:{mi:02}"),
            1 => format!("{sep}{h:02}:{mi:02}:{sec:02}"),
            2 => format!("{sep}{h}:{mi:02} {}", pick(r, &["AM", "PM", "p.m.", "XM"])),
            3 => format!(
                "{sep}{h:02}:{mi:02}:{sec:02}.{}",
                r.random_range(0..100_000)
            ),
            _ => format!("{sep}{h:02}:{mi:02}:{sec:02}Z"),
        });
    }
    if chance(r, 0.05) {
        s = format!(" {s} ");
    }
    s
}

const NUMBER_JUNK: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "1e400",
    "-0",
    ".5",
    "5.",
    "1.2.3",
    "1,2,3",
    "--5",
    "(12,50)",
    "12,50-",
    "€ 1.234,56",
    "1234.56 EUR",
    "$1,234.56",
    "1 234,56",
    "1'234.56",
    "١٢٣",
    "１２３",
    "0x1F",
    "12%",
    "+",
    "-",
    "()",
    "€",
    "EUR",
    "#DIV/0!",
];

/// An amount as some export writes it.
pub(crate) fn number_value(r: &mut R) -> String {
    match r.random_range(0..12) {
        0..3 => format!("{:.2}", r.random_range(-5000.0..50_000.0)),
        3 => {
            let v: f64 = r.random_range(-50_000.0..5_000_000.0);
            // 1.234.567,89
            let whole = v.abs().trunc() as u64;
            let digits = whole.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            let sign = if v < 0.0 { "-" } else { "" };
            format!("{sign}{grouped},{:02}", (v.abs().fract() * 100.0) as u32)
        }
        4 => format!("{:.2}", r.random_range(0.0..1e6)).replace('.', ","),
        5 => format!("{}", r.random_range(-100..10_000)),
        6 => format!("{:.3}", r.random_range(0.0..1e4)),
        7..9 => (*pick(r, NUMBER_JUNK)).to_string(),
        9 => "9".repeat(r.random_range(1..500)),
        10 => format!("{}{}", pick(r, &["", "-", "+"]), r.random::<f64>() * 1e300),
        _ => random_text(r, 10),
    }
}

fn integer_value(r: &mut R) -> String {
    match r.random_range(0..6) {
        0..3 => r.random_range(0..11).to_string(),
        3 => (*pick(
            r,
            &["11", "-1", "9.5", "99999999999999999999", "10,0", "diez"],
        ))
        .to_string(),
        4 => r.random_range(-3_000_000_000i64..3_000_000_000).to_string(),
        _ => random_text(r, 5),
    }
}

fn flag_value(r: &mut R) -> String {
    (*pick(
        r,
        &[
            "yes", "no", "Sí", "si", "NO", "TRUE", "false", "1", "0", "x", "", "Y", "n", "?", "2",
        ],
    ))
    .to_string()
}

fn text_value(r: &mut R) -> String {
    match r.random_range(0..8) {
        0..3 => (*pick(
            r,
            &[
                "Madrid",
                "Email",
                "call",
                "Venta",
                "alta",
                "High",
                "open",
                "Cerrada",
                "Widget",
                "Ana Pérez",
            ],
        ))
        .to_string(),
        3 => String::new(),
        _ => random_text(r, 16),
    }
}

/// A value for a column of type `ty` (`name` tells an id; `layout`: the dates' layout).
fn cell_value(r: &mut R, name: &str, ty: ColType, layout: Option<u32>) -> String {
    if chance(r, 0.03) {
        return String::new();
    }
    match ty {
        ColType::Text if name == "customer_id" => id_value(r),
        ColType::Text => text_value(r),
        ColType::Date => date_in_layout(r, 0.0, layout),
        ColType::DateTime => date_in_layout(r, 0.6, layout),
        ColType::Number => number_value(r),
        ColType::Integer => integer_value(r),
        ColType::Flag => flag_value(r),
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

/// A generated table: header cells, then rows of cell texts, and the type of each column
/// (`None`: a column ingest does not know).
struct Grid {
    table: TableKind,
    headers: Vec<String>,
    types: Vec<Option<ColType>>,
    rows: Vec<Vec<String>>,
    /// The layout of the dates (most exports keep one per file).
    layout: Option<u32>,
}

fn header_for(r: &mut R, canonical: &str) -> String {
    let synonyms: &[&str] = match canonical {
        "customer_id" => &[
            "Customer ID",
            "Cód. cliente",
            "Nº cliente",
            "Cliente",
            "CUSTOMER_ID",
        ],
        "date" => &["Date", "Fecha", "Invoice Date", "Fecha factura"],
        "net_amount" => &["Amount", "Importe", "Base imponible", "Net Amount"],
        "opened_at" => &["Created Date", "Fecha apertura"],
        "resolved_at" => &["Closed Date", "Fecha cierre"],
        "name" => &["Company Name", "Razón social", "Nombre"],
        "email" => &["E-mail", "Correo"],
        "quantity" => &["Qty", "Cantidad"],
        "unit_price" => &["Unit Price", "Precio"],
        "channel" => &["Canal", "Channel"],
        _ => &[],
    };
    if !synonyms.is_empty() && chance(r, 0.5) {
        (*pick(r, synonyms)).to_string()
    } else {
        canonical.to_string()
    }
}

fn grid(r: &mut R, max_rows: usize) -> Grid {
    let table = *pick(r, &TableKind::ALL);
    let mut headers = Vec::new();
    let mut types = Vec::new();
    for c in table.columns() {
        let p = if c.required { 0.97 } else { 0.4 };
        if chance(r, p) {
            headers.push(header_for(r, c.name));
            types.push(Some(c.ty));
        }
    }
    for _ in 0..r.random_range(0..3) {
        let h = match r.random_range(0..4) {
            0 => String::new(),
            1 => headers.first().cloned().unwrap_or_default(),
            2 => "Notas".to_string(),
            _ => random_text(r, 8),
        };
        let at = r.random_range(0..=headers.len());
        headers.insert(at, h);
        types.insert(at, None);
    }
    // Shuffle the column order now and then.
    if chance(r, 0.3) && headers.len() > 1 {
        for i in (1..headers.len()).rev() {
            let j = r.random_range(0..=i);
            headers.swap(i, j);
            types.swap(i, j);
        }
    }
    let n = r.random_range(0..=max_rows);
    let layout = chance(r, 0.85).then(|| r.random_range(0..14));
    let rows = (0..n).map(|_| row(r, &headers, &types, layout)).collect();
    Grid {
        layout,
        table,
        headers,
        types,
        rows,
    }
}

fn row(
    r: &mut R,
    headers: &[String],
    types: &[Option<ColType>],
    layout: Option<u32>,
) -> Vec<String> {
    if chance(r, 0.03) {
        return vec![String::new(); headers.len()];
    }
    let mut cells: Vec<String> = headers
        .iter()
        .zip(types)
        .map(|(h, t)| match t {
            Some(ty) => cell_value(r, &canonical_of(h), *ty, layout),
            None => text_value(r),
        })
        .collect();
    // Ragged rows.
    if chance(r, 0.04) {
        let n = r.random_range(0..cells.len() + 3);
        cells.resize_with(n, String::new);
    }
    cells
}

/// Tells an id column from its header (the generator's own names).
fn canonical_of(header: &str) -> String {
    let h = header.to_lowercase();
    if h.contains("cliente") || h.contains("customer") {
        "customer_id".into()
    } else {
        h
    }
}

// ---------------------------------------------------------------------------------------------
// CSV text

#[derive(Clone, Copy, PartialEq)]
enum Quoting {
    Never,
    Needed,
    Always,
    Random,
    /// Quotes opened and not closed, doubled wrongly, in the middle of fields.
    Broken,
}

#[derive(Clone, Copy, PartialEq)]
enum LineEnds {
    Lf,
    CrLf,
    /// Old Mac.
    Cr,
    Mixed,
}

#[derive(Clone, Copy, PartialEq)]
enum Enc {
    Utf8,
    Utf8Bom,
    Windows1252,
    Utf16LeBom,
    Utf16BeBom,
    Utf16Le,
}

struct CsvStyle {
    delimiter: char,
    quoting: Quoting,
    line_ends: LineEnds,
    final_line_end: bool,
    sep_line: bool,
    title_rows: usize,
    totals_row: bool,
}

fn csv_style(r: &mut R) -> CsvStyle {
    CsvStyle {
        delimiter: *pick(r, &[',', ';', '\t', '|']),
        quoting: *pick(
            r,
            &[
                Quoting::Never,
                Quoting::Needed,
                Quoting::Needed,
                Quoting::Always,
                Quoting::Random,
                Quoting::Always,
                Quoting::Needed,
                Quoting::Never,
                Quoting::Broken,
            ],
        ),
        line_ends: match r.random_range(0..20) {
            0..9 => LineEnds::Lf,
            9..14 => LineEnds::CrLf,
            14..18 => LineEnds::Cr,
            _ => LineEnds::Mixed,
        },
        final_line_end: chance(r, 0.8),
        sep_line: chance(r, 0.05),
        title_rows: if chance(r, 0.1) {
            r.random_range(1..4)
        } else {
            0
        },
        totals_row: chance(r, 0.05),
    }
}

fn quote_field(r: &mut R, s: &str, style: &CsvStyle) -> String {
    let needs = s.contains([style.delimiter, '"', '\n', '\r']);
    let quoted = || format!("\"{}\"", s.replace('"', "\"\""));
    match style.quoting {
        Quoting::Never => s.to_string(),
        Quoting::Needed if needs => quoted(),
        Quoting::Needed => s.to_string(),
        Quoting::Always => quoted(),
        Quoting::Random if needs || chance(r, 0.3) => quoted(),
        Quoting::Random => s.to_string(),
        Quoting::Broken => match r.random_range(0..6) {
            0 => format!("\"{s}"),
            1 => format!("{s}\""),
            2 => format!("\"{s}\"\"x"),
            3 => format!("a\"{s}\"b"),
            _ if needs => quoted(),
            _ => s.to_string(),
        },
    }
}

/// The records as text, with the style's line ends.
fn csv_text(r: &mut R, grid: &Grid, style: &CsvStyle) -> String {
    let mut out = String::new();
    let end = |r: &mut R| -> &'static str {
        match style.line_ends {
            LineEnds::Lf => "\n",
            LineEnds::CrLf => "\r\n",
            LineEnds::Cr => "\r",
            LineEnds::Mixed => ["\n", "\r\n", "\r"][r.random_range(0..3)],
        }
    };
    if style.sep_line {
        out.push_str(&format!("sep={}", style.delimiter));
        out.push_str(end(r));
    }
    for i in 0..style.title_rows {
        out.push_str(&format!("Listado de ventas {i}"));
        out.push_str(end(r));
        if chance(r, 0.5) {
            out.push_str(end(r));
        }
    }
    let records = std::iter::once(&grid.headers).chain(grid.rows.iter());
    let n = grid.rows.len() + 1;
    for (i, cells) in records.enumerate() {
        let fields: Vec<String> = cells
            .iter()
            .map(|c| {
                // Line breaks inside cells follow the file's line ends.
                let c = c.replace('\n', end(r));
                quote_field(r, &c, style)
            })
            .collect();
        out.push_str(&fields.join(&style.delimiter.to_string()));
        if i + 1 < n || style.final_line_end || style.totals_row {
            out.push_str(end(r));
        }
    }
    if style.totals_row {
        let mut cells = vec![String::new(); grid.headers.len()];
        if let Some(first) = cells.first_mut() {
            *first = "Total".into();
        }
        if let Some(last) = cells.last_mut() {
            *last = format!("{}", r.random_range(0..100_000));
        }
        out.push_str(&cells.join(&style.delimiter.to_string()));
        if style.final_line_end {
            out.push_str(end(r));
        }
    }
    out
}

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    let utf16 = |be: bool, bom: bool| {
        let mut v = Vec::new();
        if bom {
            v.extend_from_slice(if be { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
        }
        for u in text.encode_utf16() {
            v.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        v
    };
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Enc::Windows1252 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        Enc::Utf16LeBom => utf16(false, true),
        Enc::Utf16BeBom => utf16(true, true),
        Enc::Utf16Le => utf16(false, false),
    }
}

fn pick_encoding(r: &mut R) -> Enc {
    match r.random_range(0..20) {
        0..10 => Enc::Utf8,
        10..13 => Enc::Utf8Bom,
        13..17 => Enc::Windows1252,
        17 => Enc::Utf16LeBom,
        18 => Enc::Utf16BeBom,
        _ => Enc::Utf16Le,
    }
}

/// Damage a file suffers: cut short, bytes flipped, noise inserted, pieces lost or repeated.
fn mutate(r: &mut R, bytes: &mut Vec<u8>) {
    for _ in 0..r.random_range(1..4) {
        let len = bytes.len();
        match r.random_range(0..7) {
            0 | 1 => {
                let at = r.random_range(0..=len);
                bytes.truncate(at);
            }
            2 if len > 0 => {
                for _ in 0..r.random_range(1..8) {
                    let at = r.random_range(0..len);
                    bytes[at] = r.random();
                }
            }
            3 => {
                let at = r.random_range(0..=len);
                let noise = random_bytes(r, 16);
                bytes.splice(at..at, noise);
            }
            4 if len > 0 => {
                let a = r.random_range(0..len);
                let b = r.random_range(a..=len.min(a + 256));
                bytes.drain(a..b);
            }
            5 if len > 0 => {
                let a = r.random_range(0..len);
                let b = r.random_range(a..=len.min(a + 256));
                let piece = bytes[a..b].to_vec();
                let at = r.random_range(0..=len);
                bytes.splice(at..at, piece);
            }
            _ => {
                let at = r.random_range(0..=len);
                let byte = *pick(r, b"\"\r\n;,\0\xFF\xFE\xEF");
                bytes.insert(at, byte);
            }
        }
    }
}

/// Sometimes audit.toml says how to read the file, right or wrong.
fn source_config(r: &mut R, name: &str, table: Option<TableKind>) -> SourceConfig {
    let mut s = SourceConfig {
        table,
        file: name.to_string(),
        ..SourceConfig::default()
    };
    if chance(r, 0.05) {
        s.delimiter = Some(*pick(r, &[',', ';', '\t', '|', 'x', 'é', '"']));
    }
    if chance(r, 0.05) {
        s.encoding = Some(
            (*pick(
                r,
                &["utf-8", "utf-16", "latin1", "windows-1252", "utf-16be"],
            ))
            .into(),
        );
    }
    if chance(r, 0.1) {
        s.decimal = Some(*pick(r, &['.', ',']));
    }
    if chance(r, 0.05) {
        s.header_row = Some(*pick(r, &[1, 2, 3, 40, 1_000_000, usize::MAX / 2]));
    }
    if chance(r, 0.05) {
        s.date_format = Some(date_format(r));
    }
    if chance(r, 0.05) {
        s.sheet = Some((*pick(r, &["Sheet1", "transactions", "Hoja1", "nope"])).into());
    }
    s
}

fn date_format(r: &mut R) -> String {
    if chance(r, 0.5) {
        return (*pick(
            r,
            &[
                "%d/%m/%Y",
                "%m/%d/%Y",
                "%Y-%m-%d",
                "%d/%m/%Y %H:%M",
                "%Y-%m-%dT%H:%M:%S%.3f",
                "excel",
                "excel1904",
                "%d.%m.%y",
                "%e %b %Y",
            ],
        ))
        .to_string();
    }
    let pieces = [
        "%d", "%m", "%Y", "%y", "%H", "%M", "%S", "%b", "%B", "%j", "%s", "%f", "%.3f", "%z", "%Z",
        "%:z", "%Q", "%", "%%", "/", "-", " ", "T", "%E", "%C", "%V", "%G", "%a", "%p", "%#z",
    ];
    (0..r.random_range(0..6))
        .map(|_| *pick(r, &pieces))
        .collect()
}

fn file_name(r: &mut R, table: TableKind, ext: &str) -> String {
    let stem = match table {
        TableKind::Customers => "clientes",
        TableKind::Transactions => "facturas",
        TableKind::Interactions => "actividades",
        TableKind::Complaints => "tickets",
        TableKind::Surveys => "encuestas",
    };
    let stem = if chance(r, 0.1) { "export_0423" } else { stem };
    format!("{stem}.{ext}")
}

/// How the file reaches ingest: named in audit.toml with its table (most), named without it,
/// or found by discovery.
fn placement(r: &mut R, name: &str, table: TableKind) -> Option<SourceConfig> {
    match r.random_range(0..10) {
        0..6 => Some(source_config(r, name, Some(table))),
        6..8 => Some(source_config(r, name, None)),
        _ => None,
    }
}

fn csv_case(r: &mut R, damaged: bool) -> Case {
    let max_rows = if chance(r, 0.9) { 12 } else { 120 };
    let g = grid(r, max_rows);
    let style = csv_style(r);
    let text = csv_text(r, &g, &style);
    let enc = pick_encoding(r);
    let mut bytes = encode(&text, enc);
    let twin = !damaged && matches!(style.line_ends, LineEnds::Cr | LineEnds::Mixed);
    let ext = *pick(r, &["csv", "csv", "csv", "txt", "tsv"]);
    let name = file_name(r, g.table, ext);
    if damaged {
        mutate(r, &mut bytes);
    }
    let source = placement(r, &name, g.table);
    let lf_twin = twin.then(|| encode(&csv_text_lf(&text), enc));
    Case {
        kind: if damaged { "csv-damaged" } else { "csv" },
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin,
        },
    }
}

/// The LF twin of CR or mixed text: every lone CR becomes LF, CR LF stays. A Unix or Windows
/// export of the same records, line for line. (Making CR LF into LF as well would compare
/// polars on CR LF against LF inside damaged quoting, which is not what this is about.)
fn csv_text_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn random_bytes_case(r: &mut R, exts: &[&str]) -> Case {
    let ext = *pick(r, exts);
    let table = *pick(r, &TableKind::ALL);
    let name = file_name(r, table, ext);
    let mut bytes = random_bytes(r, 2048);
    if chance(r, 0.2) {
        // A plausible start, then noise.
        let prefix: &[u8] = match ext {
            "xlsx" | "xlsm" | "xlsb" | "ods" => b"PK\x03\x04",
            "xls" => b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            _ => b"customer_id,date,net_amount\n",
        };
        bytes.splice(0..0, prefix.iter().copied());
    }
    let source = placement(r, &name, table);
    Case {
        kind: "random-bytes",
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

fn empty_case(r: &mut R) -> Case {
    let table = *pick(r, &TableKind::ALL);
    let ext = *pick(r, &["csv", "txt", "xlsx", "ods"]);
    let name = file_name(r, table, ext);
    let bytes: Vec<u8> = match ext {
        "xlsx" => zip::xlsx(&[("Sheet1".into(), "<sheetData/>".into())], &[], false),
        "ods" => zip::ods(r#"<table:table table:name="Hoja1"/>"#),
        _ => (*pick(
            r,
            &[
                &b""[..],
                b"\xEF\xBB\xBF",
                b"\xFF\xFE",
                b"\n\n\n",
                b"\r\r\r",
                b";;;\n;;;\n",
                b"customer_id,date,net_amount",
                b"customer_id,date,net_amount\r",
                b"customer_id;date;net_amount\n\n",
                b"\"",
                b"\"\"\"",
                b"sep=;",
                b"sep=",
            ],
        ))
        .to_vec(),
    };
    let source = placement(r, &name, table);
    Case {
        kind: "empty",
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

/// A CSV big enough to be read in slices when the slice size is small (the runner sets
/// `CRM_AUDIT_CSV_SLICE_KB=64`: files of 128 KB and more).
fn long_csv_case(r: &mut R) -> Case {
    let mut g = grid(r, 0);
    // Thousands of dates: one stray of the other day/month order would fail the whole file.
    g.layout = Some(STRICT + r.random_range(0..14));
    let target = r.random_range(100_000..400_000);
    let mut len = 0;
    while len < target {
        let row = row(r, &g.headers, &g.types, g.layout);
        len += row.iter().map(|c| c.len() + 1).sum::<usize>() + 1;
        g.rows.push(row);
    }
    let mut style = csv_style(r);
    if style.quoting == Quoting::Broken && chance(r, 0.7) {
        style.quoting = Quoting::Needed;
    }
    let text = csv_text(r, &g, &style);
    let enc = *pick(r, &[Enc::Utf8, Enc::Utf8, Enc::Utf8Bom, Enc::Windows1252]);
    let mut bytes = encode(&text, enc);
    if chance(r, 0.3) {
        mutate(r, &mut bytes);
    }
    // No LF twin below: this file with CR line ends is read whole and its twin in slices, and
    // the sliced reader decides a column's decimal separator and date order from the first slice,
    // not from the whole file as the whole reader does (see docs/fuzzing.md).
    let name = file_name(r, g.table, "csv");
    let source = placement(r, &name, g.table);
    Case {
        kind: "csv-long",
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

/// A CSV with a cell of about 1 MB (quoted or not, with or without line breaks).
fn big_cell_case(r: &mut R) -> Case {
    let mut g = grid(r, 5);
    if g.rows.is_empty() {
        g.rows.push(row(r, &g.headers, &g.types, g.layout));
    }
    let big = {
        let unit = *pick(r, &["x", "é", "a;b,c", "line\n", "\"q\"", "1"]);
        unit.repeat((1 << 20) / unit.len())
    };
    let i = r.random_range(0..g.rows.len());
    let row = &mut g.rows[i];
    if row.is_empty() {
        row.push(String::new());
    }
    let c = r.random_range(0..row.len());
    row[c] = big;
    let style = csv_style(r);
    let text = csv_text(r, &g, &style);
    let bytes = encode(
        &text,
        *pick(r, &[Enc::Utf8, Enc::Windows1252, Enc::Utf16LeBom]),
    );
    let name = file_name(r, g.table, "csv");
    let source = placement(r, &name, g.table);
    Case {
        kind: "csv-1mb-cell",
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

/// A CSV with 10,000 columns, the known ones somewhere among them.
fn wide_csv_case(r: &mut R) -> Case {
    let g0 = grid(r, 0);
    let mut headers: Vec<String> = (0..10_000).map(|i| format!("col{i}")).collect();
    let mut types: Vec<Option<ColType>> = vec![None; 10_000];
    for (h, t) in g0.headers.iter().zip(&g0.types) {
        let at = r.random_range(0..10_000);
        headers[at] = h.clone();
        types[at] = *t;
    }
    let n = r.random_range(0..4);
    let rows = (0..n)
        .map(|_| {
            headers
                .iter()
                .zip(&types)
                .map(|(h, t)| match t {
                    Some(ty) => cell_value(r, &canonical_of(h), *ty, g0.layout),
                    None => String::from("1"),
                })
                .collect()
        })
        .collect();
    let g = Grid {
        layout: g0.layout,
        table: g0.table,
        headers,
        types,
        rows,
    };
    let mut style = csv_style(r);
    style.quoting = Quoting::Needed;
    let text = csv_text(r, &g, &style);
    let name = file_name(r, g.table, "csv");
    let source = placement(r, &name, g.table);
    Case {
        kind: "csv-10k-columns",
        input: Input::File {
            file: GenFile {
                name,
                bytes: text.into_bytes(),
            },
            source,
            lf_twin: None,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Workbooks

/// A workbook written by rust_xlsxwriter: sheets named after tables or not, some empty, title
/// rows, merged header cells, numbers, text, dates (some far out of range), booleans, formulas
/// with cached results and error cells. `damaged`: then cut or overwritten (a corrupt zip).
fn writer_xlsx_case(r: &mut R, damaged: bool, wide: bool) -> Case {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    // A fixed creation time: the same input, byte for byte, on every run.
    if let Ok(created) = ExcelDateTime::from_ymd(2026, 1, 1) {
        wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let g = grid(r, if wide { 3 } else { 15 });
    let sheets = r.random_range(0..4);
    let data_sheet = r.random_range(0..sheets.max(1));
    let mut wrote = Ok(());
    for s in 0..sheets.max(1) {
        let ws = wb.add_worksheet();
        let name = match r.random_range(0..5) {
            0 if s == data_sheet => g.table.name().to_string(),
            1 => format!("Facturas {}", 2026 + s),
            2 => format!("Hoja{s}"),
            _ => format!("Sheet{}", s + 1),
        };
        let _ = ws.set_name(name);
        if s != data_sheet || sheets == 0 {
            // An empty sheet, or one cell far away.
            if chance(r, 0.3) {
                let _ =
                    ws.write_string(r.random_range(0..1_048_576), r.random_range(0..16_384), "x");
            }
            continue;
        }
        let top = if chance(r, 0.2) {
            r.random_range(1..4)
        } else {
            0
        };
        if top > 0 {
            let _ = ws.write_string(0, 0, "Informe de ventas");
            if chance(r, 0.5) {
                let _ = ws.merge_range(0, 0, 0, 3, "Informe de ventas", &Format::new());
            }
        }
        let mut headers = g.headers.clone();
        let mut types = g.types.clone();
        if wide {
            let extra = 10_000usize.saturating_sub(headers.len());
            headers.extend((0..extra).map(|i| format!("col{i}")));
            types.extend(std::iter::repeat_n(None, extra));
        }
        for (c, h) in headers.iter().enumerate() {
            if c >= 16_384 {
                break;
            }
            let _ = ws.write_string(top, c as u16, h);
        }
        for (i, row) in g.rows.iter().enumerate() {
            let rr = top + 1 + i as u32;
            for (c, text) in row.iter().enumerate() {
                let c = c as u16;
                let ty = types.get(c as usize).copied().flatten();
                let res = match (r.random_range(0..12), ty) {
                    (0, _) => ws
                        .write_formula(
                            rr,
                            c,
                            Formula::new("=1/0").set_result(*pick(
                                r,
                                &[
                                    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                                    "#NULL!",
                                ],
                            )),
                        )
                        .map(|_| ()),
                    (1, _) => ws
                        .write_formula(
                            rr,
                            c,
                            Formula::new("=A1*2").set_result(
                                pick(r, &["42", "", "abc", "TRUE", "1e308"]).to_string(),
                            ),
                        )
                        .map(|_| ()),
                    (2, _) => ws.write_formula(rr, c, "=SUM(A:A)").map(|_| ()),
                    (3..6, Some(ColType::Date | ColType::DateTime)) => {
                        let v: f64 = *pick(
                            r,
                            &[
                                46_095.0,
                                46_095.75,
                                0.0,
                                -1.0,
                                60.0,
                                2_958_465.0,
                                2_958_466.0,
                                1e12,
                                -1e12,
                                1e300,
                                f64::MIN_POSITIVE,
                            ],
                        );
                        let f = if chance(r, 0.5) { &date } else { &datetime };
                        ws.write_number_with_format(rr, c, v, f).map(|_| ())
                    }
                    (3..6, Some(ColType::Number | ColType::Integer)) => {
                        let v: f64 = *pick(
                            r,
                            &[
                                1234.5,
                                -0.0,
                                1e15,
                                1e16,
                                123_456_789_012_345_680.0,
                                f64::MAX,
                                1e-300,
                                7.0,
                            ],
                        );
                        ws.write_number(rr, c, v).map(|_| ())
                    }
                    (6, _) => ws.write_boolean(rr, c, chance(r, 0.5)).map(|_| ()),
                    (7, _) => ws.write_blank(rr, c, &date).map(|_| ()),
                    _ => ws.write_string(rr, c, text).map(|_| ()),
                };
                if wrote.is_ok() {
                    wrote = res;
                }
            }
        }
    }
    let mut bytes = match (wrote, wb.save_to_buffer()) {
        (Ok(()), Ok(b)) => b,
        _ => zip::xlsx(&[("Sheet1".into(), "<sheetData/>".into())], &[], false),
    };
    if damaged {
        match r.random_range(0..3) {
            0 => {
                let at = r.random_range(0..=bytes.len());
                bytes.truncate(at);
            }
            1 => {
                // Zeroes over a stretch: the central directory or a part's data.
                let len = bytes.len();
                let a = r.random_range(0..len);
                let b = (a + r.random_range(1..512)).min(len);
                bytes[a..b].fill(0);
            }
            _ => mutate(r, &mut bytes),
        }
    }
    let ext = *pick(r, &["xlsx", "xlsx", "xlsm"]);
    let name = file_name(r, g.table, ext);
    let source = placement(r, &name, g.table);
    Case {
        kind: match (damaged, wide) {
            (_, true) => "xlsx-10k-columns",
            (true, _) => "xlsx-corrupt",
            _ => "xlsx",
        },
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

fn column_letters(mut c: u64) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell reference, usually right, sometimes out of Excel's range or malformed.
fn cell_ref(r: &mut R, row: u64, col: u64) -> String {
    match r.random_range(0..40) {
        0 => format!("{}{}", column_letters(col), 1_048_577),
        1 => format!("XFE{}", row + 1),
        2 => format!("A{}", u64::MAX),
        3 => format!("{}0", column_letters(col)),
        4 => "1A".into(),
        5 => String::new(),
        6 => format!("ZZZZZZZZZZZZZ{}", row + 1),
        _ => format!("{}{}", column_letters(col), row + 1),
    }
}

/// An xlsx whose XML the generator writes itself. Most are sound, cells typed as a spreadsheet
/// would type them (serial dates with a date style, numbers, shared and inline strings, booleans,
/// error cells, formulas with cached values); hostile ones (30 %) use every cell type with bad
/// values (`s` with shared-string indexes out of range, `b` of 2, unknown errors, text in `n`),
/// references out of Excel's range or malformed, odd dimensions and merged regions. A fifth
/// have their XML cut short.
fn raw_xlsx_case(r: &mut R) -> Case {
    let g = grid(r, 12);
    let hostile = chance(r, 0.3);
    let mut shared: Vec<String> = Vec::new();
    let mut data = String::new();
    if chance(r, 0.5) {
        let dims: &[&str] = if hostile {
            &["A1:C10", "A1", "A1:XFD1048576", "", "Z9:A1", "A0:B-1"]
        } else {
            &["A1:C10", "A1", "A1:XFD1048576"]
        };
        data.push_str(&format!(r#"<dimension ref="{}"/>"#, pick(r, dims)));
    }
    data.push_str("<sheetData>");
    let rows = std::iter::once(&g.headers).chain(g.rows.iter());
    for (i, row) in rows.enumerate() {
        let rn = i as u64;
        let rattr = match (hostile, r.random_range(0..30)) {
            (true, 0) => r#" r="0""#.to_string(),
            (true, 1) => r#" r="1048577""#.to_string(),
            (_, 2) => String::new(),
            _ => format!(r#" r="{}""#, rn + 1),
        };
        data.push_str(&format!("<row{rattr}>"));
        for (c, text) in row.iter().enumerate() {
            let reference = if hostile {
                cell_ref(r, rn, c as u64)
            } else {
                format!("{}{}", column_letters(c as u64), rn + 1)
            };
            let rattr = if chance(r, 0.05) {
                String::new()
            } else {
                format!(r#" r="{reference}""#)
            };
            let cell = if hostile {
                hostile_cell(r, &rattr, text, &mut shared)
            } else {
                let ty = if i == 0 {
                    None
                } else {
                    g.types.get(c).copied().flatten()
                };
                sound_cell(r, &rattr, text, ty, &mut shared)
            };
            data.push_str(&cell);
        }
        data.push_str("</row>");
    }
    data.push_str("</sheetData>");
    if chance(r, 0.2) {
        let merged: &[&str] = if hostile {
            &[
                "A1:B1",
                "A1:A3",
                "B2:A1",
                "A1:XFD1048576",
                "A1",
                "",
                "A0:B1",
            ]
        } else {
            &["A1:B1", "A1:A2", "B1:C1"]
        };
        data.push_str(&format!(
            r#"<mergeCells count="1"><mergeCell ref="{}"/></mergeCells>"#,
            pick(r, merged)
        ));
    }
    let cut_short = chance(r, 0.2);
    if cut_short {
        let mut cut = r.random_range(0..=data.len());
        while !data.is_char_boundary(cut) {
            cut -= 1;
        }
        data.truncate(cut);
    }
    let mut sheets = vec![(g.table.name().to_string(), data)];
    if chance(r, 0.3) {
        sheets.insert(0, ("Vacía".into(), "<sheetData/>".into()));
    }
    let bytes = zip::xlsx(&sheets, &shared, chance(r, 0.2));
    let name = file_name(r, g.table, "xlsx");
    let source = placement(r, &name, g.table);
    Case {
        kind: match (hostile, cut_short) {
            (_, true) => "xlsx-xml-cut",
            (true, _) => "xlsx-xml-hostile",
            _ => "xlsx-xml",
        },
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

fn shared_string(text: &str, shared: &mut Vec<String>) -> usize {
    shared.push(text.to_string());
    shared.len() - 1
}

/// A cell as Excel writes one for a column of type `ty` (`None`: text, as headers are).
fn sound_cell(
    r: &mut R,
    rattr: &str,
    text: &str,
    ty: Option<ColType>,
    shared: &mut Vec<String>,
) -> String {
    let roll = r.random_range(0..20);
    match (roll, ty) {
        (0, Some(_)) => format!(
            r#"<c{rattr} t="e"><f>1/0</f><v>{}</v></c>"#,
            pick(
                r,
                &[
                    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"
                ]
            )
        ),
        (1, Some(_)) => format!(
            r#"<c{rattr} t="str"><f>A1&amp;B1</f><v>{}</v></c>"#,
            zip::xml_escape(text)
        ),
        (2..12, Some(ColType::Date | ColType::DateTime)) => {
            let v: f64 = if chance(r, 0.9) {
                r.random_range(30_000.0..50_000.0)
            } else {
                *pick(r, &[0.0, -1.0, 60.0, 2_958_465.9, 2_958_466.0, 1e12, 1e300])
            };
            let style = *pick(r, &[r#" s="1""#, r#" s="2""#]);
            format!(r#"<c{rattr}{style}><v>{v}</v></c>"#)
        }
        (2..12, Some(ColType::Number | ColType::Integer)) => {
            let v: f64 = if chance(r, 0.9) {
                (r.random_range(-1e5..1e6f64) * 100.0).round() / 100.0
            } else {
                *pick(r, &[1e15, 1e16, f64::MAX, 1e-300, -0.0])
            };
            format!(r#"<c{rattr}><v>{v}</v></c>"#)
        }
        (12, Some(_)) => format!(r#"<c{rattr} t="b"><v>{}</v></c>"#, pick(r, &["1", "0"])),
        (13, _) => format!(
            r#"<c{rattr} t="inlineStr"><is><t>{}</t></is></c>"#,
            zip::xml_escape(text)
        ),
        _ => format!(
            r#"<c{rattr} t="s"><v>{}</v></c>"#,
            shared_string(text, shared)
        ),
    }
}

/// A cell of any type with values a damaged or hostile file holds.
fn hostile_cell(r: &mut R, rattr: &str, text: &str, shared: &mut Vec<String>) -> String {
    let style = *pick(r, &["", "", r#" s="1""#, r#" s="2""#, r#" s="9""#]);
    match r.random_range(0..10) {
        0..3 => {
            let idx = if chance(r, 0.2) {
                *pick(r, &[shared.len() + 5, usize::MAX, 4_294_967_296])
            } else {
                shared_string(text, shared)
            };
            format!(r#"<c{rattr}{style} t="s"><v>{idx}</v></c>"#)
        }
        3 => format!(
            r#"<c{rattr}{style} t="inlineStr"><is><t>{}</t></is></c>"#,
            zip::xml_escape(text)
        ),
        4 => format!(
            r#"<c{rattr}{style} t="e"><f>1/0</f><v>{}</v></c>"#,
            pick(r, &["#DIV/0!", "#N/A", "#BOGUS", "", "#VALUE!"])
        ),
        5 => format!(
            r#"<c{rattr}{style} t="b"><v>{}</v></c>"#,
            pick(r, &["1", "0", "2", "TRUE", ""])
        ),
        6 => format!(
            r#"<c{rattr}{style} t="d"><v>{}</v></c>"#,
            zip::xml_escape(&date_value(r, 0.5))
        ),
        7 => format!(
            r#"<c{rattr}{style} t="str"><f>A1&amp;B1</f><v>{}</v></c>"#,
            zip::xml_escape(text)
        ),
        8 => format!(
            r#"<c{rattr}{style}><v>{}</v></c>"#,
            pick(
                r,
                &[
                    "46095", "46095.5", "-1", "1e308", "NaN", "inf", "abc", "", "2958466", "1e20"
                ]
            )
        ),
        _ => format!(
            r#"<c{rattr}{style} t="n"><v>{}</v></c>"#,
            zip::xml_escape(&number_value(r))
        ),
    }
}

/// An ods likewise: sound ones typed per column (floats, ISO dates, booleans, strings), hostile
/// ones (30 %) with every value type and bad values, repeats of 0, −5 or text; rows and columns
/// repeated to the sheet's end as LibreOffice writes them; a fifth cut short.
fn ods_case(r: &mut R) -> Case {
    let g = grid(r, 12);
    let hostile = chance(r, 0.3);
    let mut t = format!(r#"<table:table table:name="{}">"#, g.table.name());
    if chance(r, 0.3) {
        let repeats: &[&str] = if hostile {
            &["2", "0", "-1", "1000", "abc"]
        } else {
            &["1", "2", "5"]
        };
        t.push_str(&format!(
            r#"<table:table-row table:number-rows-repeated="{}"><table:table-cell/></table:table-row>"#,
            pick(r, repeats)
        ));
    }
    let rows = std::iter::once(&g.headers).chain(g.rows.iter());
    for (i, row) in rows.enumerate() {
        t.push_str("<table:table-row>");
        for (c, text) in row.iter().enumerate() {
            let esc = zip::xml_escape(text);
            let string = || {
                format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{esc}</text:p></table:table-cell>"#
                )
            };
            let ty = if i == 0 {
                None
            } else {
                g.types.get(c).copied().flatten()
            };
            let cell = if !hostile {
                match (r.random_range(0..10), ty) {
                    (0..7, Some(ColType::Date | ColType::DateTime)) => {
                        let d = format!(
                            "{}-{:02}-{:02}",
                            r.random_range(1995..2030),
                            r.random_range(1..13),
                            r.random_range(1..29)
                        );
                        let d = if chance(r, 0.3) {
                            format!(
                                "{d}T{:02}:{:02}:00",
                                r.random_range(0..24),
                                r.random_range(0..60)
                            )
                        } else {
                            d
                        };
                        format!(
                            r#"<table:table-cell office:value-type="date" office:date-value="{d}"><text:p>{d}</text:p></table:table-cell>"#
                        )
                    }
                    (0..7, Some(ColType::Number | ColType::Integer)) => {
                        let v = (r.random_range(-1e4..1e5f64) * 100.0).round() / 100.0;
                        format!(
                            r#"<table:table-cell office:value-type="{}" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#,
                            pick(r, &["float", "float", "currency", "percentage"])
                        )
                    }
                    (7, Some(ColType::Flag)) => format!(
                        r#"<table:table-cell office:value-type="boolean" office:boolean-value="{}"/>"#,
                        pick(r, &["true", "false"])
                    ),
                    (8, Some(_)) => "<table:table-cell/>".to_string(),
                    (9, Some(_)) => format!(
                        r#"<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>{esc}</text:p></table:table-cell>"#
                    ),
                    _ => string(),
                }
            } else {
                match r.random_range(0..10) {
                    0..4 => string(),
                    4 => format!(
                        r#"<table:table-cell office:value-type="float" office:value="{}"><text:p>{esc}</text:p></table:table-cell>"#,
                        pick(r, &["1234.5", "-0", "1e308", "abc", "", "NaN", "46095"])
                    ),
                    5 => format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{}"><text:p>{esc}</text:p></table:table-cell>"#,
                        zip::xml_escape(&date_value(r, 0.5))
                    ),
                    6 => format!(
                        r#"<table:table-cell office:value-type="boolean" office:boolean-value="{}"/>"#,
                        pick(r, &["true", "false", "yes", ""])
                    ),
                    7 => format!(
                        r#"<table:table-cell office:value-type="{}" office:value="{}"/>"#,
                        pick(r, &["percentage", "currency", "time", "bogus"]),
                        pick(r, &["0.5", "PT12H30M", "x", ""])
                    ),
                    8 => format!(
                        r#"<table:table-cell table:number-columns-repeated="{}" office:value-type="string"><text:p>{esc}</text:p></table:table-cell>"#,
                        pick(r, &["2", "0", "3", "100", "-5"])
                    ),
                    _ => "<table:covered-table-cell/>".to_string(),
                }
            };
            t.push_str(&cell);
        }
        if chance(r, 0.1) {
            // LibreOffice ends rows with the empty cells up to the last column.
            t.push_str(r#"<table:table-cell table:number-columns-repeated="16370"/>"#);
        }
        t.push_str("</table:table-row>");
    }
    if chance(r, 0.15) {
        // ... and sheets with the empty rows up to the last one.
        t.push_str(r#"<table:table-row table:number-rows-repeated="1048500"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#);
    }
    t.push_str("</table:table>");
    if chance(r, 0.3) {
        t.insert_str(0, r#"<table:table table:name="Vacía"/>"#);
    }
    let cut_short = chance(r, 0.2);
    if cut_short {
        let mut cut = r.random_range(0..=t.len());
        while !t.is_char_boundary(cut) {
            cut -= 1;
        }
        t.truncate(cut);
    }
    let bytes = zip::ods(&t);
    let name = file_name(r, g.table, "ods");
    let source = placement(r, &name, g.table);
    Case {
        kind: match (hostile, cut_short) {
            (_, true) => "ods-cut",
            (true, _) => "ods-hostile",
            _ => "ods",
        },
        input: Input::File {
            file: GenFile { name, bytes },
            source,
            lf_twin: None,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// audit.toml

/// Half the time, pushes the formatted line.
macro_rules! maybe {
    ($r:expr, $lines:expr, $($fmt:tt)*) => {
        if chance($r, 0.5) {
            let line = format!($($fmt)*);
            $lines.push(line);
        }
    };
}

fn toml_string(r: &mut R) -> String {
    match r.random_range(0..8) {
        0 => "\"\"".into(),
        1 => "\"x\\u0000y\"".into(),
        2 => "'''multi\nline'''".into(),
        3 => "1".into(),
        4 => "[1, 2]".into(),
        5 => "\"\\uD800\"".into(),
        _ => format!("{:?}", random_text(r, 10)),
    }
}

fn toml_number(r: &mut R) -> String {
    (*pick(
        r,
        &[
            "0",
            "1",
            "-1",
            "7",
            "365",
            "3650",
            "3651",
            "1e308",
            "nan",
            "inf",
            "-inf",
            "0.10",
            "1.0",
            "9223372036854775807",
            "-9223372036854775808",
            "99999999999999999999",
            "\"12\"",
            "true",
            "0x10",
            "1_000",
        ],
    ))
    .to_string()
}

/// An audit.toml: a valid one with values changed to wrong types, out-of-range numbers, unknown
/// keys, bad encodings, delimiters, date formats and globs; or cut short; or random bytes.
fn toml_case(r: &mut R) -> Case {
    let g = grid(r, 8);
    let data_name = file_name(r, g.table, "csv");
    let mut lines: Vec<String> = vec![
        "[client]".into(),
        format!(
            "name = {}",
            if chance(r, 0.9) {
                "\"Fuzz S.L.\"".into()
            } else {
                toml_string(r)
            }
        ),
    ];
    maybe!(
        r,
        lines,
        "id = {}",
        if chance(r, 0.5) {
            "\"fuzz\"".into()
        } else {
            toml_string(r)
        }
    );
    maybe!(
        r,
        lines,
        "lang = {}",
        pick(r, &["\"en\"", "\"es\"", "\"fr\"", "1"])
    );
    maybe!(
        r,
        lines,
        "currency = {}",
        pick(r, &["\"EUR\"", "\"USD\"", "\"EURO\"", "\"\"", "\"€\""])
    );
    maybe!(r, lines, "prepared_by = {}", toml_string(r));
    for _ in 0..r.random_range(0..3) {
        lines.push("[[source]]".into());
        maybe!(
            r,
            lines,
            "table = {}",
            pick(
                r,
                &[
                    "\"transactions\"",
                    "\"customers\"",
                    "\"complaints\"",
                    "\"invoices\"",
                    "3"
                ]
            )
        );
        let file = match r.random_range(0..8) {
            0 => "\"*.csv\"".to_string(),
            1 => "\"[\"".to_string(),
            2 => "\"\"".to_string(),
            3 => "\"missing.csv\"".to_string(),
            4 => "\"*\"".to_string(),
            5 => "\"fact?ras.*\"".to_string(),
            _ => format!("\"{data_name}\""),
        };
        lines.push(format!("file = {file}"));
        maybe!(r, lines, "sheet = {}", toml_string(r));
        maybe!(
            r,
            lines,
            "delimiter = {}",
            pick(
                r,
                &[
                    "\";\"", "\",\"", "\"\\t\"", "\"|\"", "\"ab\"", "\"\\\"\"", "\"é\"", "\"\""
                ]
            )
        );
        maybe!(
            r,
            lines,
            "decimal = {}",
            pick(r, &["\",\"", "\".\"", "\";\"", "\"\""])
        );
        maybe!(
            r,
            lines,
            "encoding = {}",
            pick(
                r,
                &[
                    "\"latin1\"",
                    "\"utf-16\"",
                    "\"klingon\"",
                    "\"UTF8\"",
                    "\"\"",
                    "\"x-mac-roman\""
                ]
            )
        );
        maybe!(r, lines, "header_row = {}", toml_number(r));
        maybe!(r, lines, "date_format = {:?}", date_format(r));
        if chance(r, 0.3) {
            lines.push(format!(
                "columns = {{ {} = {} }}",
                pick(
                    r,
                    &["customer_id", "net_amount", "amount", "date", "\"\"", "nps"]
                ),
                toml_string(r)
            ));
        }
    }
    if chance(r, 0.4) {
        lines.push("[indicators]".into());
        for key in ["activity_window_days", "neglect_days", "cost_per_complaint"] {
            maybe!(r, lines, "{key} = {}", toml_number(r));
        }
        maybe!(
            r,
            lines,
            "sla_hours = {{ high = {}, default = {} }}",
            toml_number(r),
            toml_number(r)
        );
        maybe!(r, lines, "sales_types = [{}]", toml_string(r));
    }
    if chance(r, 0.3) {
        lines.push("[clv]".into());
        maybe!(r, lines, "horizon_months = {}", toml_number(r));
        maybe!(r, lines, "discount_rate = {}", toml_number(r));
        maybe!(
            r,
            lines,
            "unit = {}",
            pick(r, &["\"week\"", "\"day\"", "\"month\"", "7"])
        );
        maybe!(
            r,
            lines,
            "model = {}",
            pick(r, &["\"auto\"", "\"bgnbd\"", "\"pareto-nbd\"", "\"x\""])
        );
    }
    if chance(r, 0.3) {
        lines.push("[targets]".into());
        for key in ["retention_rate", "churn_rate", "nps", "tolerance"] {
            maybe!(r, lines, "{key} = {}", toml_number(r));
        }
    }
    if chance(r, 0.3) {
        // The data-quality gate of issue 17 (other keys are rejected until it exists).
        lines.push("[quality]".into());
        for key in [
            "max_rejected_share",
            "max_unmatched_share",
            "max_future_share",
            "min_rows_in_period",
            "max_staleness_days",
        ] {
            maybe!(r, lines, "{key} = {}", toml_number(r));
        }
    }
    if chance(r, 0.1) {
        let at = r.random_range(0..=lines.len());
        lines.insert(
            at,
            format!(
                "{} = {}",
                pick(r, &["colour", "[client", "name", "= 1", "[[source]"]),
                toml_string(r)
            ),
        );
    }
    let mut toml = lines.join(*pick(r, &["\n", "\r\n"])).into_bytes();
    let kind = match r.random_range(0..10) {
        0 => {
            toml = random_bytes(r, 512);
            "toml-random"
        }
        1 | 2 => {
            mutate(r, &mut toml);
            "toml-damaged"
        }
        _ => "toml",
    };
    let style = csv_style(r);
    let text = csv_text(r, &g, &style);
    let files = vec![GenFile {
        name: data_name,
        bytes: encode(&text, pick_encoding(r)),
    }];
    Case {
        kind,
        input: Input::Config { toml, files },
    }
}

// ---------------------------------------------------------------------------------------------
// Parser values

fn values_case(r: &mut R) -> Case {
    let n = r.random_range(1..64);
    let values = (0..n)
        .map(|_| match r.random_range(0..6) {
            0 | 1 => date_value(r, 0.3),
            2 | 3 => number_value(r),
            4 => flag_value(r),
            _ => random_text(r, 24),
        })
        .collect();
    Case {
        kind: "values",
        input: Input::Values(values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_index_give_the_same_input() {
        for i in 0..200 {
            let (a, b) = (generate(7, i), generate(7, i));
            assert_eq!(a.kind, b.kind);
            let bytes = |c: &Case| match &c.input {
                Input::File { file, .. } => file.bytes.clone(),
                Input::Config { toml, .. } => toml.clone(),
                Input::Values(v) => v.join("\u{1}").into_bytes(),
            };
            assert_eq!(bytes(&a), bytes(&b));
        }
    }

    #[test]
    fn the_lf_twin_changes_lone_crs_only() {
        assert_eq!(csv_text_lf("a\rb\r\nc\nd\r"), "a\nb\r\nc\nd\n");
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
