//! The canvas as a picture file: a standalone SVG that looks like the canvas without the app's stylesheet, and
//! a PNG drawn from it at twice the on-screen size. Both are built in the browser from the live `<svg>`.
//!
//! The canvas is styled by classes and theme variables in `app.css`. Rather than copy stylesheet rules (which
//! would need selector matching, the theme's variables resolved, and the rules for states such as `.down`),
//! each element of the copy gets the few presentation properties the browser has computed for it, written as a
//! `style` attribute only where they differ from its parent's. That is exactly what is on screen, in either
//! theme, and any SVG renderer reads it: no CSS variables, selectors or `<style>` support needed.

use wasm_bindgen::JsCast;
use web_sys::{CssStyleDeclaration, Document, Element, Window};

/// Inherited presentation properties: written where an element's value differs from its parent's.
const INHERITED: [&str; 10] = [
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
];

/// Properties that are not inherited, with their initial values: written where they differ from those.
const OWN: [(&str, &str); 2] = [("opacity", "1"), ("text-decoration-line", "none")];

/// Interactive-only parts left out of the file: the ports for drawing edges, the wide invisible hit lines of
/// edges, an edge being drawn, and the tooltips (which describe mouse gestures).
const INTERACTIVE: &str = ".port, .edge-hit, .wire, title";

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The canvas as a standalone SVG document `scale` times its on-screen size in pixels, with its size; `None`
/// when there is no canvas.
pub fn canvas_svg(scale: f64) -> Option<(String, u32, u32)> {
    let window = web_sys::window()?;
    let doc = window.document()?;
    let live = doc.query_selector("svg[data-testid=canvas]").ok()??;
    let copy: Element = live.clone_node_with_deep(true).ok()?.unchecked_into();

    // Copy and live tree have the same elements in the same order until something is removed.
    style(&window, &live, &copy, None);
    let (from, to) = (live.query_selector_all("*").ok()?, copy.query_selector_all("*").ok()?);
    // `*` and `INTERACTIVE` match elements only.
    for i in 0..from.length() {
        let (Some(a), Some(b)) = (from.item(i), to.item(i)) else {
            break;
        };
        let a: Element = a.unchecked_into();
        style(&window, &a, b.unchecked_ref(), a.parent_element().as_ref());
    }
    let drop = copy.query_selector_all(INTERACTIVE).ok()?;
    for i in 0..drop.length() {
        if let Some(e) = drop.item(i) {
            e.unchecked_into::<Element>().remove();
        }
    }

    // The file shows what the screen shows: the part of the plane in view, on the canvas's background.
    let rect = live.get_bounding_client_rect();
    let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
    let view = live.get_attribute("viewBox")?;
    let mut view = view.split(' ').map(crate::num::parse_f64);
    let (vx, vy, vw, vh) = (view.next()??, view.next()??, view.next()??, view.next()??);
    let s = (w / vw).min(h / vh);
    // Hundredths of a unit are finer than a pixel at any zoom the editor offers.
    let r = |v: f64| (v * 100.0).round() / 100.0;
    let (sx, sy, sw, sh) = (
        r(vx + (vw - w / s) / 2.0),
        r(vy + (vh - h / s) / 2.0),
        r(w / s),
        r(h / s),
    );
    let (pw, ph) = ((w * scale).round() as u32, (h * scale).round() as u32);
    copy.set_attribute("viewBox", &format!("{sx} {sy} {sw} {sh}")).ok()?;
    copy.set_attribute("width", &pw.to_string()).ok()?;
    copy.set_attribute("height", &ph.to_string()).ok()?;
    let back = doc.create_element_ns(Some(SVG_NS), "rect").ok()?;
    for (name, value) in [("x", sx), ("y", sy), ("width", sw), ("height", sh)] {
        back.set_attribute(name, &value.to_string()).ok()?;
    }
    back.set_attribute("fill", &background(&window, &live)).ok()?;
    copy.insert_before(&back, copy.first_child().as_ref()).ok()?;

    let text = web_sys::XmlSerializer::new().ok()?.serialize_to_string(&copy).ok()?;
    Some((format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"), pw, ph))
}

/// Writes onto `copy` the presentation properties computed for `live` that it does not inherit from `parent`.
fn style(window: &Window, live: &Element, copy: &Element, parent: Option<&Element>) {
    let Some(css) = computed(window, live) else { return };
    let parent = parent.and_then(|p| computed(window, p));
    let value = |css: &CssStyleDeclaration, name: &str| css.get_property_value(name).unwrap_or_default();
    let mut out = String::new();
    for name in INHERITED {
        let v = value(&css, name);
        if !v.is_empty() && parent.as_ref().is_none_or(|p| value(p, name) != v) {
            push(&mut out, name, &v);
        }
    }
    for (name, initial) in OWN {
        let v = value(&css, name);
        if !v.is_empty() && v != initial {
            push(&mut out, name, &v);
        }
    }
    let _ = if out.is_empty() {
        copy.remove_attribute("style")
    } else {
        copy.set_attribute("style", &out)
    };
}

/// Appends the declaration `name:value;`.
fn push(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push(':');
    out.push_str(value);
    out.push(';');
}

fn computed(window: &Window, e: &Element) -> Option<CssStyleDeclaration> {
    window.get_computed_style(e).ok().flatten()
}

/// The first background colour that is not transparent, from `e` up to the root.
fn background(window: &Window, e: &Element) -> String {
    let mut at = Some(e.clone());
    while let Some(e) = at {
        let c = computed(window, &e)
            .and_then(|c| c.get_property_value("background-color").ok())
            .unwrap_or_default();
        if !c.is_empty() && c != "transparent" && c != "rgba(0, 0, 0, 0)" {
            return c;
        }
        at = e.parent_element();
    }
    "#ffffff".to_owned()
}

/// The canvas as a PNG `data:` URL at twice its on-screen size (crisp on high-density screens): the standalone
/// SVG drawn into an offscreen `<canvas>`.
pub async fn canvas_png() -> Option<String> {
    let (svg, w, h) = canvas_svg(2.0)?;
    let doc: Document = web_sys::window()?.document()?;
    let img = web_sys::HtmlImageElement::new().ok()?;
    img.set_src(&format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&svg)
    ));
    wasm_bindgen_futures::JsFuture::from(img.decode()).await.ok()?;
    let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas").ok()?.unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.unchecked_into();
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w.into(), h.into())
        .ok()?;
    canvas.to_data_url().ok()
}
