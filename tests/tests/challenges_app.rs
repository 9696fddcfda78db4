//! Challenges in the browser (#22): a player opens the gallery, starts "Scale a single server to ten times the
//! traffic", runs the starting design and fails it, reveals the hints, follows the first one (a server's capacity
//! is workers / service time) by giving the server more workers in the inspector, runs it again and passes. Both
//! result cards carry the score card as JSON, compared byte for byte with core's `challenge::score` (the function
//! `switchyard challenge check` prints; `cli/tests/challenge_cli.rs` checks the CLI prints it). The progress shows
//! in the gallery, the solution's share link replays it inside the challenge in a fresh page, and the design
//! review lists the single server as a single point of failure and can dismiss it. Screenshots:
//! `challenge-gallery.png`, `challenge-goals-mid-run.png`, `challenge-result-fail.png`,
//! `challenge-result-pass.png`, `design-review.png` in `target/e2e/`.

use switchyard_core::challenge;
use switchyard_e2e::{Context, Harness, Result};

const ID: &str = "scale-10x";

async fn attr(h: &Harness, css: &str, name: &str) -> Result<String> {
    Ok(h.wait_for(css)
        .await?
        .attr(name)
        .await
        .context(name)?
        .unwrap_or_default())
}

/// The document the page shows, from its share link (the address bar's fragment, updated within a second of an
/// edit), once it is one `accept` takes.
async fn page_doc(
    h: &Harness,
    accept: impl Fn(&switchyard_core::scenario::Scenario) -> bool,
) -> Result<switchyard_core::scenario::Scenario> {
    let decode = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.strip_prefix("#s="))
            .and_then(|s| switchyard_core::share::decode(s).ok())
    };
    let hash = h
        .poll("return location.hash", |v| decode(v).is_some_and(|d| accept(&d)))
        .await?;
    decode(&hash).ok_or("no scenario").context("the page's link")
}

/// Runs the attempt to the end and returns the result card's score JSON.
async fn run_and_score(h: &Harness) -> Result<String> {
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=result-card]")
        .await
        .context("the result card")?;
    attr(h, "[data-testid=result-card]", "data-score").await
}

#[tokio::test]
async fn a_player_fails_takes_a_hint_and_passes() -> Result<()> {
    let ch = challenge::parse(challenge::get(ID).unwrap()).unwrap();
    let h = Harness::start().await?;
    h.open("/").await?;

    // The gallery, by level, every challenge new.
    h.click("[data-testid=challenges]").await?;
    h.wait_for("[data-testid=challenge-gallery]").await?;
    let items = h.find_all("[data-testid=challenge-item]").await?;
    assert!(items.len() >= 15, "{} challenges in the gallery", items.len());
    h.screenshot("challenge-gallery").await?;
    // Keyboard: the gallery takes the focus on its first challenge, and Escape closes it.
    let focused = h
        .poll("return document.activeElement?.dataset?.challenge ?? null", |v| {
            v.is_string()
        })
        .await?;
    assert_eq!(focused.as_str(), Some(ID), "the easiest challenge has the focus");
    h.client()
        .active_element()
        .await
        .context("the focused element")?
        .send_keys(&fantoccini::key::Key::Escape.to_string())
        .await
        .context("pressing Escape")?;
    h.poll(
        "return document.querySelector('[data-testid=challenge-gallery]') === null",
        |v| v.as_bool() == Some(true),
    )
    .await
    .context("Escape closes the gallery")?;
    h.click("[data-testid=challenges]").await?;
    h.click(&format!("[data-testid=challenge-item][data-challenge='{ID}']"))
        .await?;
    h.wait_for(&format!("[data-testid=challenge-panel][data-challenge='{ID}']"))
        .await?;
    assert!(
        h.find_all("[data-testid=challenge-gallery]").await?.is_empty(),
        "the gallery closed"
    );

    // Mid-run, the goal panel fills in from the run being played.
    h.click("[data-testid=play]").await?;
    h.poll_number("return document.querySelectorAll('[data-testid=goal]').length", |n| {
        n == ch.goals.len() as f64
    })
    .await?;
    h.poll(
        "return document.querySelector('[data-testid=clock]').textContent",
        |v| v.as_str().is_some_and(|t| !t.starts_with("0:00.0")),
    )
    .await
    .context("the run plays")?;
    h.click("[data-testid=play]").await?;
    h.screenshot("challenge-goals-mid-run").await?;

    // The starting design fails, and the card is core's score card, byte for byte.
    let card = run_and_score(&h).await?;
    let want = challenge::score(&ch, &ch.start).unwrap().to_json();
    assert_eq!(card, want, "the app's score card is the CLI's");
    assert_eq!(attr(&h, "[data-testid=result-card]", "data-solved").await?, "false");
    h.screenshot("challenge-result-fail").await?;
    h.click("[data-testid=result-close]").await?;

    // The hints, one at a time.
    h.click("[data-testid=hint]").await?;
    h.click("[data-testid=hint]").await?;
    let hints = h.find_all("[data-testid=hints] li").await?;
    assert_eq!(hints.len(), 2.min(ch.hints.len()));
    let first = hints[0].text().await.unwrap_or_default();
    assert!(first.contains("workers / service time"), "{first}");

    // Following it: 4 workers at 15 ms serve about 267 requests/s; 40 serve about 2,667, enough for 2,500.
    h.select_node("server").await?;
    let workers = h.wait_for("input[data-param=workers]").await?;
    workers.clear().await.context("clearing workers")?;
    workers.send_keys("40\t").await.context("typing 40")?;
    h.poll(
        "return document.querySelector('[data-testid=result-card]') === null",
        |v| v.as_bool() == Some(true),
    )
    .await?;
    let card = run_and_score(&h).await?;
    assert_eq!(
        attr(&h, "[data-testid=result-card]", "data-solved").await?,
        "true",
        "{card}"
    );
    let design = page_doc(&h, |d| {
        let v: serde_json::Value =
            serde_json::from_str(&switchyard_core::scenario::to_json_pretty(d)).unwrap_or_default();
        v["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|n| n["id"] == "server" && n["spec"]["workers"] == 40)
    })
    .await?;
    assert_eq!(design.challenge.as_deref(), Some(ID), "the link names the challenge");
    assert_eq!(
        card,
        challenge::score(&ch, &design).unwrap().to_json(),
        "the app's score card for the edited design is the CLI's"
    );
    h.screenshot("challenge-result-pass").await?;
    h.click("[data-testid=result-close]").await?;

    // The gallery remembers.
    h.click("[data-testid=challenge-gallery-open]").await?;
    let badge = h
        .wait_for(&format!("[data-testid=challenge-item][data-challenge='{ID}'] .badge"))
        .await?
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(badge, "solved");
    h.click("[data-testid=gallery-close]").await?;

    // The design review: one server is a single point of failure; dismissing hides it, and it can come back.
    let before = h.find_all("[data-testid=finding]").await?.len();
    assert!(
        !h.find_all("[data-testid=finding][data-rule=single_point_of_failure]")
            .await?
            .is_empty(),
        "the single server is a single point of failure"
    );
    h.eval("document.querySelector('[data-testid=review]').scrollIntoView({block: 'start'}); return 0")
        .await?;
    h.screenshot("design-review").await?;
    h.click("[data-testid=finding] [data-testid=dismiss-finding]").await?;
    h.poll_number(
        "return document.querySelectorAll('[data-testid=finding]').length",
        |n| n == (before - 1) as f64,
    )
    .await?;
    h.click("[data-testid=restore-findings]").await?;
    h.poll_number(
        "return document.querySelectorAll('[data-testid=finding]').length",
        |n| n == before as f64,
    )
    .await?;
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;

    // The solution's link, opened in a fresh page, replays it inside the challenge.
    let link = switchyard_core::share::encode(&design);
    let h2 = Harness::start().await?;
    h2.open(&format!("/#s={link}")).await?;
    h2.wait_for(&format!("[data-testid=challenge-panel][data-challenge='{ID}']"))
        .await?;
    assert_eq!(run_and_score(&h2).await?, card, "the link replays the same score");
    h2.assert_no_console_errors().await?;
    h2.close().await?;
    h.close().await
}
