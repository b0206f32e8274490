//! Scale-out by client: a portfolio split into N shards that separate processes (the pods of a
//! Kubernetes Indexed Job) audit at the same time, each writing its clients' folders and a
//! per-shard manifest into the shared output folder; `crm-audit portfolio` merges them.
//!
//! Shards are numbered from 0, as `JOB_COMPLETION_INDEX` is: `--shard 0/3`, `1/3`, `2/3`. Every
//! shard computes the same assignment from the same portfolio, so they need not talk to each
//! other. Depends on config, ingest (sizes of the exports), portfolio and output.

use crate::domain::Lang;
use crate::output::Manifest;
use crate::portfolio::ClientHeadline;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The environment variable a Kubernetes Indexed Job sets in each pod, 0-based.
pub const INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

/// One shard of N, 0-based: `index` in `0..count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: usize,
    /// How many shards in all.
    pub count: usize,
}

impl Shard {
    /// A shard, checked: `count` at least 1 and `index` below it.
    pub fn new(index: usize, count: usize) -> Result<Shard, String> {
        if count == 0 {
            return Err("the number of shards must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard {index} does not exist among {count}: shards are numbered from 0 to {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard of a Kubernetes Indexed Job pod: `JOB_COMPLETION_INDEX` of `count`.
    pub fn from_env(count: usize) -> Result<Shard, String> {
        let raw = std::env::var(INDEX_ENV).map_err(|_| {
            format!(
                "--shards {count} needs {INDEX_ENV} (set by a Kubernetes Indexed Job) or --shard K/N"
            )
        })?;
        let index = raw
            .trim()
            .parse()
            .map_err(|_| format!("{INDEX_ENV}='{raw}' is not a shard number"))?;
        Shard::new(index, count)
    }

    /// The per-shard manifest's file name in the output folder.
    pub fn manifest_name(&self) -> String {
        format!("manifest.shard-{}.json", self.file_tag())
    }

    /// `K-of-N`, as the shard's own files are named.
    pub fn file_tag(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N`, 0-based: `0/3` is the first of three shards.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not K/N (for example 0/3, shards count from 0)"))?;
        let num = |x: &str| {
            x.trim()
                .parse::<usize>()
                .map_err(|_| format!("'{s}' is not K/N (for example 0/3, shards count from 0)"))
        };
        Shard::new(num(k)?, num(n)?)
    }
}

/// The shard of each client, balanced by size: clients by total export bytes, largest first
/// (path as tie-break), each to the shard with the least bytes so far (lowest index on a tie).
/// `sizes[i]` is client i's path and bytes; returns client i's shard index.
pub fn assign(sizes: &[(PathBuf, u64)], count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        sizes[b]
            .1
            .cmp(&sizes[a].1)
            .then_with(|| sizes[a].0.cmp(&sizes[b].0))
    });
    let mut load = vec![0u64; count.max(1)];
    let mut shard_of = vec![0; sizes.len()];
    for i in order {
        let (least, _) = load
            .iter()
            .enumerate()
            .min_by_key(|&(k, l)| (*l, k))
            .expect("at least one shard");
        load[least] += sizes[i].1;
        shard_of[i] = least;
    }
    shard_of
}

/// Total bytes of a client's exports, from its audit.toml (0 when the config cannot be read: the
/// client will fail in whichever shard gets it, and every shard agrees on which).
pub fn client_bytes(config: &Path) -> u64 {
    crate::config::AuditConfig::load(config)
        .map(|cfg| crate::ingest::budget::input_bytes(&cfg))
        .unwrap_or(0)
}

/// The clients of `configs` that fall to `shard`, in their original order.
pub fn select(configs: Vec<PathBuf>, shard: Shard) -> Vec<PathBuf> {
    let sizes: Vec<(PathBuf, u64)> = configs
        .iter()
        .map(|c| (c.clone(), client_bytes(c)))
        .collect();
    let shard_of = assign(&sizes, shard.count);
    configs
        .into_iter()
        .zip(shard_of)
        .filter(|(_, k)| *k == shard.index)
        .map(|(c, _)| c)
        .collect()
}

/// A successful client's headline, with its audit.toml so the merge restores the run's order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardHeadline {
    /// The client's audit.toml, as the run named it.
    pub config: PathBuf,
    /// Its headline figures for the portfolio page.
    pub headline: ClientHeadline,
}

/// What one shard writes beside the clients' folders: a manifest of its clients (the same
/// fields as `manifest.json`) plus what the merge needs to build the portfolio page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardManifest {
    /// The shard's own manifest: status, clients, inputs, outputs; no portfolio outputs.
    #[serde(flatten)]
    pub manifest: Manifest,
    /// Which shard wrote it.
    pub shard: Shard,
    /// The `--lang` given to `run`, which the portfolio page follows too.
    pub lang: Option<Lang>,
    /// Headline figures of the clients that succeeded.
    pub headlines: Vec<ShardHeadline>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(list: &[(&str, u64)]) -> Vec<(PathBuf, u64)> {
        list.iter().map(|(p, b)| (PathBuf::from(p), *b)).collect()
    }

    #[test]
    fn shard_parses_zero_based_k_of_n_and_rejects_k_not_below_n() {
        assert_eq!(
            "0/3".parse::<Shard>().unwrap(),
            Shard { index: 0, count: 3 }
        );
        assert_eq!("2/3".parse::<Shard>().unwrap().index, 2);
        assert!("3/3".parse::<Shard>().unwrap_err().contains("from 0 to 2"));
        assert!("0/0".parse::<Shard>().is_err());
        assert!("1".parse::<Shard>().is_err());
        assert!("a/3".parse::<Shard>().is_err());
        assert_eq!(
            Shard::new(1, 4).unwrap().manifest_name(),
            "manifest.shard-1-of-4.json"
        );
    }

    #[test]
    fn largest_clients_go_first_each_to_the_least_loaded_shard() {
        // 90 → shard 0; 60 → 1; 50 → 2; 40 → 2 (50 is least); 30 → 1 (60 < 90); 10 → 0 (90, 90,
        // 90: lowest index). Loads 100, 90, 90.
        let s = sizes(&[
            ("a", 10),
            ("b", 90),
            ("c", 40),
            ("d", 60),
            ("e", 30),
            ("f", 50),
        ]);
        assert_eq!(assign(&s, 3), [0, 0, 2, 1, 1, 2]);
    }

    #[test]
    fn every_client_lands_in_exactly_one_shard_and_equal_sizes_split_by_path() {
        let s = sizes(&[("d", 5), ("a", 5), ("c", 5), ("b", 5), ("e", 0)]);
        let shard_of = assign(&s, 2);
        // Equal sizes in path order a, b, c, d alternate 0, 1, 0, 1; the empty one goes to 0.
        assert_eq!(shard_of, [1, 0, 0, 1, 0]);
        let configs: Vec<PathBuf> = s.iter().map(|(p, _)| p.clone()).collect();
        let mut seen: Vec<PathBuf> = (0..3)
            .flat_map(|k| select(configs.clone(), Shard::new(k, 3).unwrap()))
            .collect();
        seen.sort();
        let mut all = configs;
        all.sort();
        assert_eq!(seen, all);
    }
}
