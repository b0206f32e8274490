//! Prints the definitions section of `docs/methodology.md` from the code that computes them
//! (the same texts the report's methodology appendix prints), so the document cannot drift:
//!
//! `cargo run --release --example methodology > /tmp/defs.md` and paste it between the markers.
//! `tests/cli/docs.rs` fails when a definition is missing from the document.

use crm_audit::domain::Lang;
use crm_audit::render::i18n::strings;

fn main() {
    println!("### Indicators\n");
    for d in crm_audit::indicators::definitions() {
        println!("- **{}** (`{}`): {}", d.name_en, d.id, d.en);
    }
    println!("\n### Lifetime-value models\n");
    let s = strings(Lang::En);
    for k in [
        "bgnbd",
        "pareto_nbd",
        "gamma_gamma",
        "clv",
        "p_alive",
        "backtest",
    ] {
        let text = s
            .get(&format!("model_def.{k}"))
            .replace("{months}", "H")
            .replace("{rate}", "the configured rate");
        println!("- **{}**: {}", s.get(&format!("model_def.{k}_term")), text);
    }
}
