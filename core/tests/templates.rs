//! The classic-design templates (`presets/1NN-*.json`, issue #23): each one's sizing write-up and its scenario
//! agree, and each runs clean.
//!
//! For every template: its `sizing` is valid; the clients' rates add up to the plan's peak (within 1%) and
//! their read:write mix is the sizing's ratio; its description quotes the plan's sizing line and the tier
//! suggestions word for word (both generated from the plan, so an edited rate, ratio or tier shows up here);
//! docs/templates.md quotes the same peak; and a run with the template's seed ends with no failed call and no
//! failed background task.

use switchyard_core::capacity::{self, Sizing};
use switchyard_core::scenario::v1::{NodeSpec, Workload};
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::{presets, Sim};

/// The templates: presets numbered 100 to 199.
fn templates() -> Vec<(&'static str, Scenario)> {
    presets::ALL
        .iter()
        .filter(|(stem, _)| {
            stem.split('-')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| (100..200).contains(&n))
        })
        .map(|&(stem, json)| (stem, scenario::parse(json).unwrap_or_else(|e| panic!("{stem}: {e}"))))
        .collect()
}

fn docs() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/templates.md")).unwrap()
}

/// Each client's workload (its own, else the scenario's).
fn client_workloads(s: &Scenario) -> Vec<(&str, &Workload)> {
    s.nodes
        .iter()
        .filter_map(|n| match &n.spec {
            NodeSpec::Client(c) => Some((n.id.as_str(), c.workload.as_ref().unwrap_or(&s.workload))),
            _ => None,
        })
        .collect()
}

fn within_1pct(got: f64, want: f64) -> bool {
    (got - want).abs() <= 0.01 * want.abs()
}

/// The section of docs/templates.md about `stem`: from the heading naming it to the next heading.
fn section<'a>(docs: &'a str, stem: &str) -> Option<&'a str> {
    let start = docs.find(&format!("## {stem}"))?;
    let rest = &docs[start + 3..];
    Some(&docs[start..start + 3 + rest.find("\n## ").unwrap_or(rest.len())])
}

/// Whether a template's write-up, its scenario and its docs section agree: the first disagreement.
fn agree(stem: &str, s: &Scenario, docs: &str) -> Result<(), String> {
    let sizing: &Sizing = s.sizing.as_ref().ok_or("no sizing block")?;
    sizing.check().map_err(|e| e.to_string())?;
    let plan = capacity::plan(sizing);
    let clients = client_workloads(s);
    if clients.is_empty() {
        return Err("no client".into());
    }
    let total: f64 = clients.iter().map(|(_, w)| capacity::nominal_rps(&w.arrival)).sum();
    if !within_1pct(total, plan.peak_rps) {
        return Err(format!(
            "the clients send {total} req/s, the plan's peak is {} req/s",
            plan.peak_rps
        ));
    }
    for (id, w) in &clients {
        let m = &w.mix;
        let writes = m.api_write + m.background_job;
        // The write share, the small side of a read-heavy mix, so that 1% means something.
        let fraction = writes / (writes + m.static_asset + m.api_read);
        let want = 1.0 - plan.read_fraction;
        if !within_1pct(fraction, want) {
            return Err(format!(
                "client {id} writes {fraction} of its calls (reads the rest), the plan {want}"
            ));
        }
    }
    let line = capacity::summary(sizing, &plan);
    if !s.description.contains(&format!("Sizing: {line}")) {
        return Err(format!("the description does not quote the plan: Sizing: {line}"));
    }
    let tiers = capacity::tiers_summary(&capacity::suggest(&plan, s));
    if !s.description.contains(&tiers) {
        return Err(format!("the description does not quote the tiers: {tiers}"));
    }
    if !s.description.contains("Try breaking: ") {
        return Err("the description does not say what to try breaking".into());
    }
    let section = section(docs, stem).ok_or_else(|| format!("docs/templates.md has no \"## {stem}\" section"))?;
    let peak = format!("{} req/s at peak", capacity::rate(plan.peak_rps));
    if !section.contains(&peak) || !section.contains(&tiers) {
        return Err(format!(
            "docs/templates.md's {stem} section does not quote \"{peak}\" and \"{tiers}\""
        ));
    }
    Ok(())
}

#[test]
fn there_are_eight_templates() {
    let stems: Vec<&str> = templates().iter().map(|t| t.0).collect();
    assert_eq!(
        stems,
        [
            "100-url-shortener",
            "101-news-feed",
            "102-chat-websockets",
            "103-video-streaming-cdn",
            "104-ride-hailing-geo-shards",
            "105-checkout-queue-payments",
            "106-rate-limited-api",
            "107-web-crawler",
        ]
    );
}

#[test]
fn each_templates_write_up_and_scenario_agree() {
    let docs = docs();
    for (stem, s) in templates() {
        agree(stem, &s, &docs).unwrap_or_else(|e| panic!("{stem}: {e}"));
    }
}

#[test]
fn the_agreement_check_notices_an_edited_rate_ratio_or_doc() {
    let docs = docs();
    let (stem, s) = templates().remove(0);
    // One client 2% faster: the total is off the plan's peak.
    let mut faster = s.clone();
    let w = faster.nodes.iter_mut().find_map(|n| match &mut n.spec {
        NodeSpec::Client(c) => Some(c.workload.get_or_insert_with(|| s.workload.clone())),
        _ => None,
    });
    let w = w.unwrap();
    let rate = capacity::nominal_rps(&w.arrival);
    w.arrival = scenario::v1::Arrival::Poisson { rate_rps: rate * 1.02 };
    assert!(agree(stem, &faster, &docs).unwrap_err().contains("the clients send"));
    // The sizing says more users: the clients, and the description, no longer match it.
    let mut more_users = s.clone();
    more_users.sizing.as_mut().unwrap().daily_active_users *= 1.5;
    assert!(agree(stem, &more_users, &docs).is_err());
    // A different read:write ratio.
    let mut ratio = s.clone();
    ratio.workload.mix.api_write *= 2.0;
    assert!(agree(stem, &ratio, &docs).unwrap_err().contains("reads"));
    // A tier added: the quoted suggestion is stale.
    let mut bigger = s.clone();
    let mut twin = bigger
        .nodes
        .iter()
        .find(|n| matches!(n.spec, NodeSpec::Database(_)))
        .unwrap()
        .clone();
    let from = bigger.edges.iter().find(|e| e.to == twin.id).unwrap().clone();
    twin.id = "twin".into();
    bigger.nodes.push(twin);
    bigger.edges.push(scenario::v1::Edge {
        to: "twin".into(),
        ..from
    });
    assert!(agree(stem, &bigger, &docs).unwrap_err().contains("tiers"));
    // Docs that quote another peak.
    let other = docs.replace(
        &format!(
            "{} req/s at peak",
            capacity::rate(capacity::plan(s.sizing.as_ref().unwrap()).peak_rps)
        ),
        "1 req/s at peak",
    );
    assert!(agree(stem, &s, &other).unwrap_err().contains("docs/templates.md"));
    assert_eq!(agree(stem, &s, &docs), Ok(()));
}

#[test]
fn each_template_runs_clean() {
    for (stem, s) in templates() {
        let (s, _) = scenario::load(&scenario::to_json_pretty(&s)).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let requests = s.duration_ms.unwrap() / 1_000.0 * capacity::plan(s.sizing.as_ref().unwrap()).peak_rps;
        assert!(
            requests <= 300_000.0,
            "{stem}: about {requests} requests, too many for the browser"
        );
        let mut sim = Sim::new(&s, s.seed).unwrap();
        sim.run_to_end();
        let r = sim.report();
        assert!(r.issued > 0, "{stem}");
        assert_eq!(
            (r.failed, r.in_flight, r.completed),
            (0, 0, r.issued),
            "{stem}: {:?}",
            r.failed_by_reason
        );
        if let Some(t) = &r.tasks {
            assert_eq!((t.failed, t.lost, t.completed), (0, 0, t.enqueued), "{stem}: {t:?}");
        }
    }
}
