//! Numbers typed by the user, read by the browser's own parser.
//!
//! Rust's `str::parse::<f64>` is correct but heavy in a wasm bundle: its exact algorithm carries a
//! 10 KB table of powers of five that does not compress, plus the code around it. The browser already has
//! an exact decimal parser, so text from number fields goes through JavaScript's `Number(text)`.

/// `text` as a finite number, or `None` when it is not one. Surrounding spaces are ignored; an empty or
/// blank text is `None` (where `Number("")` would say 0). Accepts what `Number()` accepts for decimal text:
/// `12`, `-0.5`, `1e3`, `.5`. Hex (`0x10`) and binary forms are refused, as Rust's parser refuses them, and
/// so are `Infinity` and `NaN`.
pub fn parse_f64(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() || t.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') {
        return None;
    }
    // `Number`'s `FromStr` is JavaScript's `new Number(text)`: NaN for what is not a number.
    let x = t.parse::<js_sys::Number>().ok()?.value_of();
    x.is_finite().then_some(x)
}
