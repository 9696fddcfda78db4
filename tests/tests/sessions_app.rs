//! Sessions in the browser (#20): the same system under the same web server crash with sessions in server
//! memory, in a shared store and in signed tokens. Run to the end, the metrics panel shows the users, the
//! sessions still logged in, the sessions lost and the requests that found their user logged out: only the
//! memory variant loses any. Screenshots: `sessions-memory.png`, `sessions-shared.png`, `sessions-token.png`
//! in `target/e2e/`.

use switchyard_e2e::{Context, Harness, Result};

/// A readout's number, digits only (thousands are grouped with thin spaces or commas).
async fn number(h: &Harness, testid: &str) -> Result<u64> {
    let t = h
        .wait_for(&format!("[data-testid={testid}]"))
        .await
        .context(&format!("the {testid} readout"))?
        .text()
        .await
        .unwrap_or_default();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    digits.parse().context(&format!("{testid} reads {t:?}"))
}

#[tokio::test]
async fn only_sessions_in_server_memory_are_lost_with_the_server() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let mut lost = Vec::new();
    for (preset, shot) in [
        ("70-sessions-sticky", "sessions-memory"),
        ("71-sessions-shared-store", "sessions-shared"),
        ("72-sessions-token", "sessions-token"),
    ] {
        h.choose_preset(preset).await?;
        h.click("[data-testid=run-to-end]").await?;
        h.wait_for("[data-testid=clock] .done").await?;
        let users = h
            .wait_for("[data-testid=sessions]")
            .await?
            .text()
            .await
            .unwrap_or_default();
        println!("{preset}: users · logged in = {users}");
        let (l, out) = (number(&h, "sessions-lost").await?, number(&h, "logged-out").await?);
        println!("{preset}: lost {l}, logged out {out}");
        lost.push((l, out));
        h.eval(
            "document.querySelector('[data-testid=sessions-lost]').scrollIntoView({block: 'center'});
             return 0",
        )
        .await?;
        h.screenshot(shot).await?;
    }
    let (memory, shared, token) = (lost[0], lost[1], lost[2]);
    assert!(
        memory.0 > 0 && memory.1 > 0,
        "the crash logs memory sessions' users out: {memory:?}"
    );
    assert_eq!(shared, (0, 0), "the shared store survives the web server's crash");
    assert_eq!(token, (0, 0), "tokens live in no server");
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;
    h.close().await
}
