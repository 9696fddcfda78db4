//! The event log: what happened to the system (crashes, recoveries, health checks), newest first, announced
//! politely to screen readers.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// Oldest first, keyed by a running number.
    pub lines: Vec<(u64, String)>,
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    html! {
        <section class="event-log panel" aria-labelledby="log-title">
            <h2 id="log-title">{ "Event log" }</h2>
            <ol aria-live="polite" data-testid="event-log">
                { for props.lines.iter().rev().map(|(key, line)| html! { <li key={*key}>{ line }</li> }) }
            </ol>
            if props.lines.is_empty() {
                <p class="hint">{ "Crashes, recoveries and their effects are narrated here. Select a node and press K (or Crash now) to break it." }</p>
            }
        </section>
    }
}
