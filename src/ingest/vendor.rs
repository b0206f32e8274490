//! Amounts and channels as vendors' exports carry them (issue 18): a discount taken off
//! quantity × unit price, a tax-inclusive total next to (or instead of) a net amount, and an
//! activity type standing in for a missing channel column. Runs on a source's canonical frame
//! right after it is assembled. Part of the ingest stage.

use super::keys::aligned;
use super::ledger::{Msg, SourceLedger};
use super::mapping::{Feed, Mapping};
use super::parse::amount::parse_amount;
use super::parse::decimal::DecimalSep;
use super::raw::RawTable;
use super::synonyms::{normalize_header, synonyms};
use crate::tables::TableKind;
use polars::prelude::*;

/// Adjusts `frame` and notes what was done. `raw` is the whole source (`None` for a source read
/// in slices: only what needs no other column is done).
pub(crate) fn adjust(
    raw: Option<&RawTable>,
    headers: &[String],
    mapping: &Mapping,
    frame: &mut DataFrame,
    ledger: &mut SourceLedger,
) {
    match mapping.table {
        TableKind::Transactions => amounts(raw, headers, mapping, frame, ledger),
        TableKind::Interactions => {
            if let Feed::FromType(i) = *mapping.feed("channel") {
                channel_from_type(frame);
                ledger.notes.push(Msg::channel_from_type(&headers[i]));
            }
        }
        _ => {}
    }
}

/// The unused header whose normalised name is first found in `list`.
fn unused_in(headers: &[String], mapping: &Mapping, list: &[String]) -> Option<usize> {
    let used: Vec<usize> = mapping
        .feeds
        .iter()
        .filter_map(|(_, f)| f.index())
        .collect();
    let normalised: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    list.iter()
        .find_map(|cand| (0..headers.len()).find(|i| !used.contains(i) && normalised[*i] == *cand))
}

fn amounts(
    raw: Option<&RawTable>,
    headers: &[String],
    mapping: &Mapping,
    frame: &mut DataFrame,
    ledger: &mut SourceLedger,
) {
    let syn = synonyms();
    if let Some(g) = mapping.gross_replaced {
        ledger.notes.push(Msg::gross_replaced(&headers[g]));
    }
    match *mapping.feed("net_amount") {
        Feed::Product => {
            if let Some(raw) = raw {
                discount(raw, headers, mapping, frame, ledger);
            }
        }
        Feed::Synonym(i) | Feed::Configured(i) => {
            let gross = |h: &str| syn.gross.contains(&normalize_header(h));
            if gross(&headers[i]) {
                let rate = unused_in(headers, mapping, &syn.tax_rate).and_then(|t| {
                    let values = aligned(raw?, t, frame)?;
                    Some((headers[t].as_str(), most_common(&values)?))
                });
                ledger.notes.push(Msg::gross_only(&headers[i], rate));
            } else if let Some(g) = unused_in(headers, mapping, &syn.gross) {
                ledger
                    .notes
                    .push(Msg::net_over_gross(&headers[i], &headers[g]));
            }
        }
        _ => {}
    }
}

fn most_common(values: &StringChunked) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for v in values.iter().flatten() {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(v, _)| v.to_string())
}

/// Takes a discount column off the derived net amount: a percentage when its header says so
/// (or, for a bare `Discount`, when no value exceeds 100), else an amount.
fn discount(
    raw: &RawTable,
    headers: &[String],
    mapping: &Mapping,
    frame: &mut DataFrame,
    ledger: &mut SourceLedger,
) {
    let syn = synonyms();
    let pct = unused_in(headers, mapping, &syn.discount_pct);
    let amount = unused_in(headers, mapping, &syn.discount_amount);
    let Some(d) = amount.or(pct) else { return };
    let dec = ledger
        .detection
        .decimal
        .as_deref()
        .and_then(|s| s.chars().next())
        .and_then(DecimalSep::from_char)
        .unwrap_or(DecimalSep::Dot);
    let Some(text) = aligned(raw, d, frame) else {
        return;
    };
    let values: Vec<Option<f64>> = text
        .iter()
        .map(|v| v.and_then(|s| parse_amount(s.trim_end_matches('%').trim(), dec)))
        .collect();
    let h = &headers[d];
    let says_percent = h.contains('%')
        || ["percent", "pct", "rate", "porcentaje", "dto"]
            .iter()
            .any(|w| normalize_header(h).split(' ').any(|x| x == *w));
    let percent = amount.is_none()
        && (says_percent || values.iter().flatten().all(|v| (0.0..=100.0).contains(v)));
    let Ok(net) = frame.column("net_amount").and_then(|c| c.f64().cloned()) else {
        return;
    };
    let adjusted: Float64Chunked = net
        .iter()
        .zip(&values)
        .map(|(n, d)| {
            let n = n?;
            Some(match d {
                Some(d) if percent => n * (1.0 - d / 100.0),
                Some(d) => n - d,
                None => n,
            })
        })
        .collect();
    if frame
        .replace(
            "net_amount",
            adjusted.with_name("net_amount".into()).into_column(),
        )
        .is_ok()
    {
        ledger.notes.push(Msg::amount_less_discount(h, percent));
        if let Some(c) = ledger
            .detection
            .columns
            .iter_mut()
            .find(|c| c.canonical == "net_amount")
            && let Some(s) = &mut c.source
        {
            s.push_str(&format!(" less {h}"));
        }
        ledger.detection.unused_headers.retain(|u| u != h);
    }
}

/// The channel an activity type names (English and Spanish), or the type as written.
pub(crate) fn channel_of(kind: &str) -> Option<&'static str> {
    let n = normalize_header(kind);
    // Words as normalised, and the whole value without blanks (camelCase `WhatsApp` is split).
    let compact = n.replace(' ', "");
    let has = |words: &[&str]| {
        n.split(' ').any(|w| words.contains(&w)) || words.contains(&compact.as_str())
    };
    Some(
        if has(&[
            "call",
            "calls",
            "phone",
            "llamada",
            "llamadas",
            "telefono",
            "telefonica",
            "tel",
        ]) {
            "Phone"
        } else if has(&["email", "emails", "mail", "correo", "correos"]) {
            "Email"
        } else if has(&[
            "meeting",
            "meetings",
            "visit",
            "visita",
            "visitas",
            "reunion",
            "reuniones",
            "cita",
            "demo",
            "lunch",
        ]) {
            "Meeting"
        } else if has(&["chat", "whatsapp", "sms", "message", "mensaje"]) {
            "Chat"
        } else if has(&["web", "portal", "form", "formulario", "website", "online"]) {
            "Web"
        } else {
            return None;
        },
    )
}

fn channel_from_type(frame: &mut DataFrame) {
    let Ok(types) = frame.column("channel").and_then(|c| c.str().cloned()) else {
        return;
    };
    let channels: StringChunked = types
        .iter()
        .map(|v| v.map(|t| channel_of(t).map_or_else(|| t.to_string(), str::to_string)))
        .collect();
    let _ = frame.replace(
        "channel",
        channels.with_name("channel".into()).into_column(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_types_name_their_channel_in_english_and_spanish() {
        for (t, c) in [
            ("Call", "Phone"),
            ("Llamada saliente", "Phone"),
            ("Email", "Email"),
            ("E-mail", "Email"),
            ("Correo", "Email"),
            ("Meeting", "Meeting"),
            ("Visita comercial", "Meeting"),
            ("Reunión", "Meeting"),
            ("WhatsApp", "Chat"),
            ("Web form", "Web"),
        ] {
            assert_eq!(channel_of(t), Some(c), "{t}");
        }
        assert_eq!(channel_of("Task"), None);
    }
}
