//! `crm-audit portfolio`: merge the shards of a sharded run into the portfolio page and one
//! manifest.json, from the per-shard manifests in the output folder. No client is audited again:
//! the page is built from the headline figures each shard kept, so it is the same page, byte for
//! byte, that an unsharded `run` writes.

use super::{EXIT_CLIENT_FAILED, run::write_manifest};
use crate::cli::PortfolioArgs;
use crate::output::Manifest;
use crate::portfolio::PageOptions;
use crate::shard::{Shard, ShardManifest};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Merges the shards; returns the process exit code (1 when a client failed in any shard or a
/// shard left no manifest).
pub fn run(args: &PortfolioArgs, quiet: bool) -> Result<i32> {
    let period = args.period.to_string();
    let _lock = match crate::output::OutputLock::acquire(&args.out) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(super::EXIT_OUTPUT);
        }
    };
    let found = shard_files(&args.out)?;
    let count = match args.shards {
        Some(n) => usize::from(n),
        None => only_count(&found, &args.out)?,
    };
    let mut shards: Vec<ShardManifest> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for index in 0..count {
        let shard = Shard::new(index, count).map_err(anyhow::Error::msg)?;
        let path = args.out.join(shard.manifest_name());
        match read_shard(&path)? {
            Some(m) if m.manifest.period_requested == period => shards.push(m),
            Some(m) => missing.push(format!(
                "{} (it is of period {}, not {period})",
                path.display(),
                m.manifest.period_requested
            )),
            None => missing.push(path.display().to_string()),
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "error: {} of {count} shard(s) left no manifest for {period}: {}; run them \
             (`crm-audit run --shard K/{count}`) before merging",
            missing.len(),
            missing.join(", ")
        );
        return Ok(EXIT_CLIENT_FAILED);
    }

    let mut manifest = Manifest::new(period);
    let mut headlines = Vec::new();
    let mut lang = args.lang;
    for shard in shards {
        lang = lang.or(shard.lang);
        headlines.extend(shard.headlines);
        for entry in shard.manifest.clients {
            if manifest.clients.iter().any(|c| c.config == entry.config) {
                bail!(
                    "client {} appears in more than one shard manifest in {}; were they written \
                     by different runs?",
                    entry.config.display(),
                    args.out.display()
                );
            }
            manifest.push(entry);
        }
    }
    // The order the unsharded run hands the page (clients by audit.toml path).
    headlines.sort_by(|a, b| a.config.cmp(&b.config));
    let members: Vec<&crate::portfolio::ClientHeadline> =
        headlines.iter().map(|h| &h.headline).collect();
    let failed = manifest.clients.len() - members.len();
    let pages = PageOptions {
        out: &args.out,
        lang,
        templates: args.templates.as_deref(),
        report_date: crate::pipeline::report_date()?,
    };
    let mut output_failed = false;
    match crate::portfolio::write_pages(&members, failed, &pages) {
        Ok(files) => manifest.outputs = files,
        Err(e) => {
            tracing::error!("portfolio index: {e:#}");
            output_failed = true;
        }
    }
    let path = args.out.join("manifest.json");
    Ok(write_manifest(
        &path,
        &manifest,
        &manifest,
        output_failed,
        quiet,
    ))
}

/// The shards named by the `manifest.shard-K-of-N.json` files in `out`.
fn shard_files(out: &Path) -> Result<Vec<Shard>> {
    let entries = std::fs::read_dir(out)
        .with_context(|| format!("cannot read output folder {}", out.display()))?;
    let mut found: Vec<Shard> = entries
        .flatten()
        .filter_map(|e| parse_name(&e.file_name().to_string_lossy()))
        .collect();
    found.sort_by_key(|s| (s.count, s.index));
    Ok(found)
}

fn parse_name(name: &str) -> Option<Shard> {
    let (k, n) = name
        .strip_prefix("manifest.shard-")?
        .strip_suffix(".json")?
        .split_once("-of-")?;
    Shard::new(k.parse().ok()?, n.parse().ok()?).ok()
}

/// The one shard count the files agree on.
fn only_count(found: &[Shard], out: &Path) -> Result<usize> {
    let mut counts: Vec<usize> = found.iter().map(|s| s.count).collect();
    counts.dedup();
    match counts[..] {
        [n] => Ok(n),
        [] => bail!(
            "no shard manifests (manifest.shard-K-of-N.json) in {}: run the shards first \
             (`crm-audit run --shard K/N --out {}`)",
            out.display(),
            out.display()
        ),
        _ => bail!(
            "shard manifests of different runs in {} (of {:?} shards): say which with --shards N",
            out.display(),
            counts
        ),
    }
}

fn read_shard(path: &Path) -> Result<Option<ShardManifest>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .with_context(|| format!("{} is not a shard manifest", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_manifest_names_parse_and_others_do_not() {
        assert_eq!(
            parse_name("manifest.shard-2-of-3.json"),
            Some(Shard { index: 2, count: 3 })
        );
        assert_eq!(parse_name("manifest.shard-3-of-3.json"), None);
        assert_eq!(parse_name("manifest.json"), None);
        assert_eq!(parse_name("manifest.shard-1-of-3.json.tmp"), None);
    }
}
