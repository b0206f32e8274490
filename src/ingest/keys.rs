//! Customer keys (issue 18): a file may name its customer by the customers table's id, by
//! e-mail, by tax id (Spanish NIF/CIF/NIE, EU VAT number) or by a name only one customer has.
//! Every column that could be the key travels with the source's frame (see [`key_input`]); once
//! every source is read, [`rekey`] weighs each against the customers table, keeps the one that
//! matches most rows, re-keys the rows to `customer_id` and records per source how many rows
//! matched by which key and which matched none or several customers. Without a customers table,
//! the key most files share becomes the id. Part of the ingest stage.

use super::checks::ROW_COLUMN;
use super::ledger::{KeyCandidate, KeyMatch, Msg, REJECTED_ROWS_KEPT, RowIssue, SourceLedger};
use super::mapping::{Feed, Mapping};
use super::raw::{RawTable, RowNumbers};
use super::source::SourceOutcome;
use crate::config::CustomerKey;
use crate::tables::TableKind;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// One column that may identify the customer, aligned with the rows of the source's frame.
#[derive(Debug, Clone)]
pub(crate) struct KeyColumn {
    pub(crate) header: String,
    /// What its header says it holds.
    pub(crate) kind: CustomerKey,
    pub(crate) values: StringChunked,
}

/// The key columns of a source: the first is the one mapped to customer_id (for the customers
/// table: its tax-id columns, which other files' tax ids are matched against).
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyInput {
    pub(crate) pinned: Option<CustomerKey>,
    pub(crate) columns: Vec<KeyColumn>,
    /// Set by [`rekey`] when it kept the customer_id column as read and every value was already
    /// trimmed: the rows whose value is not a customer id (nulls and blanks included), in
    /// order. Every other row's value is an id as it stands, so the unknown-customers check
    /// looks at these rows only instead of looking up every row again.
    pub(crate) not_ids: Option<Vec<usize>>,
}

/// The key columns of a source read into `frame`. `raw` is the whole source (`None` for a
/// source read in slices: only its customer_id column is weighed).
pub(crate) fn key_input(
    raw: Option<&RawTable>,
    headers: &[String],
    mapping: &Mapping,
    frame: &DataFrame,
    pinned: Option<CustomerKey>,
) -> KeyInput {
    let mut columns = Vec::new();
    let primary = mapping.feed("customer_id").index();
    for &(i, kind) in &mapping.key_candidates {
        if Some(i) == primary && mapping.table != TableKind::Customers {
            if let Ok(ca) = frame.column("customer_id").and_then(|c| c.str().cloned()) {
                let kind = match mapping.feed("customer_id") {
                    Feed::KeyEmail(_) => CustomerKey::Email,
                    _ => kind,
                };
                columns.push(KeyColumn {
                    header: headers[i].clone(),
                    kind,
                    values: ca,
                });
            }
        } else if let Some(raw) = raw
            && let Some(values) = aligned(raw, i, frame)
        {
            columns.push(KeyColumn {
                header: headers[i].clone(),
                kind,
                values,
            });
        }
    }
    KeyInput {
        pinned,
        columns,
        not_ids: None,
    }
}

/// Makes an e-mail or tax-id column with more values than the customer id column the
/// customer_id column (unless audit.toml names it): a row without a value there would be rejected before any other candidate is weighed
/// (a payments export with the customer id on some rows and the e-mail on all). The mapped
/// column comes first among the candidates.
pub(crate) fn fullest_key(mapping: &mut Mapping, raw: &RawTable) {
    if mapping.table == TableKind::Customers
        || mapping.key_candidates.len() < 2
        || matches!(mapping.feed("customer_id"), Feed::Configured(_))
    {
        return;
    }
    let Some(primary) = mapping.feed("customer_id").index() else {
        return;
    };
    let present = |i: usize| -> usize {
        if i >= raw.frame.width() {
            return 0;
        }
        match raw.column(i).str() {
            Ok(ca) => ca.iter().flatten().filter(|v| !v.trim().is_empty()).count(),
            Err(_) => raw.height() - raw.column(i).null_count(),
        }
    };
    // Only an id column gives way, and only to an e-mail or tax-id column: a file keyed by
    // e-mail whose rows without one carry a name still has those rows rejected.
    if !matches!(mapping.feed("customer_id"), Feed::Synonym(_)) {
        return;
    }
    let mut best = (present(primary), primary, CustomerKey::Id);
    for &(i, kind) in &mapping.key_candidates {
        let n = present(i);
        if n > best.0 && matches!(kind, CustomerKey::Email | CustomerKey::TaxId) {
            best = (n, i, kind);
        }
    }
    let (_, i, kind) = best;
    if i != primary {
        let feed = match kind {
            CustomerKey::Email => Feed::KeyEmail(i),
            CustomerKey::TaxId => Feed::KeyTaxId(i),
            CustomerKey::Name => Feed::KeyName(i),
            CustomerKey::Id => Feed::Synonym(i),
        };
        mapping.set("customer_id", feed);
    }
    if let Some(pos) = mapping.key_candidates.iter().position(|(j, _)| *j == i) {
        let first = mapping.key_candidates.remove(pos);
        mapping.key_candidates.insert(0, first);
    }
}

/// Column `i` of `raw` (trimmed text) at the rows kept in `frame` (found by their file row).
pub(crate) fn aligned(raw: &RawTable, i: usize, frame: &DataFrame) -> Option<StringChunked> {
    let text = raw.column(i).cast(&DataType::String).ok()?;
    let text = text.str().ok()?;
    let rows = frame
        .column(ROW_COLUMN)
        .ok()?
        .cast(&DataType::UInt32)
        .ok()?;
    let rows = rows.u32().ok()?;
    let index: Box<dyn Fn(usize) -> Option<usize>> = match &raw.rows {
        RowNumbers::Offset(first) => {
            let first = *first;
            Box::new(move |r| r.checked_sub(first))
        }
        RowNumbers::Explicit(v) => {
            let map: HashMap<u32, usize> = v.iter().enumerate().map(|(i, r)| (*r, i)).collect();
            Box::new(move |r| map.get(&(r as u32)).copied())
        }
    };
    Some(
        rows.iter()
            .map(|r| {
                let i = index(r? as usize)?;
                text.get(i)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            })
            .collect(),
    )
}

/// An e-mail as compared: lower case, without `mailto:` or a display name around it
/// (`Ana López <ana@x.es>`, `Ana López (ana@x.es)`).
pub(crate) fn norm_email(v: &str) -> Option<String> {
    let token = v
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';')
        })
        .find(|t| t.contains('@'))?;
    let t = token.strip_prefix("mailto:").unwrap_or(token);
    let t = t.trim_matches(|c: char| c == '"' || c == '\'');
    let (user, domain) = t.split_once('@')?;
    (!user.is_empty() && domain.contains('.')).then(|| t.to_lowercase())
}

/// A tax id as compared: upper case, letters and digits only, the `ES` prefix of a Spanish VAT
/// number removed; `None` when it does not have the shape of a NIF, CIF, NIE or EU VAT number.
pub(crate) fn norm_tax(v: &str) -> Option<String> {
    let mut n: String = v
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if n.len() == 11 && n.starts_with("ES") && spanish(&n[2..]) {
        n.drain(..2);
    }
    (spanish(&n) || eu_vat(&n)).then_some(n)
}

/// NIF (8 digits and a letter), NIE (X/Y/Z, 7 digits, a letter) or CIF (a letter, 7 digits, a
/// digit or letter).
fn spanish(n: &str) -> bool {
    let b = n.as_bytes();
    if b.len() != 9 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let last = b[8];
    (digits(0..8) && last.is_ascii_uppercase())
        || (b"XYZ".contains(&b[0]) && digits(1..8) && last.is_ascii_uppercase())
        || (b"ABCDEFGHJNPQRSUVW".contains(&b[0]) && digits(1..8) && last.is_ascii_alphanumeric())
}

/// Two letters and 8 to 12 letters or digits, at least 6 of them digits.
fn eu_vat(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 10
        && b.len() <= 14
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..].iter().filter(|c| c.is_ascii_digit()).count() >= 6
}

/// A name as compared: lower case, blanks collapsed.
pub(crate) fn norm_name(v: &str) -> Option<String> {
    let n = v.split_whitespace().collect::<Vec<_>>().join(" ");
    (!n.is_empty()).then(|| n.to_lowercase())
}

/// The customer a key value points at, by one lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit<'a> {
    One(&'a str),
    Many,
}

/// The outcome of matching one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved<'a> {
    One(&'a str, CustomerKey),
    Many,
    None,
}

type Lookup<'a> = HashMap<String, Hit<'a>>;

/// The customers table as keys: its ids, and (built when first needed) its e-mails, tax ids and
/// names.
struct Index<'a> {
    ids: &'a PlHashSet<&'a str>,
    frames: Vec<&'a DataFrame>,
    taxes: Vec<&'a StringChunked>,
    emails: OnceLock<Lookup<'a>>,
    tax_ids: OnceLock<Lookup<'a>>,
    names: OnceLock<Lookup<'a>>,
    /// Names looked up so far by a scan of the customers instead of the map (see
    /// [`Index::name`]).
    name_scans: AtomicUsize,
}

/// Names looked up one by one before the whole name map is built. A file keyed by id usually
/// has only a few values that are not ids (an unknown id, a typo), and each is tried as a name
/// too: the map of a million customers' normal names cost 0.2 s at L, a scan that skips every
/// name starting with another character a few milliseconds.
const NAME_SCANS: usize = 16;

fn insert<'a>(map: &mut Lookup<'a>, key: String, id: &'a str) {
    map.entry(key)
        .and_modify(|h| {
            if *h != Hit::One(id) {
                *h = Hit::Many;
            }
        })
        .or_insert(Hit::One(id));
}

impl<'a> Index<'a> {
    fn new(
        frames: Vec<&'a DataFrame>,
        taxes: Vec<&'a StringChunked>,
        ids: &'a PlHashSet<&'a str>,
    ) -> Index<'a> {
        Index {
            ids,
            frames,
            taxes,
            emails: OnceLock::new(),
            tax_ids: OnceLock::new(),
            names: OnceLock::new(),
            name_scans: AtomicUsize::new(0),
        }
    }

    /// (id, value of `column`) over the customers frames.
    fn pairs(&self, column: &str) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        for f in &self.frames {
            let (Ok(ids), Ok(vals)) = (
                f.column("customer_id").and_then(|c| c.str()),
                f.column(column).and_then(|c| c.str()),
            ) else {
                continue;
            };
            out.extend(
                ids.iter()
                    .zip(vals.iter())
                    .filter_map(|(i, v)| Some((i?, v?))),
            );
        }
        out
    }

    fn emails(&self) -> &Lookup<'a> {
        self.emails.get_or_init(|| {
            let mut m = HashMap::new();
            for (id, v) in self.pairs("email") {
                if let Some(e) = norm_email(v) {
                    insert(&mut m, e, id);
                }
            }
            m
        })
    }

    fn tax_ids(&self) -> &Lookup<'a> {
        self.tax_ids.get_or_init(|| {
            let mut m = HashMap::new();
            for id in self.pairs("customer_id").into_iter().map(|(id, _)| id) {
                if let Some(t) = norm_tax(id) {
                    insert(&mut m, t, id);
                }
            }
            // The customers frames' tax-id columns, aligned with their rows, in frame order.
            let ids: Vec<Option<&'a str>> = self
                .frames
                .iter()
                .filter_map(|f| f.column("customer_id").and_then(|c| c.str()).ok())
                .flat_map(|c| c.iter())
                .collect();
            for tax in &self.taxes {
                for (id, v) in ids.iter().zip(tax.iter()) {
                    if let (Some(id), Some(t)) = (id, v.and_then(norm_tax)) {
                        insert(&mut m, t, id);
                    }
                }
            }
            m
        })
    }

    fn names(&self) -> &Lookup<'a> {
        self.names.get_or_init(|| {
            let mut m = HashMap::new();
            for (id, v) in self.pairs("name") {
                if let Some(n) = norm_name(v) {
                    insert(&mut m, n, id);
                }
            }
            m
        })
    }

    /// The customer whose normal name is `wanted` (a [`norm_name`]): the first few by a scan of
    /// the customers, later ones in the map, built then.
    fn name(&self, wanted: &str) -> Option<Hit<'a>> {
        if let Some(map) = self.names.get() {
            return map.get(wanted).copied();
        }
        if self.name_scans.fetch_add(1, Ordering::Relaxed) >= NAME_SCANS {
            return self.names().get(wanted).copied();
        }
        self.scan_names(wanted)
    }

    /// [`Index::name`] by a pass over the customers: a name's normal form starts with the
    /// lower case of its first character that is not white space, so only the names whose
    /// first character lowers to `wanted`'s first are normalised and compared. The customers
    /// are met in the map's order, so the outcome is the map's.
    fn scan_names(&self, wanted: &str) -> Option<Hit<'a>> {
        let first = wanted.chars().next()?;
        let mut found: Option<Hit<'a>> = None;
        for f in &self.frames {
            let (Ok(ids), Ok(names)) = (
                f.column("customer_id").and_then(|c| c.str()),
                f.column("name").and_then(|c| c.str()),
            ) else {
                continue;
            };
            for (id, v) in ids.iter().zip(names.iter()) {
                let (Some(id), Some(v)) = (id, v) else {
                    continue;
                };
                let starts = v
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.to_lowercase().next() == Some(first));
                if starts && norm_name(v).as_deref() == Some(wanted) {
                    found = match found {
                        Some(Hit::One(other)) if other != id => Some(Hit::Many),
                        Some(hit) => Some(hit),
                        None => Some(Hit::One(id)),
                    };
                }
            }
        }
        found
    }

    /// The customer `v` points at, trying each allowed kind in turn.
    fn resolve(&self, v: &str, allowed: &[CustomerKey]) -> Resolved<'a> {
        let mut many = false;
        for &kind in allowed {
            let hit = match kind {
                CustomerKey::Id => self.ids.get(v).copied().map(Hit::One),
                CustomerKey::Email => norm_email(v).and_then(|e| self.emails().get(&e).copied()),
                CustomerKey::TaxId => norm_tax(v).and_then(|t| self.tax_ids().get(&t).copied()),
                CustomerKey::Name => norm_name(v).and_then(|n| self.name(&n)),
            };
            match hit {
                Some(Hit::One(id)) => return Resolved::One(id, kind),
                Some(Hit::Many) => many = true,
                None => {}
            }
        }
        if many { Resolved::Many } else { Resolved::None }
    }
}

/// How one candidate column matched: only its rows that are not plain customer ids are kept
/// (a clean id-keyed table of 20 million lines keeps none).
struct Weighed<'a> {
    /// (row, how it matched; `None` for no value), in row order.
    others: Vec<(usize, Option<Resolved<'a>>)>,
    matched: usize,
    /// Some value had blanks around it (it was looked up trimmed).
    padded: bool,
}

impl<'a> Weighed<'a> {
    /// How row `i` matched, walking `others` with `cursor` (rows asked in increasing order).
    fn at<'b>(
        &'b self,
        i: usize,
        cursor: &mut usize,
        value: Option<&'b str>,
    ) -> Option<Resolved<'b>>
    where
        'a: 'b,
    {
        while *cursor < self.others.len() && self.others[*cursor].0 < i {
            *cursor += 1;
        }
        match self.others.get(*cursor) {
            Some((row, r)) if *row == i => *r,
            _ => value.map(|v| Resolved::One(v, CustomerKey::Id)),
        }
    }
}

/// Rows per range of the parallel id scan.
const SCAN_RANGE: usize = 1 << 20;

fn weigh<'a>(index: &Index<'a>, values: &StringChunked, allowed: &[CustomerKey]) -> Weighed<'a> {
    let id_allowed = allowed.contains(&CustomerKey::Id);
    // Ranges of rows in parallel, in row order: the rows whose value is not a customer id.
    let mut ranges = Vec::new();
    let mut base = 0;
    for arr in values.downcast_iter() {
        for start in (0..arr.len()).step_by(SCAN_RANGE) {
            ranges.push((arr, base, start, (start + SCAN_RANGE).min(arr.len())));
        }
        base += arr.len();
    }
    // A customer's lines usually follow one another (an invoice's lines): a value whose 16-byte
    // view equals the one above is the same text (a short one is inside its view, a long one's
    // view points at its bytes) and is not looked up again.
    let padded = AtomicBool::new(false);
    let others: Vec<(usize, Option<&str>)> = ranges
        .par_iter()
        .flat_map_iter(|&(arr, base, start, end)| {
            let views = arr.views();
            let padded = &padded;
            let mut above: Option<(u128, bool)> = None;
            (start..end).filter_map(move |i| {
                let raw = arr.get(i);
                let Some(v) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
                    above = None;
                    return Some((base + i, None));
                };
                if raw.is_some_and(|raw| raw.len() != v.len()) {
                    padded.store(true, Ordering::Relaxed);
                }
                let view = views[i].as_u128();
                let is_id = match above {
                    Some((w, known)) if w == view => known,
                    _ => id_allowed && index.ids.contains(v),
                };
                above = Some((view, is_id));
                (!is_id).then_some((base + i, Some(v)))
            })
        })
        .collect();
    let mut cache: HashMap<&str, Resolved<'a>> = HashMap::new();
    let others: Vec<(usize, Option<Resolved<'a>>)> = others
        .into_iter()
        .map(|(row, v)| {
            let r = v.map(|v| *cache.entry(v).or_insert_with(|| index.resolve(v, allowed)));
            (row, r)
        })
        .collect();
    let failed = others
        .iter()
        .filter(|(_, r)| !matches!(r, Some(Resolved::One(..))))
        .count();
    Weighed {
        matched: values.len() - failed,
        others,
        padded: padded.into_inner(),
    }
}

/// Re-keys every source against the customers table, whose ids are `ids` (without one, to the
/// key most files share) and fills each source's `key` entry of the ledger.
pub(crate) fn rekey(outcomes: &mut [SourceOutcome], ids: Option<&PlHashSet<&str>>) {
    let customers: Vec<(DataFrame, Vec<StringChunked>)> = outcomes
        .iter()
        .filter_map(|o| match &o.frame {
            Some((TableKind::Customers, f)) => Some((
                f.clone(),
                o.keys.columns.iter().map(|k| k.values.clone()).collect(),
            )),
            _ => None,
        })
        .collect();
    let index = ids.map(|ids| {
        Index::new(
            customers.iter().map(|(f, _)| f).collect(),
            customers.iter().flat_map(|(_, t)| t.iter()).collect(),
            ids,
        )
    });
    match index {
        Some(index) => outcomes
            .par_iter_mut()
            .filter(|o| matches!(&o.frame, Some((t, _)) if *t != TableKind::Customers))
            .for_each(|o| rekey_source(&index, o)),
        None => key_without_customers(outcomes),
    }
}

fn count(report: &mut KeyMatch, kind: CustomerKey) {
    match kind {
        CustomerKey::Id => report.by_id += 1,
        CustomerKey::Email => report.by_email += 1,
        CustomerKey::TaxId => report.by_tax_id += 1,
        CustomerKey::Name => report.by_name += 1,
    }
}

fn rekey_source(index: &Index<'_>, o: &mut SourceOutcome) {
    let Some((_, frame)) = &mut o.frame else {
        return;
    };
    let keys = std::mem::take(&mut o.keys);
    if keys.columns.is_empty() {
        return;
    }
    let allowed: Vec<CustomerKey> = match keys.pinned {
        Some(k) => vec![k],
        None => CustomerKey::ALL.to_vec(),
    };
    let n = frame.height();
    let weighed: Vec<Weighed<'_>> = keys
        .columns
        .iter()
        .map(|k| weigh(index, &k.values, &allowed))
        .collect();
    // Most rows matched wins; on a tie, the column mapped to customer_id (the first).
    let best = (0..weighed.len())
        .max_by_key(|&i| (weighed[i].matched, std::cmp::Reverse(i)))
        .unwrap_or(0);
    let chosen = &keys.columns[best];
    let primary = &keys.columns[0];
    let mut report = KeyMatch {
        column: chosen.header.clone(),
        kind: chosen.kind.name().to_string(),
        pinned: keys.pinned.is_some(),
        customers_table: true,
        ..KeyMatch::default()
    };
    let rows = frame
        .column(ROW_COLUMN)
        .ok()
        .and_then(|c| c.cast(&DataType::UInt32).ok());
    let rows = rows.as_ref().and_then(|c| c.u32().ok());
    let path = o.ledger.path.clone();
    let sheet = o.ledger.sheet.clone();
    let list = |report: &mut KeyMatch, i: usize, from: &KeyColumn, many: bool| {
        if many {
            report.ambiguous += 1;
        } else {
            report.unmatched += 1;
        }
        if report.rows.len() < REJECTED_ROWS_KEPT {
            report.rows.push(RowIssue {
                file: path.clone(),
                sheet: sheet.clone(),
                row: rows.and_then(|r| r.get(i)).unwrap_or(0) as usize,
                column: from.header.clone(),
                value: from.values.get(i).unwrap_or_default().trim().to_string(),
                reason: if many {
                    Msg::key_ambiguous()
                } else {
                    Msg::key_unmatched()
                },
            });
        }
    };
    let mut not_ids = None;
    let needs_rewrite = best != 0
        || weighed[0]
            .others
            .iter()
            .any(|(_, r)| matches!(r, Some(Resolved::One(..))));
    if !needs_rewrite {
        // The customer_id column as it is: ids, and rows that matched nothing or several.
        report.by_id = n - weighed[0].others.len();
        for (i, r) in &weighed[0].others {
            list(&mut report, *i, primary, matches!(r, Some(Resolved::Many)));
        }
        let as_read = frame
            .column("customer_id")
            .and_then(|c| c.str())
            .is_ok_and(|ids| same_arrays(ids, &primary.values));
        if as_read && !weighed[0].padded {
            not_ids = Some(weighed[0].others.iter().map(|(i, _)| *i).collect());
        }
    } else {
        // Per row: the chosen column's customer, else the customer_id column's, else the
        // chosen column's value as written (an e-mail in lower case), else customer_id's.
        let (mut c_best, mut c_primary) = (0, 0);
        let mut out: Vec<Option<String>> = Vec::with_capacity(n);
        for i in 0..n {
            let mut hit = weighed[best].at(i, &mut c_best, chosen.values.get(i));
            let mut from = chosen;
            if best != 0 && !matches!(hit, Some(Resolved::One(..))) {
                let p = weighed[0].at(i, &mut c_primary, primary.values.get(i));
                if matches!(p, Some(Resolved::One(..))) || hit.is_none() {
                    hit = p;
                    from = primary;
                }
            }
            match hit {
                Some(Resolved::One(id, kind)) => {
                    count(&mut report, kind);
                    out.push(Some(id.to_string()));
                }
                other => {
                    list(&mut report, i, from, matches!(other, Some(Resolved::Many)));
                    let raw = from.values.get(i).map(str::trim);
                    let kept = match from.kind {
                        CustomerKey::Email => raw.and_then(norm_email),
                        _ => None,
                    };
                    out.push(kept.or_else(|| raw.map(str::to_string)));
                }
            }
        }
        let ca: StringChunked = out.into_iter().collect();
        if !same(&ca, &primary.values)
            && let Err(e) = frame.replace(
                "customer_id",
                ca.with_name("customer_id".into()).into_column(),
            )
        {
            o.ledger.warnings.push(format!("customer keys: {e}"));
        }
    }
    if let Some((_, kind)) = [
        (report.by_id, CustomerKey::Id),
        (report.by_email, CustomerKey::Email),
        (report.by_tax_id, CustomerKey::TaxId),
        (report.by_name, CustomerKey::Name),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .max_by_key(|(n, k)| (*n, std::cmp::Reverse(*k)))
    {
        report.kind = kind.name().to_string();
    }
    report.candidates = keys
        .columns
        .iter()
        .zip(&weighed)
        .map(|(k, w)| KeyCandidate {
            column: k.header.clone(),
            kind: k.kind.name().to_string(),
            matched: w.matched,
            rows: n,
        })
        .collect();
    record(&mut o.ledger, &report, chosen, best != 0);
    o.ledger.key = Some(report);
    o.keys.not_ids = not_ids;
}

/// Whether two text columns are the same arrays (one a clone of the other), not only equal.
fn same_arrays(a: &StringChunked, b: &StringChunked) -> bool {
    a.len() == b.len()
        && a.chunks().len() == b.chunks().len()
        && a.downcast_iter().zip(b.downcast_iter()).all(|(x, y)| {
            x.len() == y.len() && std::ptr::eq(x.views().as_ptr(), y.views().as_ptr())
        })
}

/// Whether two text columns hold the same values.
fn same(a: &StringChunked, b: &StringChunked) -> bool {
    a.clone()
        .into_series()
        .equals_missing(&b.clone().into_series())
}

/// Notes and the customer_id column's entry, when the key is not the plain id column.
fn record(l: &mut SourceLedger, report: &KeyMatch, chosen: &KeyColumn, moved: bool) {
    if report.customers_table && report.candidates.len() > 1 {
        l.notes.push(Msg::key_candidates(
            &report
                .candidates
                .iter()
                .map(|c| (c.column.as_str(), c.matched, c.rows))
                .collect::<Vec<_>>(),
            &report.column,
        ));
    }
    if report.by_email + report.by_tax_id + report.by_name > 0 {
        // Keyed through the customers table, not by the e-mail or name itself.
        if report.customers_table {
            l.notes.retain(|n| !n.starts_with(Msg::KEYED_BY_PREFIX));
        }
        l.notes.push(Msg::key_matched_by(report));
    }
    if report.ambiguous > 0 {
        l.warnings.push(Msg::key_ambiguous_rows(report.ambiguous));
    }
    if moved
        && let Some(c) = l
            .detection
            .columns
            .iter_mut()
            .find(|c| c.canonical == "customer_id")
    {
        if let Some(old) = c.source.replace(chosen.header.clone()) {
            l.detection.unused_headers.push(old);
        }
        l.detection.unused_headers.retain(|h| *h != chosen.header);
        c.how = match chosen.kind {
            CustomerKey::Id => "synonym",
            CustomerKey::Email => "customer e-mail",
            CustomerKey::TaxId => "customer tax id",
            CustomerKey::Name => "customer name",
        }
        .to_string();
    }
}

/// What a column holds, by its values where they are clear (e-mails, tax ids), else by its
/// header.
fn kind_by_values(k: &KeyColumn) -> CustomerKey {
    let values: Vec<&str> = k.values.iter().flatten().take(1000).collect();
    let half = values.len().div_ceil(2).max(1);
    if values.iter().filter(|v| norm_email(v).is_some()).count() >= half {
        CustomerKey::Email
    } else if values.iter().filter(|v| norm_tax(v).is_some()).count() >= half {
        CustomerKey::TaxId
    } else if k.kind == CustomerKey::Email || k.kind == CustomerKey::TaxId {
        CustomerKey::Id
    } else {
        k.kind
    }
}

/// Without a customers table: the kind of key most sources have becomes the id of all of them
/// (each source's pinned key first).
fn key_without_customers(outcomes: &mut [SourceOutcome]) {
    let kinds: Vec<Vec<CustomerKey>> = outcomes
        .iter()
        .map(|o| o.keys.columns.iter().map(kind_by_values).collect())
        .collect();
    let mut count: HashMap<CustomerKey, usize> = HashMap::new();
    for ks in &kinds {
        let mut seen = ks.clone();
        seen.sort();
        seen.dedup();
        for k in seen {
            *count.entry(k).or_default() += 1;
        }
    }
    let Some(common) = CustomerKey::ALL
        .into_iter()
        .filter(|k| count.contains_key(k))
        .max_by_key(|k| (count[k], std::cmp::Reverse(*k)))
    else {
        return;
    };
    for (o, ks) in outcomes.iter_mut().zip(kinds) {
        let keys = std::mem::take(&mut o.keys);
        let Some((_, frame)) = &mut o.frame else {
            continue;
        };
        let want = keys.pinned.unwrap_or(common);
        let Some(pos) = ks.iter().position(|k| *k == want) else {
            continue;
        };
        let (chosen, primary) = (&keys.columns[pos], &keys.columns[0]);
        let normal = |v: &str| match want {
            CustomerKey::Email => norm_email(v),
            CustomerKey::TaxId => norm_tax(v),
            _ => None,
        };
        let values: StringChunked = chosen
            .values
            .iter()
            .zip(primary.values.iter())
            .map(|(c, p)| {
                c.map(|v| normal(v).unwrap_or_else(|| v.trim().to_string()))
                    .or_else(|| p.map(str::to_string))
            })
            .collect();
        if !same(&values, &primary.values) {
            let _ = frame.replace(
                "customer_id",
                values.with_name("customer_id".into()).into_column(),
            );
        }
        let report = KeyMatch {
            column: chosen.header.clone(),
            kind: want.name().to_string(),
            pinned: keys.pinned.is_some(),
            customers_table: false,
            candidates: keys
                .columns
                .iter()
                .map(|k| KeyCandidate {
                    column: k.header.clone(),
                    kind: k.kind.name().to_string(),
                    matched: 0,
                    rows: k.values.len(),
                })
                .collect(),
            ..KeyMatch::default()
        };
        if pos != 0 || want != CustomerKey::Id {
            o.ledger
                .notes
                .push(Msg::key_without_customers(&chosen.header, want.name()));
        }
        record(&mut o.ledger, &report, chosen, pos != 0);
        o.ledger.key = Some(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_ids_normalise_case_blanks_dashes_dots_and_the_es_prefix() {
        for v in [
            "B12345678",
            "b-12.345.678",
            "ES B12345678",
            "es-b12345678",
            " B 1234 5678 ",
        ] {
            assert_eq!(norm_tax(v).as_deref(), Some("B12345678"), "{v}");
        }
        assert_eq!(norm_tax("12345678z").as_deref(), Some("12345678Z"));
        assert_eq!(norm_tax("X1234567L").as_deref(), Some("X1234567L"));
        assert_eq!(
            norm_tax("FR 40 303265045").as_deref(),
            Some("FR40303265045")
        );
        assert_eq!(norm_tax("C000123"), None);
        assert_eq!(norm_tax("Ana López"), None);
    }

    #[test]
    fn e_mails_compare_in_lower_case_without_display_names() {
        assert_eq!(
            norm_email(" Ana <ANA@Example.com> ").as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(norm_email("mailto:b@x.es").as_deref(), Some("b@x.es"));
        assert_eq!(norm_email("not an email"), None);
    }

    fn customers() -> DataFrame {
        df!(
            "customer_id" => ["C1", "C2", "C3", "B12345678"],
            "name" => [Some("Sol SL"), Some("Luna SA"), Some("Luna SA"), Some("Mar SL")],
            "email" => [Some("a@sol.es"), Some("b@luna.es"), None, Some("m@mar.es")]
        )
        .unwrap()
    }

    #[test]
    fn runs_of_one_value_are_weighed_as_each_row_would_be() {
        let f = customers();
        let ids = super::super::checks::customer_ids(&[&f]).unwrap();
        let index = Index::new(vec![&f], vec![], &ids);
        // Runs of an id, of an unknown value and of an e-mail, broken by nulls and blanks; a
        // long value (past the 12 bytes kept inside a view) repeated.
        let values: StringChunked = [
            Some("C1"),
            Some("C1"),
            Some("zz"),
            Some("zz"),
            None,
            Some("zz"),
            Some("C2"),
            Some(" "),
            Some("C2"),
            Some("b@luna.es"),
            Some("b@luna.es"),
            Some("unknown-but-long-value"),
            Some("unknown-but-long-value"),
            Some("C3"),
        ]
        .into_iter()
        .collect();
        let w = weigh(&index, &values, &CustomerKey::ALL);
        let rows: Vec<usize> = w.others.iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, [2, 3, 4, 5, 7, 9, 10, 11, 12]);
        // The e-mail rows resolve to C2; the rest fail.
        assert_eq!(w.matched, 14 - 7);
        assert!(matches!(
            w.others[5].1,
            Some(Resolved::One("C2", CustomerKey::Email))
        ));
        assert!(w.others[1].1.is_some() && w.others[2].1.is_none());
    }

    /// A source of `table` whose customer_id column is `ids`, keyed by that column.
    fn keyed_outcome(table: TableKind, ids: &[Option<&str>]) -> SourceOutcome {
        let values = StringChunked::new("customer_id".into(), ids);
        let frame = DataFrame::new(ids.len(), vec![values.clone().into_column()]).unwrap();
        SourceOutcome {
            ledger: Default::default(),
            frame: Some((table, frame)),
            skipped: false,
            keys: KeyInput {
                pinned: None,
                columns: vec![KeyColumn {
                    header: "Customer ID".into(),
                    kind: CustomerKey::Id,
                    values,
                }],
                not_ids: None,
            },
        }
    }

    #[test]
    fn rows_that_are_not_ids_are_kept_only_for_a_column_kept_as_read_and_trimmed() {
        let f = customers();
        let ids = super::super::checks::customer_ids(&[&f]).unwrap();
        let customers = SourceOutcome {
            ledger: Default::default(),
            frame: Some((TableKind::Customers, f.clone())),
            skipped: false,
            keys: KeyInput::default(),
        };
        let mut outcomes = vec![
            customers,
            keyed_outcome(
                TableKind::Transactions,
                &[Some("C1"), None, Some("X9"), Some("C2"), Some(" ")],
            ),
            keyed_outcome(TableKind::Transactions, &[Some("C1"), Some(" C2")]),
            // An e-mail re-keys the column: it is no longer the column as read.
            keyed_outcome(TableKind::Transactions, &[Some("C1"), Some("a@sol.es")]),
        ];
        rekey(&mut outcomes, Some(&ids));
        assert_eq!(outcomes[1].keys.not_ids, Some(vec![1, 2, 4]));
        assert_eq!(outcomes[2].keys.not_ids, None);
        assert_eq!(outcomes[3].keys.not_ids, None);
        // What the unknown-customers check then finds is what a look at every row finds.
        let known = super::super::checks::KnownIds::new(&[&f], &ids);
        let df = &outcomes[1].frame.as_ref().unwrap().1;
        let told = super::super::checks::unmatched(df, &known, Some(&[1, 2, 4])).unwrap();
        let all = super::super::checks::unmatched(df, &known, None).unwrap();
        let counts = |u: Option<super::super::ledger::UnmatchedCustomers>| {
            u.map(|u| (u.rows, u.distinct_ids, u.examples))
        };
        assert_eq!(counts(told.0), counts(all.0));
    }

    #[test]
    fn a_name_found_by_scan_is_what_the_name_map_gives() {
        let f = df!(
            "customer_id" => ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C1"],
            "name" => [
                Some("  Sol   SL "),
                Some("Luna SA"),
                Some("luna  sa"),
                None,
                Some("ÉLAN Óptica"),
                Some("\u{3a3}ofia"),
                Some("Mar SL"),
                Some("Mar SL"),
            ]
        )
        .unwrap();
        let ids = super::super::checks::customer_ids(&[&f]).unwrap();
        let index = Index::new(vec![&f], vec![], &ids);
        let wanted = [
            "sol sl",
            "luna sa",
            "élan óptica",
            "\u{3c3}ofia",
            "mar sl",
            "none",
            "s",
            "3010",
        ];
        // The first lookups scan (the map is not built yet).
        let scanned: Vec<_> = wanted.iter().map(|w| index.name(w)).collect();
        assert!(index.names.get().is_none());
        assert_eq!(
            scanned,
            [
                Some(Hit::One("C1")),
                Some(Hit::Many),
                Some(Hit::One("C5")),
                Some(Hit::One("C6")),
                Some(Hit::Many),
                None,
                None,
                None,
            ]
        );
        let mapped: Vec<_> = wanted
            .iter()
            .map(|w| index.names().get(*w).copied())
            .collect();
        assert_eq!(scanned, mapped);
        // Past the first few, lookups build the map and go to it, with the same outcomes.
        let other = Index::new(vec![&f], vec![], &ids);
        let through: Vec<_> = (0..3 * NAME_SCANS)
            .map(|i| other.name(wanted[i % wanted.len()]))
            .collect();
        assert!(other.names.get().is_some());
        assert!(
            through
                .iter()
                .enumerate()
                .all(|(i, h)| *h == mapped[i % wanted.len()])
        );
    }

    #[test]
    fn values_resolve_by_id_e_mail_tax_id_and_unique_name() {
        let f = customers();
        let tax: StringChunked = [Some("ES-A11111111"), None, None, None]
            .into_iter()
            .collect();
        let ids = super::super::checks::customer_ids(&[&f]).unwrap();
        let index = Index::new(vec![&f], vec![&tax], &ids);
        let all = CustomerKey::ALL;
        assert_eq!(
            index.resolve("C2", &all),
            Resolved::One("C2", CustomerKey::Id)
        );
        assert_eq!(
            index.resolve("A@Sol.es", &all),
            Resolved::One("C1", CustomerKey::Email)
        );
        assert_eq!(
            index.resolve("a11111111", &all),
            Resolved::One("C1", CustomerKey::TaxId)
        );
        assert_eq!(
            index.resolve("ES B-12345678", &all),
            Resolved::One("B12345678", CustomerKey::TaxId)
        );
        assert_eq!(
            index.resolve("sol  sl", &all),
            Resolved::One("C1", CustomerKey::Name)
        );
        // Two customers are called Luna SA: ambiguous, not matched.
        assert_eq!(index.resolve("Luna SA", &all), Resolved::Many);
        assert_eq!(index.resolve("nobody", &all), Resolved::None);
        // A pinned key matches that kind only.
        assert_eq!(
            index.resolve("a@sol.es", &[CustomerKey::Name]),
            Resolved::None
        );
    }
}
