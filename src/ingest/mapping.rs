//! Which header feeds which canonical column: audit.toml's `columns` first, then the synonym
//! table; customer_id falls back to an e-mail or name column, net_amount to quantity × unit_price.
//! Also tells a file's table from its headers when neither audit.toml nor its name does.
//! Part of the ingest stage; depends on the synonym table and the table definitions.

use super::ledger::Msg;
use super::synonyms::{normalize_header, synonyms};
use crate::config::CustomerKey;
use crate::tables::{ColumnSpec, TableKind};
use std::collections::BTreeMap;

/// How a canonical column gets its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Feed {
    /// From header `index`, named in audit.toml.
    Configured(usize),
    /// From header `index`, recognised by the synonym table.
    Synonym(usize),
    /// customer_id from an e-mail column (lower-cased).
    KeyEmail(usize),
    /// customer_id from a name column.
    KeyName(usize),
    /// customer_id from a tax-id column (issue 18).
    KeyTaxId(usize),
    /// channel from the activity type column, when the file has no channel column (issue 18).
    FromType(usize),
    /// net_amount = quantity × unit_price.
    Product,
    /// Not in the file: all-null.
    Absent,
}

impl Feed {
    /// The header index the values come from, if any.
    pub(crate) fn index(&self) -> Option<usize> {
        match self {
            Feed::Configured(i)
            | Feed::Synonym(i)
            | Feed::KeyEmail(i)
            | Feed::KeyName(i)
            | Feed::KeyTaxId(i)
            | Feed::FromType(i) => Some(*i),
            Feed::Product | Feed::Absent => None,
        }
    }

    /// How the ledger names this feed.
    pub(crate) fn how(&self) -> &'static str {
        match self {
            Feed::Configured(_) => "audit.toml",
            Feed::Synonym(_) => "synonym",
            Feed::KeyEmail(_) => "customer e-mail",
            Feed::KeyName(_) => "customer name",
            Feed::KeyTaxId(_) => "customer tax id",
            Feed::FromType(_) => "activity type",
            Feed::Product => "derived",
            Feed::Absent => "absent",
        }
    }
}

/// The feed of every canonical column of a table, in schema order.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    pub(crate) table: TableKind,
    pub(crate) feeds: Vec<(ColumnSpec, Feed)>,
    /// Other columns that may identify the customer (header index, what they hold), weighed
    /// against the customers table after every source is read (issue 18, see `keys`).
    pub(crate) key_candidates: Vec<(usize, CustomerKey)>,
    /// A tax-inclusive amount column that stood in for net_amount and was replaced by
    /// quantity × unit price (issue 18).
    pub(crate) gross_replaced: Option<usize>,
}

impl Mapping {
    /// The feed of one canonical column.
    pub(crate) fn feed(&self, name: &str) -> &Feed {
        self.feeds
            .iter()
            .find(|(s, _)| s.name == name)
            .map_or(&Feed::Absent, |(_, f)| f)
    }

    /// Sets the feed of one canonical column.
    pub(crate) fn set(&mut self, name: &str, feed: Feed) {
        set(self, name, feed);
    }

    /// Header indices used by some column.
    fn used(&self) -> Vec<usize> {
        self.feeds.iter().filter_map(|(_, f)| f.index()).collect()
    }

    /// Weight of the evidence that the file is this table: required columns (customer_id
    /// aside) count 2, optional ones 1.
    fn score(&self) -> usize {
        self.feeds
            .iter()
            .filter(|(s, f)| {
                s.name != "customer_id" && matches!(f, Feed::Synonym(_) | Feed::Configured(_))
            })
            .map(|(s, _)| if s.required { 2 } else { 1 })
            .sum()
    }
}

/// Maps `headers` to `table`'s columns. The error names the file, the missing canonical column and
/// the headers seen.
pub(crate) fn map_columns(
    path: &str,
    headers: &[String],
    table: TableKind,
    configured: &BTreeMap<String, String>,
) -> Result<Mapping, String> {
    let normalised: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let find = |wanted: &str, used: &[usize]| -> Option<usize> {
        let n = normalize_header(wanted);
        (0..headers.len())
            .filter(|i| !used.contains(i))
            .find(|&i| headers[i] == wanted)
            .or_else(|| {
                (0..headers.len())
                    .filter(|i| !used.contains(i))
                    .find(|&i| normalised[i] == n)
            })
    };
    let mut mapping = Mapping {
        table,
        feeds: table.columns().iter().map(|s| (*s, Feed::Absent)).collect(),
        key_candidates: Vec::new(),
        gross_replaced: None,
    };
    for (canonical, header) in configured {
        let used = mapping.used();
        let i = find(header, &used)
            .ok_or_else(|| Msg::configured_header_missing(path, canonical, header, headers))?;
        if let Some(slot) = mapping.feeds.iter_mut().find(|(s, _)| s.name == canonical) {
            slot.1 = Feed::Configured(i);
        }
    }
    let syn = synonyms();
    for k in 0..mapping.feeds.len() {
        if mapping.feeds[k].1 != Feed::Absent {
            continue;
        }
        let used = mapping.used();
        let name = mapping.feeds[k].0.name;
        let hit = syn.candidates(table, name).iter().find_map(|cand| {
            (0..headers.len()).find(|i| !used.contains(i) && normalised[*i] == *cand)
        });
        if let Some(i) = hit {
            mapping.feeds[k].1 = Feed::Synonym(i);
        }
    }
    fill_customer_key(&mut mapping, &normalised);
    let priced =
        mapping.feed("quantity").index().is_some() && mapping.feed("unit_price").index().is_some();
    if table == TableKind::Transactions && priced {
        // An amount that includes tax is no net amount: quantity × unit price is (issue 18).
        if let Feed::Synonym(i) = *mapping.feed("net_amount")
            && syn.gross.contains(&normalised[i])
        {
            mapping.gross_replaced = Some(i);
            set(&mut mapping, "net_amount", Feed::Absent);
        }
        if *mapping.feed("net_amount") == Feed::Absent {
            set(&mut mapping, "net_amount", Feed::Product);
        }
    }
    if table == TableKind::Interactions
        && *mapping.feed("channel") == Feed::Absent
        && let Some(i) = mapping.feed("type").index()
    {
        set(&mut mapping, "channel", Feed::FromType(i));
    }
    mapping.key_candidates = key_candidates(&mapping, &normalised);
    for (spec, feed) in &mapping.feeds {
        if spec.required && *feed == Feed::Absent {
            return Err(Msg::missing_column(path, table, spec.name, headers));
        }
    }
    if table == TableKind::Surveys
        && *mapping.feed("nps") == Feed::Absent
        && *mapping.feed("csat") == Feed::Absent
    {
        return Err(Msg::missing_column(path, table, "nps (or csat)", headers));
    }
    Ok(mapping)
}

/// Without an id column, customers are keyed by e-mail, else by name.
fn fill_customer_key(mapping: &mut Mapping, normalised: &[String]) {
    if *mapping.feed("customer_id") != Feed::Absent {
        return;
    }
    let syn = synonyms();
    let feed = if mapping.table == TableKind::Customers {
        mapping
            .feed("email")
            .index()
            .map(Feed::KeyEmail)
            .or_else(|| mapping.feed("name").index().map(Feed::KeyName))
    } else {
        let used = mapping.used();
        let pick = |cands: &[String]| {
            cands.iter().find_map(|c| {
                (0..normalised.len()).find(|i| !used.contains(i) && normalised[*i] == *c)
            })
        };
        pick(&syn.key_email)
            .map(Feed::KeyEmail)
            .or_else(|| pick(&syn.key_tax).map(Feed::KeyTaxId))
            .or_else(|| pick(&syn.key_name).map(Feed::KeyName))
    };
    if let Some(f) = feed {
        set(mapping, "customer_id", f);
    }
}

/// What a header says its column holds, by the customer-key synonym lists (`Id` for none).
pub(crate) fn key_kind_of(normalised: &str) -> CustomerKey {
    let syn = synonyms();
    if syn.key_email.iter().any(|c| c == normalised) {
        CustomerKey::Email
    } else if syn.key_tax.iter().any(|c| c == normalised) {
        CustomerKey::TaxId
    } else if syn.key_name.iter().any(|c| c == normalised) {
        CustomerKey::Name
    } else {
        CustomerKey::Id
    }
}

/// The customer_id column and every unused column whose header names an e-mail, a tax id or a
/// name (for the customers table: tax ids only, to match other files' tax-id keys against).
fn key_candidates(mapping: &Mapping, normalised: &[String]) -> Vec<(usize, CustomerKey)> {
    let syn = synonyms();
    let used = mapping.used();
    let mut out = Vec::new();
    if mapping.table != TableKind::Customers {
        match *mapping.feed("customer_id") {
            Feed::KeyEmail(i) => out.push((i, CustomerKey::Email)),
            Feed::KeyName(i) => out.push((i, CustomerKey::Name)),
            Feed::KeyTaxId(i) => out.push((i, CustomerKey::TaxId)),
            Feed::Configured(i) | Feed::Synonym(i) => out.push((i, key_kind_of(&normalised[i]))),
            _ => {}
        }
    }
    let lists: Vec<(&[String], CustomerKey)> = if mapping.table == TableKind::Customers {
        vec![(&syn.key_tax, CustomerKey::TaxId)]
    } else {
        vec![
            (&syn.key_email, CustomerKey::Email),
            (&syn.key_tax, CustomerKey::TaxId),
            (&syn.key_name, CustomerKey::Name),
        ]
    };
    for (list, kind) in lists {
        for cand in list {
            for (i, n) in normalised.iter().enumerate() {
                if n == cand && !used.contains(&i) && !out.iter().any(|(j, _)| *j == i) {
                    out.push((i, kind));
                }
            }
        }
    }
    out
}

fn set(mapping: &mut Mapping, name: &str, feed: Feed) {
    if let Some(slot) = mapping.feeds.iter_mut().find(|(s, _)| s.name == name) {
        slot.1 = feed;
    }
}

/// The table whose columns the headers match best (all required columns present).
pub(crate) fn table_from_headers(headers: &[String]) -> Option<TableKind> {
    TableKind::ALL
        .iter()
        .filter_map(|t| map_columns("", headers, *t, &BTreeMap::new()).ok())
        .filter(|m| m.score() > 0)
        .max_by_key(|m| (m.score(), std::cmp::Reverse(m.table)))
        .map(|m| m.table)
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
