//! WCAG AA contrast of the stylesheet's palette: every text colour against every background it is drawn on,
//! in the light theme and the dark one, must reach 4.5:1 (3:1 for the large or non-text pairs named below).

const CSS: &str = include_str!("../assets/app.css");

/// The `--name: #rrggbb;` variables of the first block that starts with `selector`.
fn palette(selector: &str) -> Vec<(String, [f64; 3])> {
    let start = CSS
        .find(selector)
        .unwrap_or_else(|| panic!("no `{selector}` block in app.css"));
    let body = &CSS[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.lines()
        .filter_map(|l| {
            let (name, value) = l.trim().strip_prefix("--")?.split_once(':')?;
            let hex = value.trim().trim_end_matches(';').strip_prefix('#')?;
            let c = |i: usize| {
                u8::from_str_radix(&hex[i..i + 2], 16)
                    .ok()
                    .map(|v| f64::from(v) / 255.0)
            };
            Some((name.to_owned(), [c(0)?, c(2)?, c(4)?]))
        })
        .collect()
}

fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn ratio(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `(foreground, background, minimum ratio)`: body text 4.5:1; the accent on controls and borders 3:1.
const PAIRS: &[(&str, &str, f64)] = &[
    ("text", "bg", 4.5),
    ("text", "surface", 4.5),
    ("text", "node-bg", 4.5),
    ("muted", "bg", 4.5),
    ("muted", "surface", 4.5),
    ("muted", "node-bg", 4.5),
    ("accent-text", "accent", 4.5),
    ("danger-text", "danger-bg", 4.5),
    // A number field's refusal, under the field in the inspector.
    ("danger-text", "surface", 4.5),
    ("accent", "surface", 3.0),
    ("bad", "surface", 3.0),
];

fn check(theme: &str, vars: &[(String, [f64; 3])]) -> Vec<String> {
    let get = |n: &str| vars.iter().find(|(k, _)| k == n).map(|(_, c)| *c);
    let mut failures = Vec::new();
    for &(fg, bg, min) in PAIRS {
        let (Some(f), Some(b)) = (get(fg), get(bg)) else {
            failures.push(format!("{theme}: --{fg} or --{bg} is missing"));
            continue;
        };
        let r = ratio(f, b);
        if r < min {
            failures.push(format!("{theme}: --{fg} on --{bg} is {r:.2}:1, below {min}:1"));
        }
    }
    failures
}

#[test]
fn the_palette_meets_wcag_aa_in_both_themes() {
    let mut failures = check("light", &palette(":root {\n  color-scheme: light dark;"));
    failures.extend(check("dark", &palette(":root[data-theme=\"dark\"] {")));
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_ratio_matches_known_values() {
    assert!((ratio([0.0; 3], [1.0; 3]) - 21.0).abs() < 1e-9);
    assert!((ratio([1.0; 3], [1.0; 3]) - 1.0).abs() < 1e-9);
}
