//! `crm-audit init DIR`: read the exports in a client folder with detection only and write an
//! annotated audit.toml that records what was detected and marks with `CHECK` what could not be
//! decided, so a consultant reviews a file instead of writing one.

use super::{EXIT_CLIENT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::cli::{InitArgs, Lang};
use crate::config::{AuditConfig, CONFIG_FILE, ClientInfo};
use crate::ingest::ledger::SourceLedger;
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// Writes DIR/audit.toml; exit 1 when no transactions source was found (the file is still
/// written, with the reason).
pub fn run(args: &InitArgs) -> Result<i32> {
    let target = args.dir.join(CONFIG_FILE);
    if target.exists() && !args.force {
        eprintln!(
            "error: {} already exists (use --force to overwrite it)",
            target.display()
        );
        return Ok(EXIT_USAGE);
    }
    if !args.dir.is_dir() {
        eprintln!("error: {} is not a folder", args.dir.display());
        return Ok(EXIT_USAGE);
    }
    let folder = args
        .dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "client".into());
    let cfg = AuditConfig {
        client: ClientInfo {
            name: folder.clone(),
            id: None,
            lang: Lang::Es,
            currency: "EUR".into(),
            prepared_by: None,
            period: None,
        },
        sources: Vec::new(),
        indicators: Default::default(),
        clv: Default::default(),
        targets: Default::default(),
        quality: Default::default(),
        findings: Default::default(),
        output: Default::default(),
        base_dir: args.dir.clone(),
    };
    let ingested = crate::ingest::ingest_client(
        &cfg,
        crate::ingest::IngestOptions::as_of(chrono::Local::now().date_naive()),
    );
    let text = annotated_config(&folder, &ingested.ledger);
    crate::output::write_file(&target, text.as_bytes())
        .with_context(|| format!("writing {}", target.display()))?;
    println!("wrote {}", target.display());
    print!("{}", ingested.ledger.render_text());
    Ok(if ingested.ledger.usable() {
        EXIT_OK
    } else {
        EXIT_CLIENT_FAILED
    })
}

/// The audit.toml text for what ingest detected.
pub fn annotated_config(folder: &str, ledger: &crate::ingest::Ledger) -> String {
    let spanish = ledger
        .sources
        .iter()
        .any(|s| s.detection.decimal.as_deref() == Some(","));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# audit.toml written by `crm-audit init` from the files in this folder."
    );
    let _ = writeln!(
        out,
        "# Every value below was detected; lines marked CHECK need a decision."
    );
    let _ = writeln!(
        out,
        "# Reference: the README's \"Configuration\" section.\n"
    );
    let _ = writeln!(out, "[client]");
    let _ = writeln!(
        out,
        "name = {:?}            # CHECK: the name printed on the report",
        folder
    );
    let (lang, currency, why) = if spanish {
        ("es", "EUR", "decimal commas in the exports")
    } else {
        ("en", "EUR", "decimal points in the exports")
    };
    let _ = writeln!(out, "lang = \"{lang}\"                # {why}; es or en");
    let _ = writeln!(
        out,
        "currency = \"{currency}\"           # CHECK: ISO code of the amounts"
    );
    let _ = writeln!(
        out,
        "# prepared_by = \"\"              # printed on the cover"
    );
    for s in &ledger.sources {
        out.push('\n');
        source_block(&mut out, s);
    }
    let _ = writeln!(
        out,
        "\n# The quality gate; defaults shown (a looser threshold makes a warning).\n\
         # [quality]\n\
         # max_rejected_share = 0.01     # per source: rejected rows / rows read\n\
         # max_unmatched_share = 0.05    # per source: rows of customers not in customers\n\
         # max_future_share = 0.001      # per source: rows dated after the day of the run\n\
         # min_rows_in_period = 1        # transactions in the audited period\n\
         # max_staleness_days = 7        # newest transaction before the period's end"
    );
    for w in ledger.warnings.iter().chain(&ledger.errors) {
        let _ = writeln!(out, "\n# CHECK: {w}");
    }
    out
}

fn source_block(out: &mut String, s: &SourceLedger) {
    let file = Path::new(&s.path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned());
    let file = file.unwrap_or_else(|| s.path.clone());
    let Some(table) = s.table else {
        let _ = writeln!(
            out,
            "# CHECK: could not tell which table {file:?} feeds; uncomment and set table to one of\n\
             # customers, transactions, interactions, complaints, surveys (or leave it out)."
        );
        let _ = writeln!(out, "# [[source]]\n# table = \"\"\n# file = {file:?}");
        return;
    };
    let _ = writeln!(out, "[[source]]");
    let by = s.table_detected_by.as_deref().unwrap_or("detection");
    let _ = writeln!(
        out,
        "table = \"{}\"    # detected from the {by}",
        table.name()
    );
    let _ = writeln!(out, "file = {file:?}");
    if let Some(sheet) = &s.sheet {
        let _ = writeln!(out, "sheet = {sheet:?}");
    }
    key_line(out, s);
    let d = &s.detection;
    let detected: Vec<String> = [
        d.encoding.as_ref().map(|e| format!("encoding = {e:?}")),
        d.delimiter.as_ref().map(|e| format!("delimiter = {e:?}")),
        d.decimal.as_ref().map(|e| format!("decimal = {e:?}")),
        d.header_row.map(|r| format!("header_row = {r}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !detected.is_empty() {
        let _ = writeln!(
            out,
            "# detected (uncomment to pin): {}",
            detected.join(", ")
        );
    }
    for f in &d.date_formats {
        let _ = writeln!(out, "# dates in {}: {}", f.column, f.format);
    }
    let mapped: Vec<String> = d
        .columns
        .iter()
        .filter_map(|c| {
            c.source
                .as_ref()
                .map(|src| format!("{} = {:?}", c.canonical, src))
        })
        .collect();
    if !mapped.is_empty() {
        let _ = writeln!(out, "# columns found: {}", mapped.join(", "));
    }
    if !d.unused_headers.is_empty() {
        let _ = writeln!(out, "# headers not used: {}", d.unused_headers.join(", "));
    }
    let _ = writeln!(
        out,
        "# rows: {} read, {} accepted, {} rejected",
        s.rows_read, s.rows_accepted, s.rows_rejected
    );
    for n in &s.notes {
        let _ = writeln!(out, "# detected: {n}");
    }
    for e in &s.errors {
        let _ = writeln!(out, "# CHECK: {e}");
    }
    for w in &s.warnings {
        let _ = writeln!(out, "# note: {w}");
    }
}

/// The customer key detected (issue 18): pinned when every matched row matched by one kind of
/// key, else left commented for review; the candidates weighed as a comment.
fn key_line(out: &mut String, s: &SourceLedger) {
    let Some(k) = &s.key else { return };
    let kinds = [k.by_id, k.by_email, k.by_tax_id, k.by_name]
        .iter()
        .filter(|n| **n > 0)
        .count();
    let why = if k.customers_table {
        format!(
            "'{}' matched {} of {} rows to customers",
            k.column,
            k.by_id + k.by_email + k.by_tax_id + k.by_name,
            k.by_id + k.by_email + k.by_tax_id + k.by_name + k.unmatched + k.ambiguous
        )
    } else {
        format!(
            "'{}'; no customers table, the key most files share",
            k.column
        )
    };
    let hash = if kinds > 1 { "# CHECK: " } else { "" };
    let _ = writeln!(out, "{hash}key = \"{}\"    # customer key: {why}", k.kind);
    if k.customers_table && k.candidates.len() > 1 {
        let each: Vec<String> = k
            .candidates
            .iter()
            .map(|c| format!("{} matched {} of {}", c.column, c.matched, c.rows))
            .collect();
        let _ = writeln!(
            out,
            "# customer key candidates: {}: using {}",
            each.join(", "),
            k.column
        );
    }
}
