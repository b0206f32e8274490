//! Per-client configuration (`audit.toml`): who the client is, where its exports are, how to read
//! them, and the settings of the indicators. First stage of the pipeline; depends on nothing but
//! the table definitions.
//!
//! Everything about reading a source is optional: what is not given is detected by ingest. Paths
//! are resolved against the folder of the audit.toml, so a client folder can move as a whole.

mod quality;
mod settings;

pub use quality::QualitySettings;
pub use settings::{ClvSettings, FindingsSettings, IndicatorSettings, Targets};

use crate::domain::Lang;
use crate::tables::TableKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File name of a client's configuration.
pub const CONFIG_FILE: &str = "audit.toml";

/// A configuration that cannot be used; always names the file and, where known, the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The audit.toml.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// TOML syntax error, unknown key or wrong type.
    #[error("{path}: {message}")]
    Parse {
        /// The audit.toml.
        path: PathBuf,
        /// The parser's message, which names the key and line.
        message: String,
    },
    /// A value that parses but makes no sense.
    #[error("{path}: key '{key}': {message}")]
    Invalid {
        /// The audit.toml.
        path: PathBuf,
        /// Dotted key, e.g. `sources[1].decimal`.
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },
}

/// One client's audit.toml.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Who the client is and how its report is presented.
    pub client: ClientInfo,
    /// The exports to read; when empty, every readable file in the folder is tried and its table
    /// detected from its name and headers.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// Indicator settings (windows, SLAs, costs).
    #[serde(default)]
    pub indicators: IndicatorSettings,
    /// Lifetime-value model settings.
    #[serde(default)]
    pub clv: ClvSettings,
    /// Targets for the executive summary's traffic lights.
    #[serde(default)]
    pub targets: Targets,
    /// Thresholds of the quality gate.
    #[serde(default)]
    pub quality: QualitySettings,
    /// How findings are tested (issue 19): `[findings] alpha`.
    #[serde(default)]
    pub findings: FindingsSettings,
    /// What the written outputs may contain.
    #[serde(default)]
    pub output: OutputSettings,
    /// Folder of the audit.toml; relative paths are resolved against it. Not read from the file.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// The `[output]` block (issue 20).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSettings {
    /// Whether customers' e-mail addresses and phone numbers may appear in the outputs (the
    /// action lists). `false` for reports that leave the client.
    #[serde(default = "default_personal_data")]
    pub personal_data: bool,
}

impl Default for OutputSettings {
    fn default() -> Self {
        OutputSettings {
            personal_data: default_personal_data(),
        }
    }
}

fn default_personal_data() -> bool {
    true
}

/// The client block.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientInfo {
    /// Name printed on the report.
    pub name: String,
    /// Short identifier used in output paths (default: the folder name).
    #[serde(default)]
    pub id: Option<String>,
    /// Report language.
    #[serde(default = "default_lang")]
    pub lang: Lang,
    /// ISO currency code of the amounts.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Who prepared the audit (printed on the cover).
    #[serde(default)]
    pub prepared_by: Option<String>,
    /// Period audited when the command line names none (`2026-Q3`, `last-month`, ...); for a
    /// frozen export such as the samples. Default: last-quarter.
    #[serde(default)]
    pub period: Option<String>,
}

fn default_lang() -> Lang {
    Lang::Es
}

fn default_currency() -> String {
    "EUR".to_string()
}

/// How to read one export. Only `table` and `file` are needed; the rest is detected.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Canonical table this file feeds.
    pub table: Option<TableKind>,
    /// File name or glob, relative to the audit.toml's folder.
    pub file: String,
    /// Worksheet name for spreadsheets (default: the first sheet with data).
    #[serde(default)]
    pub sheet: Option<String>,
    /// Canonical column → header in the file, for headers detection does not know.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// chrono format of date columns, e.g. `%d/%m/%Y` (default: detected per column).
    #[serde(default)]
    pub date_format: Option<String>,
    /// Decimal separator, `.` or `,` (default: detected).
    #[serde(default)]
    pub decimal: Option<char>,
    /// Field delimiter of a CSV (default: detected among `,` `;` tab `|`).
    #[serde(default)]
    pub delimiter: Option<char>,
    /// Text encoding: utf-8, utf-16, windows-1252, ... (default: detected).
    #[serde(default)]
    pub encoding: Option<String>,
    /// 1-based row of the header in a spreadsheet or CSV (default: detected).
    #[serde(default)]
    pub header_row: Option<usize>,
    /// A source that may be missing or unreadable: a warning instead of a failed client.
    #[serde(default)]
    pub optional: bool,
    /// What the file's customer column holds (issue 18): the customers table's id, an e-mail,
    /// a tax id or a name (default: detected, by how many rows each candidate column matches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<CustomerKey>,
}

/// How a file identifies its customers (issue 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKey {
    /// The customers table's own id.
    Id,
    /// The customer's e-mail (case-insensitive).
    Email,
    /// Tax id: Spanish NIF/CIF/NIE or an EU VAT number (case, spaces, dashes, dots and the `ES`
    /// prefix ignored).
    TaxId,
    /// The customer's name, where exactly one customer has it.
    Name,
}

impl CustomerKey {
    /// All kinds, in the order ties are broken.
    pub const ALL: [CustomerKey; 4] = [
        CustomerKey::Id,
        CustomerKey::Email,
        CustomerKey::TaxId,
        CustomerKey::Name,
    ];

    /// The name written in audit.toml and validation.json.
    pub fn name(self) -> &'static str {
        match self {
            CustomerKey::Id => "id",
            CustomerKey::Email => "email",
            CustomerKey::TaxId => "tax_id",
            CustomerKey::Name => "name",
        }
    }
}

impl AuditConfig {
    /// Reads, parses and validates an audit.toml.
    pub fn load(path: &Path) -> Result<AuditConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut cfg: AuditConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        cfg.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if cfg.base_dir.as_os_str().is_empty() {
            cfg.base_dir = PathBuf::from(".");
        }
        cfg.validate(path)?;
        Ok(cfg)
    }

    /// The identifier used in output paths: `client.id`, else the folder name.
    pub fn client_id(&self) -> String {
        if let Some(id) = &self.client.id {
            return id.clone();
        }
        self.base_dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| slug(&self.client.name))
    }

    /// The period `period` in `[client]` asks for, if any (checked by `load`).
    pub fn default_period(&self) -> Option<crate::period::PeriodSpec> {
        self.client.period.as_deref().and_then(|p| p.parse().ok())
    }

    /// Resolves a path from the config against the config's folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        let p = Path::new(relative);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: String, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            message,
        };
        if self.client.name.trim().is_empty() {
            return Err(invalid("client.name".into(), "must not be empty".into()));
        }
        if self.client.currency.len() != 3 {
            return Err(invalid(
                "client.currency".into(),
                format!(
                    "'{}' is not a 3-letter ISO code (EUR, USD, ...)",
                    self.client.currency
                ),
            ));
        }
        if let Some(p) = &self.client.period
            && let Err(e) = p.parse::<crate::period::PeriodSpec>()
        {
            return Err(invalid("client.period".into(), e.to_string()));
        }
        let alpha = self.findings.alpha;
        if !(alpha > 0.0 && alpha <= 0.5) {
            return Err(invalid(
                "findings.alpha".into(),
                format!("{alpha} is not a significance level between 0 and 0.5 (default 0.05)"),
            ));
        }
        for (i, s) in self.sources.iter().enumerate() {
            let key = |k: &str| format!("source[{i}].{k}");
            if s.file.trim().is_empty() {
                return Err(invalid(key("file"), "must name a file or glob".into()));
            }
            if let Some(d) = s.decimal
                && d != '.'
                && d != ','
            {
                return Err(invalid(key("decimal"), format!("'{d}' must be '.' or ','")));
            }
            if let Some(enc) = &s.encoding
                && encoding_rs::Encoding::for_label(enc.as_bytes()).is_none()
            {
                return Err(invalid(
                    key("encoding"),
                    format!("unknown encoding '{enc}'"),
                ));
            }
            if s.header_row == Some(0) {
                return Err(invalid(
                    key("header_row"),
                    "rows are numbered from 1".into(),
                ));
            }
            if let Some(table) = s.table {
                for canonical in s.columns.keys() {
                    if table.column(canonical).is_none() {
                        let known: Vec<_> = table.columns().iter().map(|c| c.name).collect();
                        return Err(invalid(
                            key(&format!("columns.{canonical}")),
                            format!(
                                "'{canonical}' is not a column of {}; known: {}",
                                table.name(),
                                known.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
        self.indicators
            .validate()
            .map_err(|(k, m)| invalid(format!("indicators.{k}"), m))?;
        self.clv
            .validate()
            .map_err(|(k, m)| invalid(format!("clv.{k}"), m))?;
        self.quality
            .validate()
            .map_err(|(k, m)| invalid(format!("quality.{k}"), m))?;
        Ok(())
    }
}

/// A lower-case ASCII identifier for paths.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join(CONFIG_FILE);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "[client]\nname = \"Ferretería Sol\"\n");
        let cfg = AuditConfig::load(&p).unwrap();
        assert_eq!(cfg.client.lang, Lang::Es);
        assert_eq!(cfg.client.currency, "EUR");
        assert_eq!(cfg.indicators.activity_window_days, 365);
        assert!(cfg.sources.is_empty());
    }

    #[test]
    fn findings_alpha_defaults_to_5_per_cent_and_is_validated() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "[client]\nname = \"X\"\n");
        assert_eq!(AuditConfig::load(&p).unwrap().findings.alpha, 0.05);
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\n[findings]\nalpha = 0.01\n",
        );
        assert_eq!(AuditConfig::load(&p).unwrap().findings.alpha, 0.01);
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\n[findings]\nalpha = 5.0\n",
        );
        let msg = AuditConfig::load(&p).unwrap_err().to_string();
        assert!(msg.contains("findings.alpha"), "{msg}");
    }

    #[test]
    fn unknown_key_error_names_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "[client]\nname = \"X\"\ncolour = \"red\"\n");
        let msg = AuditConfig::load(&p).unwrap_err().to_string();
        assert!(msg.contains("audit.toml"), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn mapping_to_unknown_canonical_column_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\n[[source]]\ntable = \"transactions\"\nfile = \"a.csv\"\n\
             columns = { amount = \"Importe\" }\n",
        );
        let msg = AuditConfig::load(&p).unwrap_err().to_string();
        assert!(msg.contains("source[0].columns.amount"), "{msg}");
        assert!(msg.contains("net_amount"), "{msg}");
    }

    #[test]
    fn bad_decimal_separator_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\n[[source]]\nfile = \"a.csv\"\ndecimal = \";\"\n",
        );
        let msg = AuditConfig::load(&p).unwrap_err().to_string();
        assert!(msg.contains("source[0].decimal"), "{msg}");
    }

    #[test]
    fn model_settings_are_typed_and_a_bad_value_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\n[clv]\nunit = \"day\"\nmodel = \"pareto-nbd\"\n",
        );
        let cfg = AuditConfig::load(&p).unwrap();
        assert_eq!(cfg.clv.unit, crate::domain::TimeUnit::Day);
        assert_eq!(cfg.clv.model, crate::domain::ModelChoice::ParetoNbd);
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\n[clv]\nunit = \"month\"\n",
        );
        let msg = AuditConfig::load(&p).unwrap_err().to_string();
        assert!(msg.contains("unit") && msg.contains("month"), "{msg}");
    }

    #[test]
    fn quality_section_and_optional_sources_are_read_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[client]\nname = \"X\"\nperiod = \"2026-Q3\"\n[quality]\nmax_rejected_share = 0.9\n\
             [[source]]\nfile = \"a.xlsx\"\noptional = true\n",
        );
        let cfg = AuditConfig::load(&p).unwrap();
        assert_eq!(cfg.quality.max_rejected_share, 0.9);
        assert_eq!(cfg.quality.max_staleness_days, 7);
        assert!(cfg.sources[0].optional);
        assert_eq!(cfg.default_period().unwrap().to_string(), "2026-Q3");
        let bad = write(
            dir.path(),
            "[client]\nname = \"X\"\n[quality]\nmax_future_share = 5\n",
        );
        let msg = AuditConfig::load(&bad).unwrap_err().to_string();
        assert!(msg.contains("quality.max_future_share"), "{msg}");
    }

    #[test]
    fn slug_strips_accents_and_punctuation() {
        assert_eq!(slug("Ferretería Sol, S.L."), "ferreteria-sol-s-l");
    }
}
