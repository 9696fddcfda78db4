//! The ring view: a balancer's backends placed by core's [`ring`](switchyard_core::ring) algorithms. For the
//! classic ring it draws the hash circle with each server's virtual nodes and the arcs they own, and a sample
//! of keys at their hash positions; adding or removing a server highlights the keys that moved, next to the
//! 1/(n+1) that theory says should. Other algorithms (jump, rendezvous, Maglev, mod-N) have no circle, so the
//! view shows their key shares and the same movement count.

use std::f64::consts::TAU;

use switchyard_core::dist::trig;
use switchyard_core::ring::hash::key_hash;
use switchyard_core::ring::{Algo, Config, Placement, Server, ServerId, Snapshot};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Keys sampled for the picture.
const KEYS: u64 = 400;
/// Radius of the circle, in SVG units.
const R: f64 = 150.0;

/// Colours for servers, distinguishable in light and dark themes.
const COLOURS: [&str; 10] = [
    "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626", "#475569", "#ca8a04",
];

fn colour(s: ServerId) -> &'static str {
    COLOURS[s.0 as usize % COLOURS.len()]
}

#[derive(Properties, PartialEq)]
pub struct RingViewProps {
    /// The balancer's name, for the title.
    pub title: String,
    /// Labels of its backends, in edge order (server `i` is backend `i`).
    pub backends: Vec<String>,
    pub on_close: Callback<()>,
}

/// What the view computed for one state of the placement.
struct Picture {
    points: Vec<(f64, ServerId)>,
    shares: Vec<(ServerId, f64)>,
    keys: Vec<(f64, ServerId)>,
    moved: Vec<bool>,
    moved_fraction: Option<f64>,
    expected: Option<f64>,
}

fn algo_of(name: &str) -> Algo {
    match name {
        "jump" => Algo::Jump,
        "rendezvous" => Algo::Rendezvous,
        "maglev" => Algo::Maglev,
        "modn" => Algo::ModN,
        _ => Algo::Ring,
    }
}

/// Builds the placement with `n` servers, applies the change `delta` (+1 adds a server, -1 removes the last),
/// and compares where the sample keys live before and after.
fn picture(algo: Algo, vnodes: u32, n: u32, delta: i32) -> Result<Picture, String> {
    let mut cfg = Config::new(algo);
    cfg.vnodes = vnodes;
    let mut p = cfg.build().map_err(|e| e.to_string())?;
    let servers: Vec<Server> = (0..n)
        .map(|i| Server {
            id: ServerId(i),
            weight: 1,
        })
        .collect();
    p.add_all(&servers).map_err(|e| e.to_string())?;
    let keys: Vec<u64> = (0..KEYS).collect();
    let before = Snapshot::lookup(&*p, keys.clone()).map_err(|e| e.to_string())?;
    let expected = match delta {
        1 => {
            p.add(ServerId(n), 1).map_err(|e| e.to_string())?;
            Some(1.0 / f64::from(n + 1))
        }
        -1 if n > 1 => {
            p.remove(ServerId(n - 1)).map_err(|e| e.to_string())?;
            Some(1.0 / f64::from(n))
        }
        _ => None,
    };
    let (moved, moved_fraction) = if expected.is_some() {
        let (movement, after) = before.diff(&*p).map_err(|e| e.to_string())?;
        let moved = before
            .owners()
            .iter()
            .zip(after.owners())
            .map(|(a, b)| a != b)
            .collect();
        (moved, Some(movement.fraction()))
    } else {
        (vec![false; keys.len()], None)
    };
    let owners = Snapshot::lookup(&*p, keys.clone()).map_err(|e| e.to_string())?;
    Ok(Picture {
        points: p.points().iter().map(|pt| (pt.fraction(), pt.server)).collect(),
        shares: p.shares().iter().map(|s| (s.server, s.fraction)).collect(),
        keys: keys
            .iter()
            .zip(owners.owners())
            .map(|(&k, &s)| (key_hash(k) as f64 / 18_446_744_073_709_551_616.0, s))
            .collect(),
        moved,
        moved_fraction,
        expected,
    })
}

/// The point at `fraction` of the way round a circle of radius `r`, clockwise from the top. Through core's
/// `trig` (libm's results for angles like these), which core links for its own maths: `f64::sin`/`cos` would
/// bring a second copy of the argument reduction, and `libm`'s its table for huge angles, into the bundle.
fn at(fraction: f64, r: f64) -> (f64, f64) {
    let a = fraction * TAU - TAU / 4.0;
    (r * trig::cos(a), r * trig::sin(a))
}

#[component]
pub fn RingView(props: &RingViewProps) -> Html {
    let algo = use_state(|| "ring".to_owned());
    let vnodes = use_state(|| 16u32);
    let delta = use_state(|| 0i32);
    let n = props.backends.len().max(1) as u32;
    let pic = picture(algo_of(&algo), *vnodes, n, *delta);
    let on_algo = {
        let algo = algo.clone();
        let delta = delta.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                algo.set(s.value());
                delta.set(0);
            }
        })
    };
    let on_vnodes = {
        let vnodes = vnodes.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse().ok())
            {
                vnodes.set(v);
            }
        })
    };
    let set_delta = |d: i32| {
        let delta = delta.clone();
        Callback::from(move |_: MouseEvent| delta.set(d))
    };
    let name = |s: ServerId| {
        props
            .backends
            .get(s.0 as usize)
            .cloned()
            .unwrap_or_else(|| format!("new server {}", s.0 + 1))
    };
    let close = super::click(&props.on_close);
    let body = match &pic {
        Err(e) => html! { <p class="problem">{ e }</p> },
        Ok(p) => {
            let circle = !p.points.is_empty();
            let arcs = if circle {
                // The arc ending at each point belongs to that point's server.
                let mut out = Vec::with_capacity(p.points.len());
                for (i, &(f, s)) in p.points.iter().enumerate() {
                    let prev = if i == 0 {
                        p.points[p.points.len() - 1].0 - 1.0
                    } else {
                        p.points[i - 1].0
                    };
                    let (x0, y0) = at(prev, R);
                    let (x1, y1) = at(f, R);
                    let large = if f - prev > 0.5 { 1 } else { 0 };
                    out.push(html! {
                        <path d={format!("M{x0:.2} {y0:.2}A{R} {R} 0 {large} 1 {x1:.2} {y1:.2}")}
                              stroke={colour(s)} class="ring-arc" />
                    });
                }
                out
            } else {
                Vec::new()
            };
            let moved_count = p.moved.iter().filter(|&&m| m).count();
            html! {
                <>
                    if circle {
                        <svg class="ring-svg" viewBox="-180 -180 360 360" role="img" data-testid="ring-circle"
                             aria-label={format!("Hash ring with {} virtual nodes; {} of {} sample keys moved",
                                                 p.points.len(), moved_count, p.keys.len())}>
                            { for arcs }
                            { for p.points.iter().map(|&(f, s)| {
                                let (x0, y0) = at(f, R - 6.0);
                                let (x1, y1) = at(f, R + 6.0);
                                html! { <line x1={format!("{x0:.2}")} y1={format!("{y0:.2}")} x2={format!("{x1:.2}")}
                                              y2={format!("{y1:.2}")} stroke={colour(s)} class="ring-vnode" /> }
                            }) }
                            { for p.keys.iter().zip(&p.moved).map(|(&(f, s), &moved)| {
                                let (x, y) = at(f, if moved { R - 26.0 } else { R - 16.0 });
                                html! { <circle cx={format!("{x:.2}")} cy={format!("{y:.2}")}
                                                r={if moved { "3.2" } else { "1.8" }} fill={colour(s)}
                                                class={classes!("ring-key", moved.then_some("moved"))} /> }
                            }) }
                            <text x="0" y="-4" text-anchor="middle" class="ring-caption">
                                { format!("{} vnodes", p.points.len()) }
                            </text>
                            <text x="0" y="14" text-anchor="middle" class="ring-caption">
                                { format!("{} keys", p.keys.len()) }
                            </text>
                        </svg>
                    } else {
                        <p class="hint">{ "This algorithm has no circle: keys map to servers by a function. \
                            Its shares and key movement are below." }</p>
                    }
                    <ul class="ring-shares" data-testid="ring-shares">
                        { for p.shares.iter().map(|&(s, f)| html! {
                            <li>
                                <span class="swatch-dot" style={format!("background:{}", colour(s))}></span>
                                <span class="util-label">{ name(s) }</span>
                                <span class="bar"><span class="fill" style={format!("width:{:.1}%;background:{}", f * 100.0, colour(s))}></span></span>
                                <span class="util-value">{ format!("{:.1}%", f * 100.0) }</span>
                            </li>
                        }) }
                    </ul>
                    if let (Some(m), Some(e)) = (p.moved_fraction, p.expected) {
                        <p class="ring-moved" data-testid="ring-moved" role="status">
                            { format!("{moved_count} of {} sample keys moved ({:.1}%); a consistent placement moves about 1/(n+1) = {:.1}%, \
                                       and only to or from the changed server. mod-N would move about {:.0}%.",
                                      p.keys.len(), m * 100.0, e * 100.0, (1.0 - e) * 100.0) }
                        </p>
                    }
                </>
            }
        }
    };
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel ring-view" role="dialog" aria-modal="true" aria-labelledby="ring-title"
                     data-testid="ring-view">
                <h2 id="ring-title">{ format!("Ring view: {}", props.title) }</h2>
                <div class="row-buttons">
                    <label>{ "Algorithm " }
                        <select onchange={on_algo} data-testid="ring-algo">
                            { for [("ring", "classic ring"), ("jump", "jump hash"), ("rendezvous", "rendezvous (HRW)"),
                                   ("maglev", "Maglev"), ("modn", "hash mod N")].iter().map(|(v, l)| html! {
                                <option value={*v} selected={*algo == *v}>{ *l }</option>
                            }) }
                        </select>
                    </label>
                    if *algo == "ring" {
                        <label>{ "vnodes per server " }
                            <select onchange={on_vnodes}>
                                { for [1u32, 4, 16, 64, 160].iter().map(|v| html! {
                                    <option value={v.to_string()} selected={*vnodes == *v}>{ v.to_string() }</option>
                                }) }
                            </select>
                        </label>
                    }
                </div>
                <div class="row-buttons">
                    <button type="button" class="tool" data-testid="ring-add" onclick={set_delta(1)}>{ "Add a server" }</button>
                    <button type="button" class="tool" data-testid="ring-remove" onclick={set_delta(-1)}
                            disabled={n <= 1}>{ "Remove the last" }</button>
                    <button type="button" class="tool" onclick={set_delta(0)}>{ "As configured" }</button>
                </div>
                { body }
                <button type="button" class="tool" onclick={close}>{ "Close" }</button>
            </section>
        </div>
    }
}
