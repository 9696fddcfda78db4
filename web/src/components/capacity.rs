//! The Capacity dialog: the five back-of-envelope inputs (pre-filled from the document's `sizing`, else
//! `Sizing::default`), the plan they give and each tier's suggested instances, computed live by
//! `switchyard_core::capacity`, and "Fill clients", which sends `Action::ApplySizing` (one undoable edit).

use std::rc::Rc;

use switchyard_core::capacity::{self, Sizing};
use switchyard_core::scenario::Scenario;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::action::Action;

#[derive(Properties, PartialEq)]
pub struct CapacityDialogProps {
    pub doc: Rc<Scenario>,
    pub on_action: Callback<Action>,
    pub on_close: Callback<()>,
}

/// The inputs: (id, label, unit, value of a sizing).
const FIELDS: [(&str, &str, &str); 6] = [
    ("dau", "Daily active users", ""),
    ("per-user", "Requests per user a day", ""),
    ("reads-per-write", "Reads per write", ":1"),
    ("object-bytes", "Object size", "bytes"),
    ("peak", "Peak over average", "×"),
    ("retention", "Retention", "days"),
];

fn values(s: &Sizing) -> [String; 6] {
    [
        s.daily_active_users.to_string(),
        s.requests_per_user.to_string(),
        s.reads_per_write.to_string(),
        s.object_bytes.to_string(),
        s.peak_factor.to_string(),
        s.retention().to_string(),
    ]
}

/// The sizing the inputs spell, or what is wrong with them.
fn sizing(v: &[String; 6]) -> Result<Sizing, String> {
    let mut n = [0.0; 6];
    for (i, text) in v.iter().enumerate() {
        n[i] = crate::num::parse_f64(text).ok_or_else(|| format!("{}: not a number", FIELDS[i].1))?;
    }
    let s = Sizing {
        daily_active_users: n[0],
        requests_per_user: n[1],
        reads_per_write: n[2],
        object_bytes: n[3],
        peak_factor: n[4],
        // The default retention stays implicit, so filling the clients changes only what the reader changed.
        retention_days: (n[5] != capacity::DEFAULT_RETENTION_DAYS).then_some(n[5]),
    };
    s.check().map_err(|e| e.to_string())?;
    Ok(s)
}

#[component]
pub fn CapacityDialog(props: &CapacityDialogProps) -> Html {
    let start = props.doc.sizing.clone().unwrap_or_default();
    let inputs = use_state(|| values(&start));
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with((), move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let close = props.on_close.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            close.emit(());
        }
    });
    let result = sizing(&inputs);
    let fill = {
        let (a, close, result) = (props.on_action.clone(), props.on_close.clone(), result.clone());
        Callback::from(move |_: MouseEvent| {
            if let Ok(s) = &result {
                a.emit(Action::ApplySizing(s.clone()));
                close.emit(());
            }
        })
    };
    let field = |i: usize| {
        let (id, label, unit) = FIELDS[i];
        let oninput = {
            let inputs = inputs.clone();
            Callback::from(move |e: InputEvent| {
                let mut v = (*inputs).clone();
                v[i] = e.target_unchecked_into::<HtmlInputElement>().value();
                inputs.set(v);
            })
        };
        let input_id = format!("capacity-{id}");
        html! {
            <label for={input_id.clone()}>
                { label }
                <input id={input_id} type="number" min="0" step="any" value={inputs[i].clone()} {oninput}
                       ref={if i == 0 { first.clone() } else { NodeRef::default() }} />
                { unit }
            </label>
        }
    };
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel capacity" role="dialog" aria-modal="true" aria-labelledby="capacity-title"
                     data-testid="capacity" {onkeydown}>
                <h2 id="capacity-title">{ "Capacity" }</h2>
                <p class="hint">{ "Back-of-envelope sizing: daily users to requests per second, storage, bandwidth \
                                   and instances per tier at 70% busy (caches assumed cold)." }</p>
                <div class="capacity-inputs">{ for (0..FIELDS.len()).map(field) }</div>
                { match &result {
                    Ok(s) => {
                        let plan = capacity::plan(s);
                        let tiers = capacity::suggest(&plan, &props.doc);
                        html! {
                            <>
                                <p data-testid="capacity-plan" aria-live="polite">{ capacity::summary(s, &plan) }</p>
                                if !tiers.is_empty() {
                                    <ul data-testid="capacity-tiers">
                                        { for capacity::tiers_detail(&tiers).into_iter().map(|l| html! { <li>{ l }</li> }) }
                                    </ul>
                                }
                            </>
                        }
                    }
                    Err(e) => html! { <p class="bad" role="alert" data-testid="capacity-error">{ e.clone() }</p> },
                } }
                <button type="button" class="tool" data-testid="capacity-fill" disabled={result.is_err()} onclick={fill}
                        title="Set the clients' rates to the peak and their read mix to the ratio (undoable)">
                    { "Fill clients" }
                </button>
                <button type="button" class="tool" onclick={super::click(&props.on_close)}>{ "Close" }</button>
            </section>
        </div>
    }
}
