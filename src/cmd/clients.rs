//! Which clients a command works on: one audit.toml, or every client folder of a portfolio.

use crate::cli::ClientSelection;
use crate::config::CONFIG_FILE;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The portfolio used when neither `--config` nor `--portfolio` is given.
pub const DEFAULT_PORTFOLIO: &str = "sample-data";

/// The audit.toml files selected, sorted by path so runs are reproducible.
pub fn select(sel: &ClientSelection) -> Result<Vec<PathBuf>> {
    if let Some(config) = &sel.config {
        if !config.is_file() {
            bail!("config file {} does not exist", config.display());
        }
        return Ok(vec![config.clone()]);
    }
    let dir = sel
        .portfolio
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PORTFOLIO));
    portfolio(&dir)
}

/// Every `<dir>/<client>/audit.toml`, or `<dir>/audit.toml` itself when `dir` is a client.
pub fn portfolio(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).is_file() {
        return Ok(vec![dir.join(CONFIG_FILE)]);
    }
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read portfolio folder {}", dir.display()))?;
    let mut configs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join(CONFIG_FILE))
        .filter(|p| p.is_file())
        .collect();
    configs.sort();
    if configs.is_empty() {
        bail!(
            "no client folders in {}: each client needs a sub-folder with an {CONFIG_FILE} \
             (create one with `crm-audit init <folder>`)",
            dir.display()
        );
    }
    Ok(configs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portfolio_lists_client_folders_sorted_and_skips_others() {
        let root = tempfile::tempdir().unwrap();
        for name in ["zeta", "alpha"] {
            std::fs::create_dir_all(root.path().join(name)).unwrap();
            std::fs::write(root.path().join(name).join(CONFIG_FILE), "").unwrap();
        }
        std::fs::create_dir_all(root.path().join("not-a-client")).unwrap();
        let found = portfolio(root.path()).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.parent().unwrap().file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["alpha", "zeta"]);
    }

    #[test]
    fn empty_portfolio_error_says_how_to_create_a_client() {
        let root = tempfile::tempdir().unwrap();
        let msg = portfolio(root.path()).unwrap_err().to_string();
        assert!(msg.contains("crm-audit init"), "{msg}");
    }
}
