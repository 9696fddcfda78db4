//! The design review, live while editing: each finding names its node (a button that selects it), says why in
//! one line, and can be dismissed; dismissed findings can be brought back.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use super::click_action;
use crate::action::Action;
use crate::driver::{FindingView, Selection};

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub findings: Rc<Vec<FindingView>>,
    /// How many findings are dismissed.
    pub dismissed: usize,
    /// The document runs (the review reads the validated design; with problems there is none).
    pub runnable: bool,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Review(props: &ReviewProps) -> Html {
    let a = &props.on_action;
    let n = props.findings.len();
    html! {
        <section class="review panel" data-testid="review" aria-labelledby="review-title">
            <h2 id="review-title">{ "Design review " }<span class="count">{ format!("({n})") }</span></h2>
            if !props.runnable {
                <p class="hint">{ "The review reads a design that runs: fix the problems first." }</p>
            } else if n == 0 {
                <p class="hint" data-testid="review-clean">{ "No single points of failure or missing safeguards found." }</p>
            }
            <ul class="findings">
                { for props.findings.iter().map(|f| {
                    let select = f.node.map(|i| {
                        a.reform(move |_: MouseEvent| Action::Select(Selection::Nodes(BTreeSet::from([i]))))
                    });
                    let key = f.key.clone();
                    html! {
                        <li class={classes!("finding", f.severity)} data-testid="finding" data-rule={f.rule}
                            data-severity={f.severity}>
                            <button type="button" class="link" onclick={select} disabled={f.node.is_none()}
                                    title="Select this node">{ f.label.clone() }</button>
                            <span class="severity">{ f.severity }</span>
                            <p>{ f.reason.clone() }</p>
                            <button type="button" class="tool dismiss" data-testid="dismiss-finding"
                                    aria-label={format!("Dismiss: {}", f.reason)}
                                    onclick={a.reform(move |_: MouseEvent| Action::DismissFinding(key.clone()))}>
                                { "Dismiss" }</button>
                        </li>
                    }
                }) }
            </ul>
            if props.dismissed > 0 {
                <button type="button" class="tool" data-testid="restore-findings"
                        onclick={click_action(a, || Action::RestoreFindings)}>
                    { format!("Show {} dismissed", props.dismissed) }</button>
            }
        </section>
    }
}
