// Minifies the widget's stylesheet into OUT_DIR (see src/css_min.rs); the
// crate compiles in the result (`CSS` in src/lib.rs).
#[path = "src/css_min.rs"]
mod css_min;

fn main() {
    // The split build (feature `split`, scripts/split-build.sh): the linker
    // keeps its relocations, which wasm-split-cli needs to cut the module
    // into the shell and one module per view.
    if std::env::var_os("CARGO_FEATURE_SPLIT").is_some()
        && std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "wasm"))
    {
        println!("cargo:rustc-link-arg-cdylib=--emit-relocs");
    }
    println!("cargo:rerun-if-changed=style/widget.css");
    println!("cargo:rerun-if-changed=src/css_min.rs");
    let css = std::fs::read_to_string("style/widget.css").expect("style/widget.css");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widget.css");
    std::fs::write(out, css_min::minify(&css)).expect("writing the minified stylesheet");
}
