//! The request dots on the overlay canvas: each sampled hop moves along its edge from `depart` to `arrive`
//! in virtual time. Colour and shape both say what it carries, so the legend works without colour.

use switchyard_core::engine::{Hop, HopKind, Outcome};
use switchyard_core::time::SimTime;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::layout::{Layout, Transform};

/// How a dot looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A request on its way: a small hollow circle.
    Request,
    /// A successful response: a filled circle.
    Ok,
    /// A cache hit: a green square.
    Hit,
    /// A cache miss: an amber diamond.
    Miss,
    /// A stale cache hit (an older version than the origin's): a purple hollow square.
    Stale,
    /// A failure or a lost message: a red cross.
    Fail,
}

impl Mark {
    pub fn of(kind: HopKind) -> Mark {
        match kind {
            HopKind::Request => Mark::Request,
            HopKind::Response(Outcome::Ok) => Mark::Ok,
            HopKind::Response(Outcome::Hit) => Mark::Hit,
            HopKind::Response(Outcome::Miss) => Mark::Miss,
            HopKind::Response(Outcome::Stale) => Mark::Stale,
            HopKind::Response(Outcome::Fail(_)) | HopKind::Lost => Mark::Fail,
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            Mark::Request => "#64748b",
            Mark::Ok => "#3b82f6",
            Mark::Hit => "#16a34a",
            Mark::Miss => "#d97706",
            Mark::Stale => "#9333ea",
            Mark::Fail => "#dc2626",
        }
    }

    pub const ALL: [(Mark, &'static str); 6] = [
        (Mark::Request, "request"),
        (Mark::Ok, "ok response"),
        (Mark::Hit, "cache hit"),
        (Mark::Miss, "cache miss"),
        (Mark::Stale, "stale read"),
        (Mark::Fail, "failure"),
    ];
}

/// Sizes the canvas to its CSS box (times the device pixel ratio) and returns the context, or `None` if
/// the canvas has no 2D context.
pub fn prepare(canvas: &HtmlCanvasElement) -> Option<(CanvasRenderingContext2d, f64, f64)> {
    use wasm_bindgen::JsCast;
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
    let (pw, ph) = ((w * ratio).round() as u32, (h * ratio).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    Some((ctx, w, h))
}

/// Draws every hop in flight at virtual time `now` and returns how many it drew. Dots are batched by mark:
/// one path and one fill (or stroke) per mark kind, so ten thousand dots cost five canvas draw calls.
pub fn draw(canvas: &HtmlCanvasElement, layout: &Layout, hops: &[Hop], now: SimTime) -> usize {
    let Some((ctx, w, h)) = prepare(canvas) else { return 0 };
    if hops.is_empty() || layout.nodes.is_empty() {
        return 0;
    }
    let t = Transform::fit(layout.view, w, h);
    let r = (4.0 * t.scale).clamp(2.0, 5.0);
    let mut drawn = 0;
    for &(kind, _) in Mark::ALL.iter() {
        let colour = kind.colour();
        ctx.set_fill_style_str(colour);
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(if kind == Mark::Fail { 2.2 } else { 1.6 });
        ctx.begin_path();
        let mut any = false;
        for hop in hops {
            let (from, to) = (hop.from as usize, hop.to as usize);
            if Mark::of(hop.kind) != kind || from >= layout.nodes.len() || to >= layout.nodes.len() || hop.depart > now
            {
                continue;
            }
            let span = hop.arrive.0.saturating_sub(hop.depart.0).max(1) as f64;
            let f = ((now.0 - hop.depart.0) as f64 / span).clamp(0.0, 1.0);
            let (a, b) = layout.edge_segment(from, to);
            let (x, y) = t.apply((a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f));
            shape(&ctx, kind, x, y, r);
            any = true;
            drawn += 1;
        }
        if any {
            match kind {
                Mark::Request | Mark::Fail | Mark::Stale => ctx.stroke(),
                _ => ctx.fill(),
            }
        }
    }
    drawn
}

/// Adds one mark's outline to the current path (the caller fills or strokes the batch).
fn shape(ctx: &CanvasRenderingContext2d, mark: Mark, x: f64, y: f64, r: f64) {
    match mark {
        Mark::Request => {
            ctx.move_to(x + r * 0.7, y);
            let _ = ctx.arc(x, y, r * 0.7, 0.0, std::f64::consts::TAU);
        }
        Mark::Ok => {
            ctx.move_to(x + r, y);
            let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        }
        Mark::Hit => ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7),
        Mark::Stale => ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6),
        Mark::Miss => {
            ctx.move_to(x, y - r * 1.2);
            ctx.line_to(x + r * 1.2, y);
            ctx.line_to(x, y + r * 1.2);
            ctx.line_to(x - r * 1.2, y);
            ctx.close_path();
        }
        Mark::Fail => {
            ctx.move_to(x - r, y - r);
            ctx.line_to(x + r, y + r);
            ctx.move_to(x + r, y - r);
            ctx.line_to(x - r, y + r);
        }
    }
}
