//! Challenges (#22, the format and scoring): every bundled challenge's reference solution meets every goal and its
//! starting design misses at least one; a score is the same bytes every time; the traffic, faults, seed and
//! clients are the challenge's whatever the design says, and so are the settings `locked_params` names (a
//! faster or bigger machine, a cheaper price, an engine's page time are put back); malformed challenges are typed
//! errors; the cheap ways out a challenge guards against with goals (an unplugged server, more servers, a bad
//! delivery mode listed beside a good one) fail the goal that guards them.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::challenge::{self, ChallengeError};

fn bundled() -> Vec<(&'static str, challenge::Challenge)> {
    challenge::ALL
        .iter()
        .map(|&(id, text)| (id, challenge::parse(text).unwrap_or_else(|e| panic!("{id}: {e}"))))
        .collect()
}

#[test]
fn every_reference_solves_its_challenge_and_every_start_does_not() {
    assert!(!challenge::ALL.is_empty());
    for (id, ch) in bundled() {
        assert_eq!(ch.id, id, "the file's id is its name");
        let reference = challenge::score(&ch, &ch.reference).unwrap();
        assert!(reference.solved, "{id}: the reference fails: {reference:?}");
        assert_eq!(reference.score, 100);
        let start = challenge::score(&ch, &ch.start).unwrap();
        assert!(!start.solved, "{id}: the starting design already passes: {start:?}");
        assert!(start.score < 100);
    }
}

#[test]
fn a_score_is_the_same_bytes_every_time() {
    for (_, ch) in bundled() {
        let a = challenge::score(&ch, &ch.reference).unwrap().to_json();
        let b = challenge::score(&ch, &ch.reference).unwrap().to_json();
        assert_eq!(a, b);
    }
}

fn scale() -> Value {
    serde_json::from_str(challenge::get("scale-10x").unwrap()).unwrap()
}

#[test]
fn the_traffic_seed_and_clients_are_locked() {
    let ch = challenge::parse(&scale().to_string()).unwrap();
    let honest = challenge::score(&ch, &ch.start).unwrap();
    // A design that quietly lowers the traffic, changes the seed and the client's timeout is scored as if it
    // had not: its score card is the start's, byte for byte.
    let mut cheat = scale()["start"].clone();
    cheat["workload"]["arrival"]["rate_rps"] = json!(10);
    cheat["seed"] = json!(12345);
    cheat["duration_ms"] = json!(1000);
    cheat["nodes"][0]["spec"]["timeout_ms"] = json!(100000);
    let cheat = switchyard_core::scenario::parse(&cheat.to_string()).unwrap();
    assert_eq!(challenge::score(&ch, &cheat).unwrap().to_json(), honest.to_json());
    // Dropping the client the traffic comes from is an error that names it.
    let mut gone = scale()["reference"].clone();
    gone["nodes"][0]["id"] = json!("someone");
    gone["edges"][0]["from"] = json!("someone");
    let gone = switchyard_core::scenario::parse(&gone.to_string()).unwrap();
    assert_eq!(
        challenge::score(&ch, &gone),
        Err(ChallengeError::MissingClient("users".into()))
    );
}

#[test]
fn component_goals_count_the_design_s_nodes() {
    let mut v = scale();
    v["goals"] = json!([
        {"metric": "nodes", "kind": "load_balancer", "at_least": 1, "label": "a balancer"},
        {"metric": "nodes", "kind": "service", "at_most": 6, "label": "at most six servers"},
        {"metric": "nodes", "kind": "cache", "at_most": 0, "label": "no cache"}
    ]);
    let ch = challenge::parse(&v.to_string()).unwrap();
    let r = challenge::score(&ch, &ch.reference).unwrap();
    let measured: Vec<f64> = r.goals.iter().map(|g| g.measured).collect();
    assert_eq!(measured, [1.0, 6.0, 0.0]);
    assert!(r.solved);
    let s = challenge::score(&ch, &ch.start).unwrap();
    assert_eq!(s.passed, 2, "no balancer in the start: {s:?}");
    assert_eq!(s.score, 66);
}

#[test]
fn malformed_challenges_are_typed_errors() {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = scale();
        f(&mut v);
        challenge::parse(&v.to_string())
    };
    assert_eq!(edit(&|v| v["version"] = json!(2)), Err(ChallengeError::Version(2)));
    assert!(matches!(
        edit(&|v| v["goals"][0] = json!({"metric": "p99_ms", "label": "no bound"})),
        Err(ChallengeError::BadGoal { index: 0, .. })
    ));
    assert!(matches!(
        edit(&|v| v["goals"][1] = json!({"metric": "nodes", "kind": "spaceship", "at_least": 1, "label": "x"})),
        Err(ChallengeError::BadGoal { index: 1, .. })
    ));
    assert!(matches!(
        edit(&|v| v["goals"][0]["kind"] = json!("cache")),
        Err(ChallengeError::BadGoal { index: 0, .. })
    ));
    assert!(matches!(
        edit(&|v| v["goals"] = json!([])),
        Err(ChallengeError::Format(_))
    ));
    assert!(matches!(
        edit(&|v| v["surprise"] = json!(1)),
        Err(ChallengeError::Format(_))
    ));
    assert!(matches!(
        edit(&|v| v["reference"]["nodes"][1]["spec"]["workers"] = json!(0)),
        Err(ChallengeError::Scenario { which: "reference", .. })
    ));
    assert!(matches!(challenge::parse("{not json"), Err(ChallengeError::Format(_))));
}

/// Every bundled challenge's reference and start, scored: the lines of `tests/challenges/scores.jsonl`, each the
/// bytes `switchyard challenge check CHALLENGE reference|start --json` prints.
fn score_lines() -> String {
    let mut out = String::new();
    for (_, ch) in bundled() {
        for design in [&ch.reference, &ch.start] {
            out.push_str(&challenge::score(&ch, design).unwrap().to_json());
            out.push('\n');
        }
    }
    out
}

/// The scores are pinned: `tests/challenges/scores.jsonl` holds them, the wasm build checks that it computes the
/// same bytes in a browser (`wasm_determinism.rs`), and the app's result card is checked against the CLI in the
/// e2e test. `SWITCHYARD_BLESS=1` rewrites the file after an intended change.
#[test]
fn scores_match_the_pinned_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/challenges/scores.jsonl");
    let got = score_lines();
    if std::env::var_os("SWITCHYARD_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with SWITCHYARD_BLESS=1", path.display()));
    for (k, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {} of scores.jsonl", k + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count());
}

/// The score card's JSON comes from the scenario codec's writer (no serde in the bundle); serde's derive, the
/// oracle the codec is tested against, writes the same bytes for every bundled challenge's cards, and the
/// challenge files read by the codec equal what serde's derive reads.
#[test]
fn the_codec_writes_and_reads_what_serde_does() {
    for (id, text) in challenge::ALL {
        let ch = challenge::parse(text).unwrap();
        for design in [&ch.reference, &ch.start] {
            let card = challenge::score(&ch, design).unwrap();
            assert_eq!(card.to_json(), serde_json::to_string(&card).unwrap(), "{id}");
        }
        let oracle: challenge::ChallengeFile = serde_json::from_str(text).unwrap();
        assert_eq!(oracle.goals, ch.goals, "{id}");
        assert_eq!(oracle.hints, ch.hints, "{id}");
        assert_eq!(oracle.start, ch.start, "{id}");
        assert_eq!(oracle.reference, ch.reference, "{id}");
        assert_eq!(oracle.locked_params, ch.locked_params, "{id}");
    }
}

/// A bundled challenge's design as JSON, to edit into a cheat.
fn design(id: &str, which: &str) -> Value {
    let v: Value = serde_json::from_str(challenge::get(id).unwrap()).unwrap();
    v[which].clone()
}

/// Scores `design` on the bundled challenge `id`; returns each goal's label, measured value and pass.
fn goals(id: &str, design: &Value) -> Vec<(String, f64, bool)> {
    let ch = challenge::parse(challenge::get(id).unwrap()).unwrap();
    let d = switchyard_core::scenario::parse(&design.to_string()).unwrap();
    challenge::score(&ch, &d)
        .unwrap()
        .goals
        .into_iter()
        .map(|g| (g.label, g.measured, g.pass))
        .collect()
}

/// What the one goal a cheat fails measured, checking that its label names it: every other goal passes, so
/// without that goal the cheat would solve the challenge.
fn only_fails(id: &str, design: &Value, label_part: &str) -> f64 {
    let got = goals(id, design);
    let failed: Vec<_> = got.iter().filter(|g| !g.2).collect();
    assert_eq!(failed.len(), 1, "{id}: {got:?}");
    assert!(failed[0].0.contains(label_part), "{id}: {got:?}");
    failed[0].1
}

/// The score card of `design` on the bundled challenge `id`, as JSON.
fn card(id: &str, design: &Value) -> Result<String, ChallengeError> {
    let ch = challenge::parse(challenge::get(id).unwrap()).unwrap();
    let d = switchyard_core::scenario::parse(&design.to_string()).unwrap();
    challenge::score(&ch, &d).map(|c| c.to_json())
}

#[test]
fn locked_settings_are_put_back() {
    // cache-for-p99 locks the database's workers and service time: a reference whose database has 16 workers
    // at 1 ms is scored exactly as the reference itself (the values put back), not as a faster database.
    let id = "cache-for-p99";
    let honest = card(id, &design(id, "reference")).unwrap();
    let mut fast = design(id, "reference");
    let db = fast["nodes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|n| n["id"] == "db")
        .unwrap();
    db["spec"]["workers"] = json!(16);
    db["spec"]["service_time"] = json!({"type": "constant", "ms": 1});
    assert_eq!(card(id, &fast).unwrap(), honest);
    // The lock puts back what the start has, not what the reference has: the start's card too.
    let mut start = design(id, "start");
    start["nodes"][2]["spec"]["service_time"]["mean_ms"] = json!(1);
    assert_eq!(start["nodes"][2]["id"], "db");
    assert_eq!(card(id, &start).unwrap(), card(id, &design(id, "start")).unwrap());
    // A setting the start does not have is removed: choose-the-database's start leaves the engine's page time
    // at its default, so a design that sets it is scored with the default.
    let mut paged = design("choose-the-database", "start");
    paged["nodes"][2]["spec"]["engine"]["page_ms"] = json!(0.0001);
    assert_eq!(
        card("choose-the-database", &paged).unwrap(),
        card("choose-the-database", &design("choose-the-database", "start")).unwrap()
    );
    // Dropping the locked node, or changing its kind, is an error that names it.
    let mut gone = design(id, "reference");
    gone["nodes"].as_array_mut().unwrap().retain(|n| n["id"] != "db");
    gone["edges"].as_array_mut().unwrap().retain(|e| e["to"] != "db");
    let missing = ChallengeError::MissingLocked {
        node: "db".into(),
        kind: "database",
    };
    assert_eq!(card(id, &gone), Err(missing.clone()));
    let mut rekinded = design(id, "reference");
    let db = rekinded["nodes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|n| n["id"] == "db")
        .unwrap();
    db["spec"] = json!({"kind": "service", "workers": 8, "service_time": {"type": "constant", "ms": 1}});
    assert_eq!(card(id, &rekinded), Err(missing));
}

#[test]
fn malformed_locked_params_are_format_errors() {
    let edit = |locked: Value| {
        let mut v = scale();
        v["locked_params"] = locked;
        challenge::parse(&v.to_string())
    };
    let why = |r: Result<challenge::Challenge, ChallengeError>| match r {
        Err(ChallengeError::Format(m)) => m,
        other => panic!("not a format error: {other:?}"),
    };
    assert!(edit(json!([{"node": "server", "params": ["workers", "service_time"]}])).is_ok());
    let m = why(edit(json!([{"node": "nobody", "params": ["workers"]}])));
    assert!(m.contains("locked_params[0]") && m.contains("nobody"), "{m}");
    let m = why(edit(json!([{"node": "server", "params": ["workers", "warp_drive"]}])));
    assert!(m.contains("warp_drive"), "{m}");
    // A database's engine keys are not a service's.
    let m = why(edit(json!([{"node": "server", "params": ["engine.page_ms"]}])));
    assert!(m.contains("engine.page_ms"), "{m}");
    why(edit(json!([{"node": "server", "params": []}])));
    why(edit(json!([{"node": "server"}])));
    why(edit(json!([{"node": "server", "params": ["workers"], "surprise": 1}])));
}

#[test]
fn locked_hardware_closes_the_cheap_ways_out() {
    // Survive a retry storm with an API at 7 ms instead of load shedding, or with 7 workers: scored as the start.
    let id = "survive-a-retry-storm";
    let start = card(id, &design(id, "start")).unwrap();
    let mut d = design(id, "start");
    d["nodes"][1]["spec"]["service_time"]["mean_ms"] = json!(7);
    d["nodes"][1]["spec"]["workers"] = json!(7);
    assert_eq!(card(id, &d).unwrap(), start);
    // Cache-for-p99 with a database at 6 ms instead of a cache.
    let id = "cache-for-p99";
    let mut d = design(id, "start");
    d["nodes"][2]["spec"]["service_time"]["mean_ms"] = json!(6);
    let got = goals(id, &d);
    assert!(!got[0].2 && got[0].1 > 200.0, "p99 as the start's: {got:?}");
    // Cool the hot shard by doubling every shard's workers instead of caching.
    let id = "shard-the-hot-table";
    let mut d = design(id, "start");
    for n in d["nodes"].as_array_mut().unwrap() {
        if n["spec"]["kind"] == "database" {
            n["spec"]["workers"] = json!(8);
        }
    }
    assert_eq!(card(id, &d).unwrap(), card(id, &design(id, "start")).unwrap());
    // Read replicas with an 11-worker primary and a 1-worker replica: the primary keeps its 4 workers.
    let id = "read-replicas";
    let mut d = design(id, "reference");
    d["nodes"].as_array_mut().unwrap().retain(|n| n["id"] != "replica2");
    d["edges"].as_array_mut().unwrap().retain(|e| e["to"] != "replica2");
    for n in d["nodes"].as_array_mut().unwrap() {
        match n["id"].as_str() {
            Some("primary") => n["spec"]["workers"] = json!(11),
            Some("replica1") => n["spec"]["workers"] = json!(1),
            _ => {}
        }
    }
    let got = goals(id, &d);
    assert!(got[0].1 < 0.5, "the 1-worker replica drowns: {got:?}");
    // Autoscale under budget at $0.05 an hour: the group is billed as an m5.large again, over the budget.
    let id = "autoscale-under-budget";
    let mut d = design(id, "reference");
    let group = d["nodes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|n| n["id"] == "web1")
        .unwrap();
    let spec = group["spec"].as_object_mut().unwrap();
    spec.remove("instance_size");
    spec.insert("hourly_usd".into(), json!(0.05));
    assert_eq!(card(id, &d).unwrap(), card(id, &design(id, "reference")).unwrap());
    // Split web and db by giving the combined server 8 workers and a database that does nothing: the p99 of
    // 18 ms pages fails.
    let id = "split-web-db";
    let mut d = design(id, "start");
    d["nodes"][1]["spec"]["workers"] = json!(8);
    d["nodes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "db", "spec": {"kind": "database", "workers": 1,
        "service_time": {"type": "constant", "ms": 0.01}}}));
    d["edges"]
        .as_array_mut()
        .unwrap()
        .push(json!({"from": "server", "to": "db",
        "latency": {"type": "constant", "ms": 0}}));
    assert!(only_fails(id, &d, "p99") > 110.0);
}

#[test]
fn a_locked_server_cannot_be_unplugged_or_deleted() {
    // Survive a crash by unplugging the server that crashes: it stays on the canvas, no traffic reaches it. Its
    // settings are locked, so it must stay in the path: refused, naming it.
    let ch = challenge::parse(challenge::get("survive-a-crash").unwrap()).unwrap();
    let mut d = design("survive-a-crash", "start");
    d["edges"].as_array_mut().unwrap().retain(|e| e["to"] != "web2");
    let unplugged = switchyard_core::scenario::parse(&d.to_string()).unwrap();
    assert_eq!(
        challenge::score(&ch, &unplugged),
        Err(ChallengeError::Unplugged("web2".into()))
    );
    // Deleting it instead is refused: the challenge's crash names it.
    let mut d = design("survive-a-crash", "start");
    d["nodes"].as_array_mut().unwrap().retain(|n| n["id"] != "web2");
    d["edges"].as_array_mut().unwrap().retain(|e| e["to"] != "web2");
    d["faults"] = json!([]);
    let d = switchyard_core::scenario::parse(&d.to_string()).unwrap();
    assert_eq!(
        challenge::score(&ch, &d),
        Err(ChallengeError::MissingLocked {
            node: "web2".into(),
            kind: "service"
        })
    );
}

#[test]
fn a_group_counts_its_starting_workers() {
    // The reference's group starts two of its twelve instances of 4 workers.
    let reference = goals("autoscale-under-budget", &design("autoscale-under-budget", "reference"));
    let workers = reference.iter().find(|g| g.0.contains("at the start")).unwrap();
    assert_eq!(workers.1, 8.0);
    // A fixed fleet of seven servers starts 28 workers, and fails that goal alone.
    let mut d = design("autoscale-under-budget", "start");
    for i in 4..=7 {
        let mut n = d["nodes"][3].clone();
        n["id"] = json!(format!("web{i}"));
        d["nodes"].as_array_mut().unwrap().push(n);
        d["edges"]
            .as_array_mut()
            .unwrap()
            .push(json!({"from": "lb", "to": format!("web{i}"),
            "latency": {"type": "constant", "ms": 0.5}}));
    }
    for n in d["nodes"].as_array_mut().unwrap() {
        if n["spec"]["kind"] == "service" {
            n["spec"].as_object_mut().unwrap().remove("instance_size");
            n["spec"]["hourly_usd"] = json!(0.05);
        }
    }
    assert_eq!(only_fails("autoscale-under-budget", &d, "at the start"), 28.0);
}

#[test]
fn real_time_goals_take_the_worst_listed_mode() {
    let id = "realtime-100k";
    let mut d = design(id, "reference");
    // Push alone passes; push beside long polling fails on long polling's requests (one per update per client).
    d["realtime"]["modes"] = json!(["websocket"]);
    assert!(goals(id, &d).iter().all(|g| g.2));
    d["realtime"]["modes"] = json!(["websocket", "long_poll"]);
    let rps = only_fails(id, &d, "requests/s");
    assert!(rps > 90_000.0, "{rps}");
    // The challenge's clients and update rate are locked: a design that claims 100 clients is scored on 100,000.
    d["realtime"]["modes"] = json!(["poll"]);
    d["realtime"]["clients"] = json!(100);
    d["realtime"]["poll_interval_ms"] = json!(30_000);
    let got = goals(id, &d);
    assert!(got[0].2, "30 s polls of 100,000 clients are few requests: {got:?}");
    assert!(
        !got[1].2 && got[1].1 > 20_000.0,
        "but an update waits up to 30 s: {got:?}"
    );
}

/// The escape from a lock: leave the locked API unplugged on the canvas and put an unlocked twin at 7 ms in its
/// place. The locked node must stay in the traffic's path, so the design is refused, naming it.
#[test]
fn a_locked_node_cannot_be_swapped_for_an_unlocked_twin() {
    let id = "survive-a-retry-storm";
    let ch = challenge::parse(challenge::get(id).unwrap()).unwrap();
    let mut d = design(id, "reference");
    let mut twin = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "api")
        .expect("the reference has the api")
        .clone();
    twin["id"] = json!("api2");
    twin["spec"]["service_time"] = json!({"type": "exponential", "mean_ms": 7});
    d["nodes"].as_array_mut().unwrap().push(twin);
    for e in d["edges"].as_array_mut().unwrap() {
        if e["to"] == "api" {
            e["to"] = json!("api2");
        }
        if e["from"] == "api" {
            e["from"] = json!("api2");
        }
    }
    let d = switchyard_core::scenario::parse(&d.to_string()).unwrap();
    assert_eq!(challenge::score(&ch, &d), Err(ChallengeError::Unplugged("api".into())));
}
