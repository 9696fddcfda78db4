//! The request dots on the overlay canvas: each sampled hop moves along its edge from `depart` to `arrive`
//! in virtual time. Colour and shape both say what it carries, so the legend works without colour. Failures a
//! resilience policy chose (rate limited, shed, failed fast by an open breaker) have marks of their own.

use switchyard_core::engine::{Hop, HopKind, Outcome};
use switchyard_core::metrics::FailReason;
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
    /// Refused by a rate limiter: a hollow orange triangle.
    RateLimited,
    /// Shed from an overloaded queue: a grey dash.
    Shed,
    /// Failed fast by an open circuit breaker: a rose bar, upright.
    CircuitOpen,
}

impl Mark {
    pub fn of(kind: HopKind) -> Mark {
        match kind {
            HopKind::Request => Mark::Request,
            HopKind::Response(Outcome::Ok) => Mark::Ok,
            HopKind::Response(Outcome::Hit) => Mark::Hit,
            HopKind::Response(Outcome::Miss) => Mark::Miss,
            HopKind::Response(Outcome::Stale) => Mark::Stale,
            HopKind::Response(Outcome::Fail(FailReason::RateLimited)) => Mark::RateLimited,
            HopKind::Response(Outcome::Fail(FailReason::Shed)) => Mark::Shed,
            HopKind::Response(Outcome::Fail(FailReason::CircuitOpen)) => Mark::CircuitOpen,
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
            Mark::RateLimited => "#ea580c",
            Mark::Shed => "#6b7280",
            Mark::CircuitOpen => "#be123c",
        }
    }

    pub const ALL: [(Mark, &'static str); 9] = [
        (Mark::Request, "request"),
        (Mark::Ok, "ok response"),
        (Mark::Hit, "cache hit"),
        (Mark::Miss, "cache miss"),
        (Mark::Stale, "stale read"),
        (Mark::Fail, "failure"),
        (Mark::RateLimited, "rate limited"),
        (Mark::Shed, "shed"),
        (Mark::CircuitOpen, "circuit open"),
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

/// Draws every hop in flight at virtual time `now` and returns how many it drew. Each mark is rasterized once
/// into a small sprite; a frame stamps the sprites into a pixel buffer in wasm and hands the canvas one
/// `putImageData`. Ten thousand dots cost a few milliseconds even where the canvas is rasterized in software,
/// where ten thousand canvas calls (or arcs in one path) do not.
pub fn draw(canvas: &HtmlCanvasElement, layout: &Layout, hops: &[Hop], now: SimTime) -> usize {
    let Some((ctx, w, h)) = prepare(canvas) else { return 0 };
    if hops.is_empty() || layout.nodes.is_empty() {
        return 0;
    }
    let t = Transform::fit(layout.view, w, h);
    let r = (4.0 * t.scale).clamp(2.0, 5.0).round();
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let Some(sprites) = sprites(r, ratio) else { return 0 };
    let (pw, ph) = (canvas.width() as usize, canvas.height() as usize);
    if pw == 0 || ph == 0 {
        return 0;
    }
    let drawn = FRAME.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        buf.resize(pw * ph * 4, 0);
        let mut drawn = 0;
        for hop in hops {
            let (from, to) = (hop.from as usize, hop.to as usize);
            if from >= layout.nodes.len() || to >= layout.nodes.len() || hop.depart > now {
                continue;
            }
            let span = hop.arrive.0.saturating_sub(hop.depart.0).max(1) as f64;
            let f = ((now.0 - hop.depart.0) as f64 / span).clamp(0.0, 1.0);
            let (a, b) = layout.edge_segment(from, to);
            let (x, y) = t.apply((a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f));
            let k = Mark::ALL
                .iter()
                .position(|&(m, _)| m == Mark::of(hop.kind))
                .unwrap_or(0);
            stamp(&mut buf, pw, ph, &sprites[k], x * ratio, y * ratio);
            drawn += 1;
        }
        drawn
    });
    FRAME.with(|buf| {
        let buf = buf.borrow();
        if let Ok(img) =
            web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&buf[..]), pw as u32, ph as u32)
        {
            let _ = ctx.put_image_data(&img, 0.0, 0.0);
        }
    });
    drawn
}

/// A mark's pixels: side length and RGBA values (alpha 0 where transparent).
struct Sprite {
    side: usize,
    pixels: Vec<[u8; 4]>,
}

/// The sprites for one radius and device pixel ratio.
type SpriteCache = Option<(f64, f64, std::rc::Rc<Vec<Sprite>>)>;

/// Copies a sprite's opaque-enough pixels centred on device pixel `(cx, cy)`, clipped to the buffer.
fn stamp(buf: &mut [u8], pw: usize, ph: usize, s: &Sprite, cx: f64, cy: f64) {
    let x0 = (cx - s.side as f64 / 2.0).round() as isize;
    let y0 = (cy - s.side as f64 / 2.0).round() as isize;
    for sy in 0..s.side {
        let y = y0 + sy as isize;
        if y < 0 || y >= ph as isize {
            continue;
        }
        let row = y as usize * pw;
        for sx in 0..s.side {
            let x = x0 + sx as isize;
            let p = s.pixels[sy * s.side + sx];
            if p[3] != 0 && x >= 0 && x < pw as isize {
                let i = (row + x as usize) * 4;
                buf[i..i + 4].copy_from_slice(&p);
            }
        }
    }
}

thread_local! {
    /// The frame's RGBA pixel buffer, reused between frames.
    static FRAME: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The sprites of every mark, for one radius and device pixel ratio.
    static SPRITES: std::cell::RefCell<SpriteCache> = const { std::cell::RefCell::new(None) };
}

/// One sprite per mark (in [`Mark::ALL`] order): the mark drawn at radius `r` on a small canvas, read back.
fn sprites(r: f64, ratio: f64) -> Option<std::rc::Rc<Vec<Sprite>>> {
    use wasm_bindgen::JsCast;
    if let Some(v) = SPRITES.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|(cr, cratio, _)| *cr == r && *cratio == ratio)
            .map(|(_, _, v)| v.clone())
    }) {
        return Some(v);
    }
    let doc = web_sys::window()?.document()?;
    let half = r + 2.0;
    let side = (2.0 * half * ratio).ceil() as usize;
    let mut out = Vec::with_capacity(Mark::ALL.len());
    for &(mark, _) in Mark::ALL.iter() {
        let c: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        c.set_width(side as u32);
        c.set_height(side as u32);
        let ctx: CanvasRenderingContext2d = c.get_context("2d").ok()??.dyn_into().ok()?;
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        ctx.set_fill_style_str(mark.colour());
        ctx.set_stroke_style_str(mark.colour());
        ctx.set_line_width(match mark {
            Mark::Fail => 2.2,
            Mark::Shed | Mark::CircuitOpen => 2.8,
            _ => 1.6,
        });
        ctx.begin_path();
        shape(&ctx, mark, half, half, r);
        match mark {
            Mark::Request | Mark::Fail | Mark::Stale | Mark::RateLimited | Mark::Shed | Mark::CircuitOpen => {
                ctx.stroke()
            }
            _ => ctx.fill(),
        }
        let data = ctx.get_image_data(0.0, 0.0, side as f64, side as f64).ok()?.data();
        // Antialiased edges below half coverage are dropped: a stamp overwrites, it does not blend.
        let pixels = data
            .chunks_exact(4)
            .map(|p| if p[3] >= 96 { [p[0], p[1], p[2], 255] } else { [0; 4] })
            .collect();
        out.push(Sprite { side, pixels });
    }
    let out = std::rc::Rc::new(out);
    SPRITES.with(|s| *s.borrow_mut() = Some((r, ratio, out.clone())));
    Some(out)
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
        Mark::RateLimited => {
            ctx.move_to(x, y - r);
            ctx.line_to(x + r, y + r * 0.8);
            ctx.line_to(x - r, y + r * 0.8);
            ctx.close_path();
        }
        Mark::Shed => {
            ctx.move_to(x - r, y);
            ctx.line_to(x + r, y);
        }
        Mark::CircuitOpen => {
            ctx.move_to(x, y - r);
            ctx.line_to(x, y + r);
        }
    }
}
