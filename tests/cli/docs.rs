//! The documents stay true to the code: every indicator definition the report prints is in
//! `docs/methodology.md` word for word (regenerate its definitions with
//! `cargo run --release --example methodology`), and the README stays a front door.

use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn methodology_holds_every_definition_as_implemented() {
    let doc = read("docs/methodology.md");
    for d in crm_audit::indicators::definitions() {
        assert!(
            doc.contains(d.en),
            "docs/methodology.md lacks the definition of {} ({}): run the methodology example",
            d.name_en,
            d.id
        );
    }
}

#[test]
fn readme_opens_with_the_two_commands_and_stays_short() {
    let readme = read("README.md");
    let opening: String = readme.lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(opening.contains("cargo run --release -- run"), "{opening}");
    assert!(opening.contains("cargo test --release"), "{opening}");
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; details belong in docs/"
    );
}
