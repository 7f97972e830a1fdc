//! Precompile the alias automata of the built-in vocabularies (skills, titles, places).
//!
//! Building them from ~160k aliases was most of a cold `matcher query`'s start-up;
//! deserializing them takes milliseconds. The rows-to-aliases rules live in
//! `src/analysis/rows.rs`, included here so the build and the library cannot disagree.

#[path = "src/analysis/rows.rs"]
#[allow(dead_code, unreachable_pub)]
mod rows;

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, tsv) in [
        ("skills", "data/taxonomy/skills.tsv"),
        ("titles", "data/taxonomy/titles.tsv"),
        ("places", "data/places.tsv"),
    ] {
        println!("cargo:rerun-if-changed={tsv}");
        let text = std::fs::read_to_string(tsv).expect("vocabulary file");
        let rows = rows::parse_rows(&text).expect("built-in vocabulary parses");
        let (_, texts) = rows::alias_patterns(&rows);
        std::fs::write(
            out.join(format!("{name}.daac")),
            rows::automaton(&texts).serialize(),
        )
        .expect("write automaton");
    }
    println!("cargo:rerun-if-changed=src/analysis/rows.rs");
    println!("cargo:rerun-if-changed=build.rs");
}
