//! The latency plot: p50 and p99 per metrics bucket, as two lines on a small canvas.

use web_sys::HtmlCanvasElement;

use super::dots::prepare;

pub const P50_COLOUR: &str = "#3b82f6";
pub const P99_COLOUR: &str = "#d97706";

/// Draws `(t_ms, p50_ms, p99_ms)` points, scaled to fit; `axis` colours the frame and labels.
pub fn draw(canvas: &HtmlCanvasElement, series: &[(f64, f64, f64)], axis: &str) {
    let Some((ctx, w, h)) = prepare(canvas) else { return };
    let (left, right, top, bottom) = (44.0, 6.0, 8.0, 16.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    if pw <= 0.0 || ph <= 0.0 {
        return;
    }
    let t_max = series.last().map_or(1.0, |p| p.0).max(1.0);
    let y_max = series.iter().map(|p| p.2.max(p.1)).fold(1.0_f64, f64::max) * 1.1;
    ctx.set_stroke_style_str(axis);
    ctx.set_fill_style_str(axis);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(left, top);
    ctx.line_to(left, top + ph);
    ctx.line_to(left + pw, top + ph);
    ctx.stroke();
    ctx.set_font("10px system-ui, sans-serif");
    let _ = ctx.fill_text(&format!("{y_max:.0}ms"), 2.0, top + 8.0);
    let _ = ctx.fill_text("0", left - 10.0, top + ph);
    let _ = ctx.fill_text(&format!("{:.1}s", t_max / 1000.0), left + pw - 28.0, h - 3.0);
    for (pick, colour) in [(1usize, P50_COLOUR), (2, P99_COLOUR)] {
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(1.5);
        ctx.begin_path();
        for (i, p) in series.iter().enumerate() {
            let v = if pick == 1 { p.1 } else { p.2 };
            let (x, y) = (left + p.0 / t_max * pw, top + ph - v / y_max * ph);
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
    }
}
