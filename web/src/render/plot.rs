//! Time-series plots on small canvases: a few lines over a shared time axis, scaled to fit, with a hover
//! guide that reads out the values at the nearest point. Canvas (not SVG) keeps a long run's thousands of
//! points cheap to redraw in wasm.

use web_sys::HtmlCanvasElement;

use super::dots::prepare;

pub const P50_COLOUR: &str = "#3b82f6";
pub const P99_COLOUR: &str = "#d97706";
pub const THROUGHPUT_COLOUR: &str = "#16a34a";
pub const ERRORS_COLOUR: &str = "#dc2626";
/// Goodput (successes within their deadline) is drawn dashed beside throughput, which it can never exceed.
pub const GOODPUT_COLOUR: &str = "#7c3aed";
/// The queue-depth plot's lines, one per node it follows.
pub const QUEUE_COLOURS: [&str; 3] = ["#7c3aed", "#0891b2", "#db2777"];
/// The group-size plot's colours, one per group (its instances solid, those in service dashed).
pub const GROUP_COLOURS: [&str; 3] = ["#2563eb", "#16a34a", "#d97706"];
/// The cost per hour.
pub const COST_COLOUR: &str = "#0f766e";

/// One line of a plot.
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: &'static str,
    pub values: &'a [f64],
    /// Drawn dashed, so a line that lies on another stays visible and tells apart without colour.
    pub dashed: bool,
}

const LEFT: f64 = 44.0;
const RIGHT: f64 = 6.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 16.0;

/// Draws the lines over times `t_ms`; `unit` labels the y axis, `axis` colours the frame. With `hover_x` (a
/// CSS-pixel offset into the canvas) it marks the nearest point and returns its values as text.
pub fn draw(
    canvas: &HtmlCanvasElement,
    t_ms: &[f64],
    lines: &[Line<'_>],
    unit: &str,
    axis: &str,
    hover_x: Option<f64>,
) -> Option<String> {
    let (ctx, w, h) = prepare(canvas)?;
    let (pw, ph) = (w - LEFT - RIGHT, h - TOP - BOTTOM);
    if pw <= 0.0 || ph <= 0.0 {
        return None;
    }
    let t_max = t_ms.last().copied().unwrap_or(1.0).max(1.0);
    let y_max = lines
        .iter()
        .flat_map(|l| l.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(1e-9_f64, f64::max)
        * 1.1;
    ctx.set_stroke_style_str(axis);
    ctx.set_fill_style_str(axis);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(LEFT, TOP);
    ctx.line_to(LEFT, TOP + ph);
    ctx.line_to(LEFT + pw, TOP + ph);
    ctx.stroke();
    ctx.set_font("10px system-ui, sans-serif");
    let _ = ctx.fill_text(&format!("{}{unit}", short(y_max)), 2.0, TOP + 8.0);
    let _ = ctx.fill_text("0", LEFT - 10.0, TOP + ph);
    let _ = ctx.fill_text(&format!("{:.1}s", t_max / 1000.0), LEFT + pw - 28.0, h - 3.0);
    let at = |t: f64, v: f64| (LEFT + t / t_max * pw, TOP + ph - v / y_max * ph);
    for line in lines {
        ctx.set_stroke_style_str(line.colour);
        ctx.set_line_width(if line.dashed { 2.0 } else { 1.5 });
        let dash = if line.dashed {
            js_sys::Array::of2(&5.into(), &3.into())
        } else {
            js_sys::Array::new()
        };
        let _ = ctx.set_line_dash(&dash);
        ctx.begin_path();
        for (i, (&t, &v)) in t_ms.iter().zip(line.values).enumerate() {
            let (x, y) = at(t, v);
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
    }
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    let hx = hover_x?;
    let t = ((hx - LEFT) / pw).clamp(0.0, 1.0) * t_max;
    let i = t_ms
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - t).abs().total_cmp(&(b.1 - t).abs()))?
        .0;
    let (x, _) = at(t_ms[i], 0.0);
    ctx.set_stroke_style_str(axis);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(x, TOP);
    ctx.line_to(x, TOP + ph);
    ctx.stroke();
    let mut text = format!("at {:.1} s:", t_ms[i] / 1000.0);
    for line in lines {
        if let Some(&v) = line.values.get(i) {
            let (_, y) = at(t_ms[i], v);
            ctx.set_fill_style_str(line.colour);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 3.0, 0.0, std::f64::consts::TAU);
            ctx.fill();
            text.push_str(&format!(" {} {}{unit}", line.label, short(v)));
        }
    }
    Some(text)
}

/// A value with a precision that suits its size.
fn short(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn short_keeps_three_significant_digits_or_so() {
        assert_eq!(short(1234.6), "1235");
        assert_eq!(short(12.345), "12.3");
        assert_eq!(short(0.1234), "0.12");
    }
}
