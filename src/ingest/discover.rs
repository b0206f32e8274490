//! Which files (and sheets) to read for a client: the `[[source]]` entries of audit.toml with
//! their globs expanded, or, when there are none, every readable file of the client folder with
//! its table told from its (or its sheets') name, else later from its headers.
//! Part of the ingest stage; depends on the configuration and the synonym table.

use super::ledger::{Msg, SourceLedger};
use super::sheet::sheets_with_data;
use super::synonyms::synonyms;
use crate::config::{AuditConfig, CONFIG_FILE, SourceConfig};
use crate::tables::TableKind;
use std::path::{Path, PathBuf};

/// File extensions read as delimited text.
pub(crate) const TEXT_EXTENSIONS: &[&str] = &["csv", "tsv", "txt"];
/// File extensions read through calamine.
pub(crate) const SHEET_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// One file (or sheet) to read.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) path: PathBuf,
    /// The path as shown in messages (relative to the client folder).
    pub(crate) shown: String,
    pub(crate) sheet: Option<String>,
    pub(crate) table: Option<TableKind>,
    /// How `table` was found.
    pub(crate) table_by: Option<&'static str>,
    pub(crate) config: SourceConfig,
    /// Found by discovery, not named in audit.toml: an unrecognised file is skipped, not an error.
    pub(crate) discovered: bool,
}

/// The sources of a client; a configured pattern that matches nothing becomes a ledger entry
/// with an error.
pub(crate) fn plan(cfg: &AuditConfig) -> Vec<Result<Planned, SourceLedger>> {
    if cfg.sources.is_empty() {
        return discover(cfg).into_iter().map(Ok).collect();
    }
    let mut out = Vec::new();
    for src in &cfg.sources {
        let pattern = cfg.resolve(&src.file);
        let files = expand(&pattern);
        if files.is_empty() {
            let mut l = SourceLedger::new(src.file.clone(), src.sheet.clone());
            l.table = src.table;
            l.optional = src.optional;
            l.errors.push(Msg::no_file_matches(&src.file));
            out.push(Err(l));
            continue;
        }
        for path in files {
            let (table, table_by) = match src.table {
                Some(t) => (Some(t), Some("audit.toml")),
                None => name_table(&path),
            };
            out.push(Ok(Planned {
                shown: shown(cfg, &path),
                path,
                sheet: src.sheet.clone(),
                table,
                table_by,
                config: src.clone(),
                discovered: false,
            }));
        }
    }
    out
}

/// A plain path, or the sorted matches of a glob.
fn expand(pattern: &Path) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy();
    if !text.contains(['*', '?', '[']) {
        return if pattern.is_file() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut files: Vec<PathBuf> = glob::glob(&text)
        .map(|paths| paths.flatten().filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn discover(cfg: &AuditConfig) -> Vec<Planned> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&cfg.base_dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && readable(p))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let base = Planned {
            shown: shown(cfg, &path),
            path: path.clone(),
            sheet: None,
            table: None,
            table_by: None,
            config: SourceConfig {
                file: shown(cfg, &path),
                ..SourceConfig::default()
            },
            discovered: true,
        };
        if SHEET_EXTENSIONS.contains(&extension(&path).as_str()) {
            let sheets = sheets_with_data(&path, &base.shown).unwrap_or_default();
            let named: Vec<(String, TableKind)> = sheets
                .iter()
                .filter_map(|s| synonyms().table_from_name(s).map(|t| (s.clone(), t)))
                .collect();
            if !named.is_empty() {
                for (sheet, table) in named {
                    out.push(Planned {
                        sheet: Some(sheet),
                        table: Some(table),
                        table_by: Some("sheet name"),
                        ..base.clone()
                    });
                }
                continue;
            }
        }
        let (table, table_by) = name_table(&path);
        out.push(Planned {
            table,
            table_by,
            ..base
        });
    }
    out
}

fn name_table(path: &Path) -> (Option<TableKind>, Option<&'static str>) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match synonyms().table_from_name(&stem) {
        Some(t) => (Some(t), Some("file name")),
        None => (None, None),
    }
}

/// A data file worth trying: a known extension, not hidden, not an Office lock file, not the
/// configuration.
fn readable(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = extension(p);
    !name.starts_with('.')
        && !name.starts_with("~$")
        && name != CONFIG_FILE
        && (TEXT_EXTENSIONS.contains(&ext.as_str())
            || SHEET_EXTENSIONS.contains(&ext.as_str())
            || ext == "parquet")
}

/// Lower-case extension.
pub(crate) fn extension(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The path relative to the client folder when inside it.
fn shown(cfg: &AuditConfig, path: &Path) -> String {
    path.strip_prefix(&cfg.base_dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}
