//! Guided tours in a real browser: a tour from a link plays step by step in the editor (narration as text,
//! focus and highlight, Back showing exactly what Next showed), the same tour plays as a story embed in a
//! sandboxed frame on a page of another origin, forward and back, also under reduced motion; and the shipped
//! tours open from the side panel.

use serde_json::Value;
use switchyard_core::presets;
use switchyard_core::scenario::v1::{Tour, TourAction, TourMetric, TourStep};
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use switchyard_e2e::{Context, Harness, Result};
use xtask::static_server::StaticServer;

/// The share dialog's embed sandbox (see share.rs).
const SANDBOX: &str = "allow-scripts allow-popups allow-popups-to-escape-sandbox";

/// Preset 03 (a balancer and three servers) with a three-step tour: watch, crash `app1`, open preset 01.
fn toured() -> Scenario {
    let (_, json) = presets::ALL.iter().find(|(id, _)| id.starts_with("03")).unwrap();
    let mut doc = scenario::parse(json).unwrap();
    doc.tour = Some(Tour {
        title: "Three servers, then one".into(),
        steps: vec![
            TourStep {
                title: "Spread".into(),
                text: "The **balancer** spreads requests over `app1`, `app2` and `app3`.".into(),
                actions: vec![
                    TourAction::PlayTo { at_ms: 1500.0 },
                    TourAction::Focus {
                        nodes: vec!["lb".into()],
                    },
                    TourAction::Highlight {
                        metric: TourMetric::Throughput,
                    },
                ],
                wait_ms: Some(300.0),
            },
            TourStep {
                title: "A crash".into(),
                text: "<b>app1</b> <script>window.pwned=1</script> goes *down*; the balancer routes around it.".into(),
                actions: vec![
                    TourAction::Crash { node: "app1".into() },
                    TourAction::PlayTo { at_ms: 3000.0 },
                    TourAction::Focus {
                        nodes: vec!["app1".into(), "lb".into()],
                    },
                    TourAction::Highlight {
                        metric: TourMetric::Failed,
                    },
                ],
                wait_ms: Some(300.0),
            },
            TourStep {
                title: "One server".into(),
                text: "Where it all began: *one* server.".into(),
                actions: vec![
                    TourAction::Open {
                        preset: "01-single-server".into(),
                    },
                    TourAction::PlayTo { at_ms: 1000.0 },
                ],
                wait_ms: Some(300.0),
            },
        ],
    });
    doc
}

/// Waits until the tour shows step `k` (from 0) and the step has arrived; returns the metrics and node states
/// the page shows then.
async fn at_step(h: &Harness, k: usize) -> Result<Value> {
    h.poll(
        &format!(
            "const t = document.querySelector('[data-testid=tour]'); \
             return !!t && t.dataset.step === '{k}' && t.dataset.arrived === 'true'"
        ),
        |v| v.as_bool() == Some(true),
    )
    .await?;
    h.eval(
        "const q = s => { const e = document.querySelector(s); return e ? e.textContent : null; }; \
         return { count: q('[data-testid=tour-count]'), completed: q('[data-testid=completed]'), \
                  failed: q('[data-testid=failed]'), p99: q('[data-testid=p99]'), \
                  nodes: [...document.querySelectorAll('[data-testid=canvas] [data-node]')] \
                         .map(n => n.dataset.node + ':' + n.dataset.up + ':' + n.classList.contains('focus')) }",
    )
    .await
}

/// Asserts a step's state shows the node `id:up:focused` (as [`at_step`] lists them).
fn shows(step: &Value, node: &str) {
    let nodes = step["nodes"].as_array().expect("the nodes");
    assert!(nodes.iter().any(|n| n == node), "{node} not in {step}");
}

#[tokio::test]
async fn a_tour_from_a_link_steps_forward_and_back_in_the_editor() -> Result<()> {
    let h = Harness::start().await?;
    h.open(&format!("/#s={}", share::encode(&toured()))).await?;
    let first = at_step(&h, 0).await?;
    assert_eq!(first["count"], "Step 1 of 3");
    shows(&first, "lb:true:true");
    let strong = h
        .eval("return document.querySelector('[data-testid=tour-text] strong').textContent")
        .await?;
    assert_eq!(strong, "balancer");
    let highlighted = h
        .eval("return document.querySelector('.readouts .highlight [data-testid]').dataset.testid")
        .await?;
    assert_eq!(highlighted, "throughput");

    h.click("[data-testid=tour-next]").await?;
    let second = at_step(&h, 1).await?;
    shows(&second, "app1:false:true");
    // The narration's markup-like text is text: no element made of it, no script run.
    let text = h
        .eval(
            "const t = document.querySelector('[data-testid=tour-text]'); \
             return [t.querySelector('b, script') === null, t.textContent, window.pwned === undefined]",
        )
        .await?;
    assert_eq!(text[0], true);
    assert!(text[1]
        .as_str()
        .unwrap()
        .contains("<b>app1</b> <script>window.pwned=1</script>"));
    assert_eq!(text[2], true);
    h.screenshot("tour-step-crash").await?;

    h.click("[data-testid=tour-next]").await?;
    let third = at_step(&h, 2).await?;
    assert_eq!(
        third["nodes"].as_array().unwrap().len(),
        2,
        "preset 01 has two nodes: {third}"
    );
    h.click("[data-testid=tour-back]").await?;
    assert_eq!(at_step(&h, 1).await?, second, "Back shows exactly what Next showed");
    h.click("[data-testid=tour-back]").await?;
    assert_eq!(at_step(&h, 0).await?, first);

    // Leaving the tour gives the tour's document back, and its link still carries the tour.
    h.click("[data-testid=tour-exit]").await?;
    h.wait_for("[data-testid=tour-play]").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Serves a page of another origin holding `frame` (iframe markup) and enters the frame.
async fn host(h: &Harness, name: &str, frame: &str) -> Result<(StaticServer, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("switchyard-e2e-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating the host page's dir")?;
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html><head><link rel=\"icon\" href=\"data:,\"></head><body>\
             <h1 id=post>A post about load balancers</h1>{frame}<p id=after>More prose.</p></body></html>"
        ),
    )
    .context("writing the host page")?;
    let server = StaticServer::start(&dir, 0).context("serving the host page")?;
    h.client().goto(&server.url()).await.context("opening the host page")?;
    h.poll(
        "const f = document.querySelector('iframe'); return !!f && !!f.contentWindow",
        |v| v.as_bool() == Some(true),
    )
    .await?;
    h.client().enter_frame(0).await.context("entering the embed")?;
    Ok((server, dir))
}

/// The story embed, sandboxed on a page of another origin: Next and Back step through the tour and Back shows
/// exactly what Next showed; under reduced motion Next lands on the step at once, with the same state.
#[tokio::test]
async fn a_story_embed_on_another_origin_steps_forward_and_back() -> Result<()> {
    for reduced in [false, true] {
        let cors = vec![("Access-Control-Allow-Origin".into(), "*".into())];
        let h = Harness::start_with(
            cors,
            if reduced {
                &["--force-prefers-reduced-motion"]
            } else {
                &[]
            },
        )
        .await?;
        let src = h.url(&format!("/?embed=story#s={}", share::encode(&toured())));
        let frame = format!("<iframe src=\"{src}\" width=\"800\" height=\"600\" sandbox=\"{SANDBOX}\"></iframe>");
        let (server, dir) = host(&h, if reduced { "story-reduced" } else { "story" }, &frame).await?;
        let first = at_step(&h, 0).await?;
        assert!(
            h.eval("return document.querySelector('[data-testid=tour-exit]') === null")
                .await?
                == true,
            "an embed has no Leave"
        );
        h.click("[data-testid=tour-next]").await?;
        let second = at_step(&h, 1).await?;
        // Under reduced motion no request dots are drawn on the way; otherwise the step's stretch animates.
        let dots = h
            .eval("return document.querySelector('[data-testid=dots]').dataset.dots")
            .await?;
        if reduced {
            assert_eq!(dots, "0", "no request dots under reduced motion");
        }
        shows(&second, "app1:false:true");
        if !reduced {
            h.screenshot("tour-story-embed").await?;
        }
        h.click("[data-testid=tour-back]").await?;
        assert_eq!(
            at_step(&h, 0).await?,
            first,
            "Back in the embed (reduced motion {reduced})"
        );
        h.click("[data-testid=tour-next]").await?;
        assert_eq!(at_step(&h, 1).await?, second);
        // The host page is untouched by the widget.
        h.client().enter_parent_frame().await.context("leaving the embed")?;
        let host_text = h.eval("return document.getElementById('after').textContent").await?;
        assert_eq!(host_text, "More prose.");
        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
        h.close().await?;
    }
    Ok(())
}

/// The shipped tours open from the side panel and play every step to the end (under reduced motion, so each
/// step is replayed at once: the animated path is the first test's, and core's tests step every shipped tour).
#[tokio::test]
async fn the_shipped_tours_open_from_the_side_panel() -> Result<()> {
    let h = Harness::start_with(Vec::new(), &["--force-prefers-reduced-motion"]).await?;
    h.open("/").await?;
    for &(id, _) in switchyard_core::tour::TITLES {
        h.click(&format!("[data-tour={id}]")).await?;
        at_step(&h, 0).await?;
        let steps = h
            .eval("return document.querySelector('[data-testid=tour-count]').textContent")
            .await?;
        let n: usize = steps
            .as_str()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|s| s.parse().ok())
            .expect("Step 1 of N");
        for k in 1..n {
            h.click("[data-testid=tour-next]").await?;
            at_step(&h, k).await?;
            if id == "journey" && k == 3 {
                h.screenshot("tour-journey-step").await?;
            }
        }
        h.click("[data-testid=tour-exit]").await?;
    }
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The authoring path: record a tour from the app (play, pause, crash a node, narrate, add the step, save); it
/// plays at once, and the page's link carries it.
#[tokio::test]
async fn a_tour_recorded_in_the_app_plays_and_travels_in_the_link() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let (id, _) = presets::ALL.iter().find(|(id, _)| id.starts_with("03")).unwrap();
    h.choose_preset(id).await?;
    h.click("[data-testid=tour-record]").await?;
    h.wait_for("[data-testid=recorder]").await?;
    h.click("[data-testid=step-100ms]").await?;
    h.select_node("app2").await?;
    h.wait_for("[data-testid=canvas] [data-node='app2']")
        .await?
        .send_keys("k")
        .await
        .context("crashing app2 with K")?;
    h.wait_for("[data-testid=canvas] [data-node='app2'][data-up=false]")
        .await?;
    h.click("[data-testid=step-100ms]").await?;
    let actions = h
        .poll(
            "return [...document.querySelectorAll('[data-testid=recorded-actions] li')].map(l => l.textContent)",
            |v| v.as_array().is_some_and(|a| a.len() >= 2),
        )
        .await?;
    assert!(actions.to_string().contains("crash app2"), "{actions}");
    h.wait_for("[data-testid=record-text]")
        .await?
        .send_keys("When **app2** fails, the others take its share.")
        .await
        .context("typing the narration")?;
    h.click("[data-testid=record-add]").await?;
    h.wait_for("[data-testid=record-title]")
        .await?
        .send_keys("My tour")
        .await
        .context("typing the title")?;
    h.click("[data-testid=record-save]").await?;
    let step = at_step(&h, 0).await?;
    assert_eq!(step["count"], "Step 1 of 1");
    shows(&step, "app2:false:true");
    let link = h
        .poll("return location.hash", |v| {
            v.as_str()
                .and_then(|s| s.strip_prefix("#s="))
                .and_then(|s| share::decode(s).ok())
                .is_some_and(|d| d.tour.is_some())
        })
        .await?;
    let doc = share::decode(link.as_str().unwrap().strip_prefix("#s=").unwrap()).unwrap();
    let tour = doc.tour.unwrap();
    assert_eq!(tour.title, "My tour");
    assert!(tour.steps[0]
        .actions
        .contains(&TourAction::Crash { node: "app2".into() }));
    assert!(
        doc.faults
            .iter()
            .all(|f| !matches!(f, switchyard_core::scenario::v1::Fault::Crash { node, .. } if node == "app2")),
        "the crash lives in the tour, not the fault timeline"
    );
    h.screenshot("tour-recorded").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}
