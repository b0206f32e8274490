//! Writes the sample report as HTML and PDF in Spanish and English to /tmp/render-demo/ (or the
//! folder given as first argument) and prints how long rendering took.
//!
//! `cargo run --release --example render_demo [-- OUT_DIR]`

use crm_audit::cli::Lang;
use crm_audit::render::{Report, render_html_and_pdf};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/render-demo"));
    std::fs::create_dir_all(&out)?;
    for (lang, suffix) in [(Lang::Es, ""), (Lang::En, "-en")] {
        let report = Report::demo(lang);
        // The first run pays for parsing the fonts once per process; time a second one too.
        for run in 0..2 {
            let start = Instant::now();
            let (html, pdf) = render_html_and_pdf(&report, None)?;
            let elapsed = start.elapsed();
            if run == 1 || lang == Lang::Es {
                println!(
                    "{lang:?} run {}: html {} KiB + pdf {} KiB in {:.0} ms",
                    run + 1,
                    html.len() / 1024,
                    pdf.len() / 1024,
                    elapsed.as_secs_f64() * 1000.0
                );
            }
            std::fs::write(out.join(format!("report{suffix}.html")), html)?;
            std::fs::write(out.join(format!("report{suffix}.pdf")), pdf)?;
        }
    }
    println!("written to {}", out.display());
    Ok(())
}
