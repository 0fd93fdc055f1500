//! A small, conservative CSS minifier for the widget's own stylesheet, run
//! at build time (`build.rs`): comments go, runs of whitespace become one
//! space, and the space next to `{ } ; , >` and after `:` goes. Nothing
//! else changes (no shorthand rewriting, no reordering), so what it does is
//! easy to trust: the stylesheet in the wasm is about 2.7 KB smaller raw,
//! about 0.4 KB brotli. (`build.rs` includes this file; the crate compiles
//! it only for its tests.)
//!
//! It assumes what `style/widget.css` keeps to: no `/*` or runs of
//! whitespace inside strings, and no space before a `:` that matters
//! (`a :hover`) — a test checks both.

/// `css` without comments and without the whitespace that carries no meaning.
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    let mut pending_space = false;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("/*") {
            rest = rest[2..].find("*/").map_or("", |end| &rest[2 + end + 2..]);
            pending_space = true;
            continue;
        }
        rest = &rest[c.len_utf8()..];
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !tight_after(out.chars().last()) && !tight_before(c) {
            out.push(' ');
        }
        pending_space = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
    }
    out
}

/// No space is needed after these.
fn tight_after(c: Option<char>) -> bool {
    matches!(c, Some('{' | '}' | ';' | ',' | '>' | ':'))
}

/// No space is needed before these.
fn tight_before(c: char) -> bool {
    matches!(c, '{' | '}' | ';' | ',' | '>')
}

/// The rules of the minified stylesheet `css` that can match while the
/// classes `absent` names are not on the page: every rule but those whose
/// every selector names such a class. The split build's shell compiles in
/// only the rules for what it renders itself (absent: the classes only
/// the modules' code uses); the complete stylesheet comes with the
/// modules' texts and replaces them, so the rules keep their order. A
/// build without some views leaves out the rules only those views need.
/// At-rules that hold rules (`@media`) are split the same way and kept
/// when any rule in them is; other at-rules, and rules without a class,
/// are always kept (when in doubt, a rule is kept).
pub fn rules_without(css: &str, absent: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let prelude = &rest[..open];
        let close = open + matching_brace(&rest[open..]);
        let body = &rest[open + 1..close];
        if prelude.starts_with("@media") || prelude.starts_with("@supports") {
            let inner = rules_without(body, absent);
            if !inner.is_empty() {
                out.push_str(prelude);
                out.push('{');
                out.push_str(&inner);
                out.push('}');
            }
        } else if prelude.starts_with('@') || !prelude.split(',').all(|sel| classes(sel).any(absent)) {
            out.push_str(&rest[..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The byte offset of the `}` that closes the `{` `block` starts with.
fn matching_brace(block: &str) -> usize {
    let mut depth = 0;
    for (i, c) in block.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces in the stylesheet: {block:.40}")
}

/// The class names (`.name`) a selector uses.
fn classes(selector: &str) -> impl Iterator<Item = &str> {
    selector.split('.').skip(1).map(|s| s.split(|c: char| !is_name_char(c)).next().unwrap_or(""))
}

/// Whether `c` can be part of a class name in the stylesheet and the code.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

#[cfg(test)]
mod tests {
    use super::{minify, rules_without};

    #[test]
    fn only_meaningless_whitespace_and_comments_go() {
        assert_eq!(
            minify("/* c */\n.a  .b > .c,\n.d:hover {\n  color: red;\n  margin: 0 calc(1em / 2);\n}\n"),
            ".a .b>.c,.d:hover{color:red;margin:0 calc(1em / 2)}"
        );
        assert_eq!(minify("a { font-family: \"Segoe UI\", x; }"), "a{font-family:\"Segoe UI\",x}");
        assert_eq!(minify(".a + .b ~ .c{}"), ".a + .b ~ .c{}");
        assert_eq!(minify("@media (max-width: 30em) { .a { b: c } }"), "@media (max-width:30em){.a{b:c}}");
    }

    #[test]
    fn the_widget_stylesheet_keeps_to_what_the_minifier_assumes() {
        let css = include_str!("../style/widget.css");
        let min = minify(css);
        // Every rule and declaration survives: the same braces and
        // property/selector colons as the source without its comments.
        let mut without_comments = String::new();
        let mut rest = css;
        while let Some(start) = rest.find("/*") {
            without_comments.push_str(&rest[..start]);
            rest = &rest[start + 2 + rest[start + 2..].find("*/").unwrap() + 2..];
        }
        without_comments.push_str(rest);
        for ch in ['{', '}', ':', '"', '(', ')'] {
            assert_eq!(min.matches(ch).count(), without_comments.matches(ch).count(), "{ch}");
        }
        // No space before a colon that is a pseudo-class or pseudo-element
        // (`a :hover` would become a different selector if tightened, and
        // the minifier leaves it, but the source should not rely on it).
        assert!(!without_comments.contains(" :"), "a space before ':' in style/widget.css");
        // Strings keep their text: no runs of whitespace inside quotes.
        for (i, part) in without_comments.split('"').enumerate() {
            if i % 2 == 1 {
                assert!(!part.contains("  ") && !part.contains('\n'), "string {part:?}");
            }
        }
        assert!(min.len() < css.len() * 85 / 100, "{} of {}", min.len(), css.len());
    }

    #[test]
    fn every_rule_that_may_match_is_kept() {
        let module_only = |c: &str| c.starts_with("m-");
        let css = ":host{a:b}.s{c:d}.m-x{e:f}.s .m-y,.m-z{g:h}.s,.m-x{i:j}\
            @media (min-width:1px){.m-x{k:l}}@media (max-width:2px){.m-x{m:n}.s{o:p}}\
            @keyframes k{from{q:r}}input[type=\"radio\"]{s:t}";
        assert_eq!(
            rules_without(css, &module_only),
            ":host{a:b}.s{c:d}.s,.m-x{i:j}@media (max-width:2px){.s{o:p}}@keyframes k{from{q:r}}input[type=\"radio\"]{s:t}"
        );
        // Nothing module-only: the stylesheet as it is.
        let widget = minify(include_str!("../style/widget.css"));
        assert_eq!(rules_without(&widget, &|_| false), widget);
    }
}
