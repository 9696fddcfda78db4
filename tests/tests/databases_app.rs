//! Database engines in the browser (#21): the five presets that teach choosing a database load and run to the end
//! without console errors, and the metrics panel shows each operation's figures per client and each engine's
//! readouts (stale copies in the denormalized store, lock waits and aborts on the hot row); the inspector shows a
//! database's engine kind with its trade-off and only that kind's settings, and switching the orders' relational
//! database to key-value makes its joins fail `unsupported`. Screenshots: `databases-orders.png`,
//! `databases-hot-row.png`, `database-inspector.png` in `target/e2e/`.

use switchyard_e2e::{Context, Harness, Result};

/// The text of the element `css` (empty when it has none).
async fn text(h: &Harness, css: &str) -> Result<String> {
    Ok(h.wait_for(css).await.context(css)?.text().await.unwrap_or_default())
}

/// The first number in a readout's text, thousands separators dropped.
async fn number(h: &Harness, css: &str) -> Result<u64> {
    let t = text(h, css).await?;
    let digits: String = t
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | ' ' | '\u{2009}' | '\u{202f}'))
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().context(&format!("{css} reads {t:?}"))
}

async fn scroll_to(h: &Harness, css: &str) -> Result<()> {
    h.eval(&format!(
        "document.querySelector(\"{css}\").scrollIntoView({{block: 'center'}}); return 0"
    ))
    .await
    .map(drop)
}

#[tokio::test]
async fn the_database_presets_run_and_show_operations_and_engines() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    for (preset, dbs) in [
        ("90-db-orders", &["rel-db", "rt-db", "den-db"][..]),
        ("91-db-event-log", &["rel-db", "lsm-db"][..]),
        ("92-db-friends", &["rel-db", "graph-db"][..]),
        ("93-db-session-cache", &["big-db", "lru-db", "full-db"][..]),
        ("94-db-hot-row", &["hot-db", "even-db"][..]),
    ] {
        h.choose_preset(preset).await?;
        h.click("[data-testid=run-to-end]").await?;
        h.wait_for("[data-testid=clock] .done").await.context(preset)?;
        let by_op = text(&h, "[data-testid=by-op]").await?;
        println!("{preset}: {by_op}");
        for db in dbs {
            h.wait_for(&format!("[data-testid=engine-{db}]"))
                .await
                .context(&format!("{preset}: engine {db}"))?;
        }
        match preset {
            "90-db-orders" => {
                let stale = number(&h, "[data-testid=engine-den-db] [data-testid=stale-copies]").await?;
                assert!(stale > 0, "denormalized copies read stale: {stale}");
                assert!(
                    h.find_all("[data-testid=engine-rel-db] [data-testid=stale-copies]")
                        .await?
                        .is_empty(),
                    "the relational store has no copies"
                );
                scroll_to(&h, "[data-testid=by-op]").await?;
                h.screenshot("databases-orders").await?;
            }
            "93-db-session-cache" => {
                let refused = number(&h, "[data-testid=engine-full-db] [data-testid=refused-full]").await?;
                assert!(refused > 0);
                let failed = text(&h, "[data-testid=failed-by-reason]").await?;
                assert!(failed.contains("out of memory"), "{failed}");
            }
            "94-db-hot-row" => {
                let aborts = number(&h, "[data-testid=engine-hot-db] [data-testid=aborts]").await?;
                let waits = number(&h, "[data-testid=engine-hot-db] [data-testid=lock-waits]").await?;
                println!("hot row: {waits} lock waits, {aborts} aborts");
                assert!(aborts > 0 && waits > aborts);
                assert!(
                    h.find_all("[data-testid=engine-even-db] [data-testid=aborts]")
                        .await?
                        .is_empty(),
                    "spread rows never abort"
                );
                let failed = text(&h, "[data-testid=failed-by-reason]").await?;
                assert!(failed.contains("aborted"), "{failed}");
                scroll_to(&h, "[data-testid=engine-hot-db]").await?;
                h.screenshot("databases-hot-row").await?;
            }
            _ => {}
        }
    }
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn the_inspector_switches_a_database_s_engine() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("90-db-orders").await?;
    h.select_node("rel-db").await?;
    let profile = h.wait_for("select[data-param='engine.profile']").await?;
    assert_eq!(profile.prop("value").await.unwrap().as_deref(), Some("relational"));
    let line = text(&h, "[data-testid=choice-line]").await?;
    assert!(line.contains("joins and transactions"), "{line}");
    assert!(!h.find_all("[data-param='engine.fanout']").await?.is_empty());
    assert!(
        h.find_all("[data-param='engine.op_ms']").await?.is_empty(),
        "key-value's setting hidden"
    );
    profile
        .select_by_value("key_value")
        .await
        .context("choosing key_value")?;
    h.poll(
        "return document.querySelector('[data-param=\"engine.op_ms\"]') !== null \
         && document.querySelector('[data-param=\"engine.fanout\"]') === null",
        |v| v.as_bool() == Some(true),
    )
    .await
    .context("the key-value settings replace the B-tree ones")?;
    // The relational store's secondary indexes do not apply to a key-value store: the setting stays in view
    // beside the problem so it can be cleared, and the editor stays usable.
    h.wait_for("[data-param='engine.indexes']")
        .await
        .context("the stray setting stays in view")?;
    scroll_to(&h, "select[data-param='engine.profile']").await?;
    h.screenshot("database-inspector").await?;
    h.eval(
        "const el = document.querySelector('[data-param=\"engine.indexes\"]'); el.value = ''; \
         el.dispatchEvent(new Event('input', {bubbles: true})); \
         el.dispatchEvent(new Event('change', {bubbles: true})); return 0",
    )
    .await?;
    h.poll(
        "return document.querySelector('[data-param=\"engine.indexes\"]') === null",
        |v| v.as_bool() == Some(true),
    )
    .await
    .context("cleared, the setting goes")?;
    // Joins cannot run on a key-value store: the relational lane's joins now fail, and say why.
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    let failed = text(&h, "[data-testid=failed-by-reason]").await?;
    assert!(failed.contains("unsupported"), "{failed}");
    let unsupported = number(&h, "[data-testid=engine-rel-db] [data-testid=unsupported]").await?;
    assert!(unsupported > 0);
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;
    h.close().await
}
