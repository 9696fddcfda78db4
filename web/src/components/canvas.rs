//! The canvas region: an SVG surface that the topology editor will draw on. Empty for now.

use yew::prelude::*;

#[component]
pub fn Canvas() -> Html {
    html! {
        <main class="canvas-region" data-testid="canvas-region">
            <svg class="canvas" data-testid="canvas" role="img" aria-label="Topology canvas"
                 xmlns="http://www.w3.org/2000/svg" width="100%" height="100%">
                <defs>
                    <pattern id="grid-dots" width="24" height="24" patternUnits="userSpaceOnUse">
                        <circle cx="1" cy="1" r="1" class="grid-dot" />
                    </pattern>
                </defs>
                <rect width="100%" height="100%" fill="url(#grid-dots)" />
                <text x="50%" y="50%" text-anchor="middle" class="canvas-empty">
                    { "Empty topology" }
                </text>
            </svg>
        </main>
    }
}
