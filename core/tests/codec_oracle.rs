//! Differential tests of the hand-written scenario codec (`scenario::codec`) against the serde derives it
//! replaced (kept on `scenario::v1` under the `serde-oracle` feature): every preset, golden scenario and
//! documented example reads to the same value and writes to the same bytes, and mutated documents are
//! accepted or refused alike, read to the same value, and round-trip.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use switchyard_core::scenario::{self, codec, v1, Scenario, ScenarioError};

/// What `scenario::parse` did before the codec: a version peek, then serde's derive.
fn oracle_parse(text: &str) -> Result<Scenario, ScenarioError> {
    #[derive(serde::Deserialize)]
    struct Peek {
        version: Option<Value>,
    }
    let fail = |e: serde_json::Error| ScenarioError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let peek: Peek = serde_json::from_str(text).map_err(fail)?;
    match peek.version {
        None => return Err(ScenarioError::MissingVersion),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(1) => {}
            Some(v) if v > 1 => return Err(ScenarioError::NewerVersion { found: v, supported: 1 }),
            _ => return Err(ScenarioError::UnknownVersion { found: n.to_string() }),
        },
        Some(_) => return Err(ScenarioError::UnknownVersion { found: String::new() }),
    }
    serde_json::from_str(text).map_err(fail)
}

fn is_version_error(e: &ScenarioError) -> bool {
    matches!(
        e,
        ScenarioError::MissingVersion | ScenarioError::NewerVersion { .. } | ScenarioError::UnknownVersion { .. }
    )
}

/// Every whole scenario the repository ships: presets, guided tours (whose hand-written `TourAction` codec is
/// checked against its serde derive here), golden scenarios, documentation examples.
fn documents() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = switchyard_core::presets::ALL
        .iter()
        .map(|(id, json)| (format!("preset {id}"), json.to_string()))
        .chain(
            switchyard_core::tour::BUNDLED
                .iter()
                .map(|(id, json)| (format!("tour {id}"), json.to_string())),
        )
        .collect();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for dir in ["tests/scenarios", "docs/examples"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let file = if p.is_dir() { p.join("scenario.json") } else { p.clone() };
            if file.extension().is_some_and(|e| e == "json") && file.exists() {
                out.push((file.display().to_string(), std::fs::read_to_string(&file).unwrap()));
            }
        }
    }
    assert!(out.len() > 20, "{}", out.len());
    out
}

fn check_writes(name: &str, s: &Scenario) {
    assert_eq!(
        scenario::to_json(s, false),
        serde_json::to_vec(s).unwrap(),
        "{name}: compact"
    );
    assert_eq!(
        scenario::to_json_pretty(s),
        serde_json::to_string_pretty(s).unwrap(),
        "{name}: pretty"
    );
}

#[test]
fn every_shipped_scenario_reads_and_writes_as_serde_does() {
    for (name, text) in documents() {
        let ours = scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs = oracle_parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ours, theirs, "{name}");
        check_writes(&name, &ours);
    }
}

/// One documented fragment: read by the codec and by serde, written by both.
fn same<T>(text: &str, v: &Value)
where
    T: codec::Json + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let ours: T = codec::read(v).unwrap_or_else(|e| panic!("{e}: {text}"));
    let theirs: T = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(ours, theirs, "{text}");
    assert_eq!(
        scenario::to_json(&ours, false),
        serde_json::to_vec(&theirs).unwrap(),
        "{text}"
    );
    assert_eq!(
        scenario::to_json(&ours, true),
        serde_json::to_vec_pretty(&theirs).unwrap(),
        "{text}"
    );
}

#[test]
fn every_documented_fragment_reads_and_writes_as_serde_does() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/scenario.md")).unwrap();
    let mut checked = 0;
    for block in doc.split("```json").skip(1) {
        let text = block.split("```").next().unwrap().trim();
        if text.contains("...") {
            continue;
        }
        let wrapped = format!("{{{text}}}");
        let text = if text.starts_with('"') { wrapped.as_str() } else { text };
        let v: Value = serde_json::from_str(text).unwrap();
        if v.get("version").is_some() {
            let s = scenario::parse(text).unwrap();
            assert_eq!(s, oracle_parse(text).unwrap());
            check_writes(text, &s);
        } else if v.get("spec").is_some() {
            same::<v1::Node>(text, &v);
        } else if v.get("from").is_some() {
            same::<v1::Edge>(text, &v);
        } else if v.get("arrival").is_some() {
            same::<v1::Workload>(text, &v);
        } else if let Some(c) = v.get("clusters") {
            same::<Vec<v1::Cluster>>(text, c);
        } else if let Some(f) = v.get("faults") {
            same::<Vec<v1::Fault>>(text, f);
        } else if let Some(r) = v.get("realtime") {
            same::<v1::Realtime>(text, r);
        } else {
            panic!("unrecognised example: {text}");
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

/// Strings and numbers the writer must print exactly as serde_json does.
#[test]
fn escapes_and_numbers_print_as_serde_json_prints_them() {
    let mut s = scenario::parse(r#"{"version":1,"nodes":[]}"#).unwrap();
    s.name = "quote \" backslash \\ nl \n tab \t bell \u{7} del \u{7f} nul \u{0} é 😀 \u{2028}".into();
    s.description = "\u{8}\u{c}\r\u{1f}".into();
    s.duration_ms = Some(f64::NAN);
    s.seed = u64::MAX;
    s.view = Some(v1::View {
        zoom: 1e-7,
        pan_x: -0.0,
        pan_y: 1e300,
        at_ms: Some(f64::INFINITY),
    });
    check_writes("escapes", &s);
    s.duration_ms = Some(0.1 + 0.2);
    s.view = Some(v1::View {
        zoom: 123456789.125,
        pan_x: 5e-324,
        pan_y: 1e21,
        at_ms: Some(f64::MAX),
    });
    check_writes("numbers", &s);
}

/// Schema errors name the offending member and say where it is.
#[test]
fn schema_errors_carry_the_path_and_serdes_wording() {
    let base = json!({"version": 1, "nodes": [
        {"id": "c", "spec": {"kind": "client"}},
        {"id": "lb", "spec": {"kind": "load_balancer"}},
        {"id": "s", "spec": {"kind": "service", "service_tme": 1}}
    ]});
    let e = scenario::parse(&base.to_string()).unwrap_err();
    let ScenarioError::Schema { path, message } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(path, "nodes[2].spec");
    assert!(
        message.starts_with("unknown field `service_tme`, expected one of `workers`"),
        "{message}"
    );
    assert!(
        e.to_string()
            .starts_with("not a valid scenario at nodes[2].spec: unknown field"),
        "{e}"
    );

    let cases = [
        (
            r#"{"version":1,"nodes":[{"id":"a","spec":{"kind":"service","workers":1.0}}]}"#,
            "nodes[0].spec.workers",
            "invalid type: floating point `1.0`, expected u32",
        ),
        (
            r#"{"version":1,"nodes":[{"id":"a","spec":{"kind":"service","workers":4294967296}}]}"#,
            "nodes[0].spec.workers",
            "invalid value: integer `4294967296`, expected u32",
        ),
        (
            r#"{"version":1,"nodes":[{"id":"a","spec":{"kind":"mainframe"}}]}"#,
            "nodes[0].spec.kind",
            "unknown variant `mainframe`, expected one of `client`",
        ),
        (
            r#"{"version":1,"nodes":[{"id":"a"}]}"#,
            "nodes[0]",
            "missing field `spec`",
        ),
        (
            r#"{"version":1,"nodes":[],"workload":{"arrival":{"type":"poisson","rate_rps":"a"}}}"#,
            "workload.arrival.rate_rps",
            "invalid type: string \"a\", expected f64",
        ),
        (
            r#"{"version":1,"nodes":[],"faults":[{"action":"heal"}]}"#,
            "faults[0]",
            "missing field `at_ms`",
        ),
        (
            r#"{"version":1,"nodes":[],"edges":[],"seed":-1}"#,
            "seed",
            "invalid value: integer `-1`, expected u64",
        ),
        (
            r#"{"version":1,"nodes":[],"name":"a","name":"b"}"#,
            "name",
            "duplicate field `name`",
        ),
        (
            r#"{"version":1,"nodes":[],"workload":{"message_bytes_by_class":{"api_rite":{"type":"constant","bytes":1}}}}"#,
            "workload.message_bytes_by_class",
            "unknown variant `api_rite`",
        ),
        (r#"{"version":1}"#, "", "missing field `nodes`"),
    ];
    for (text, want_path, want) in cases {
        match scenario::parse(text) {
            Err(ScenarioError::Schema { path, message }) => {
                assert_eq!(path, want_path, "{text}");
                assert!(message.starts_with(want), "{text}: {message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Mutations.

/// Values of every JSON type, chosen to hit the edges of the format: integer ranges, floats for integers,
/// variant names (right and wrong), empty containers.
fn replacement(i: usize) -> Value {
    match i % 26 {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(1),
        4 => json!(-1),
        5 => json!(1.5),
        6 => json!(1.0),
        7 => json!(4_294_967_296u64),
        8 => json!(u64::MAX),
        9 => json!(1e20),
        10 => json!("a"),
        11 => json!("constant"),
        12 => json!("lru"),
        13 => json!("modn"),
        14 => json!("service"),
        15 => json!({}),
        16 => json!([]),
        17 => json!({"type": "constant", "ms": 1}),
        18 => json!(12),
        19 => json!("sequential"),
        20 => json!({"kind": "cache", "capacity": 5}),
        // Tour actions and their names: a tagged object, a tag without its members, a metric, a nested list.
        21 => json!({"do": "crash", "node": "a"}),
        22 => json!("play_to"),
        23 => json!("p99"),
        24 => json!([["a"], ["b", "c"]]),
        _ => json!(["a", "b"]),
    }
}

/// A path to a value in the tree: member names and indices.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                here.push(Step::Key(k.clone()));
                paths(x, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate().take(4) {
                here.push(Step::Index(i));
                paths(x, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// Applies one mutation; false when it is a documented difference between the codec and serde (an object
/// replaced by an array: serde's derive reads a struct from an array of its fields in declaration order,
/// and an internally tagged enum from an array whose first element is the tag; the codec refuses both).
fn mutate(doc: &mut Value, pick: usize, op: usize, value: usize) -> bool {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let path = &all[pick % all.len()];
    let target = at(doc, path);
    match op % 6 {
        // Delete a member (or, at an array element, the element).
        0 => {
            let Some((last, parent)) = path.split_last() else {
                return true;
            };
            let parent = at(doc, parent);
            match (last, parent) {
                (Step::Key(k), Value::Object(m)) => {
                    m.remove(k);
                }
                (Step::Index(i), Value::Array(a)) => {
                    a.remove(*i);
                }
                _ => {}
            }
        }
        // Add an unknown member.
        1 => {
            if let Value::Object(m) = target {
                m.insert("bogus_field".into(), json!(1));
            }
        }
        // Add a known member name somewhere it may or may not belong.
        2 => {
            if let Value::Object(m) = target {
                let names = [
                    "workers", "capacity", "ms", "rate_rps", "count", "at_ms", "ttl_ms", "label", "kind", "do",
                    "preset", "metric", "nodes", "value",
                ];
                m.insert(names[value % names.len()].into(), replacement(value / names.len()));
            }
        }
        // Replace the value with one of another type (or another name).
        3 | 4 => {
            let new = replacement(value);
            if target.is_object() && new.is_array() {
                return false;
            }
            *target = new;
        }
        // Duplicate an array element.
        _ => {
            if let Value::Array(a) = target {
                if let Some(x) = a.first().cloned() {
                    a.push(x);
                }
            }
        }
    }
    true
}

fn check_agreement(text: &str) -> Result<(), TestCaseError> {
    let ours = scenario::parse(text);
    let theirs = oracle_parse(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            prop_assert_eq!(a, b, "{}", text);
            // Round trip through both layouts.
            for pretty in [false, true] {
                let again = String::from_utf8(scenario::to_json(a, pretty)).unwrap();
                prop_assert_eq!(&scenario::parse(&again).unwrap(), a, "{}", again);
            }
            prop_assert_eq!(scenario::to_json(a, false), serde_json::to_vec(a).unwrap());
            prop_assert_eq!(scenario::to_json(a, true), serde_json::to_vec_pretty(a).unwrap());
        }
        (Err(a), Err(b)) => {
            if is_version_error(b) {
                prop_assert!(is_version_error(a), "{:?} vs {:?}: {}", a, b, text);
            } else {
                prop_assert!(
                    matches!(a, ScenarioError::Schema { .. } | ScenarioError::Syntax { .. }),
                    "{:?}: {}",
                    a,
                    text
                );
            }
        }
        _ => prop_assert!(false, "codec {:?} but serde {:?}: {}", ours, theirs, text),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_are_accepted_and_refused_alike(
        doc in 0usize..1000,
        muts in prop::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        static DOCS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        let docs = DOCS.get_or_init(documents);
        let (_, text) = &docs[doc % docs.len()];
        let mut v: Value = serde_json::from_str(text).unwrap();
        for (pick, op, value) in muts {
            if !mutate(&mut v, pick, op, value) {
                return Ok(());
            }
        }
        check_agreement(&v.to_string())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// The same, with every mutation inside a shipped tour's `tour` member: the steps, the actions tagged by
    /// `do` (the hand-written `TourAction` codec) and the metric names.
    #[test]
    fn mutated_tours_are_accepted_and_refused_alike(
        doc in 0usize..switchyard_core::tour::BUNDLED.len(),
        muts in prop::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        let mut v: Value = serde_json::from_str(switchyard_core::tour::BUNDLED[doc].1).unwrap();
        for (pick, op, value) in muts {
            if !mutate(&mut v["tour"], pick, op, value) {
                return Ok(());
            }
        }
        check_agreement(&v.to_string())?;
    }
}

/// The deliberate differences docs/scenario.md lists: serde's derive accepts each of these documents, the
/// codec refuses them with a schema error. If serde ever stops accepting one, the list is out of date.
#[test]
fn documented_differences_are_refused_by_the_codec_only() {
    let long: Vec<String> = (0..10_001).map(|i| i.to_string()).collect();
    let cases = [
        // A map key repeated (serde's BTreeMap keeps the last).
        r#"{"version":1,"nodes":[],"workload":{"message_bytes_by_class":{"api_read":{"type":"constant","bytes":1},"api_read":{"type":"constant","bytes":2}}}}"#.to_string(),
        // A repeated member that serde ignores (unknown fields inside a distribution).
        r#"{"version":1,"nodes":[],"edges":[{"from":"a","to":"b","latency":{"type":"constant","ms":1,"note":1,"note":2}}]}"#.to_string(),
        // A struct written as the array of its fields.
        r#"{"version":1,"nodes":[],"view":[1,0,0]}"#.to_string(),
        // A tagged object written as an array, tag first.
        r#"{"version":1,"nodes":[],"edges":[{"from":"a","to":"b","latency":["constant",5]}]}"#.to_string(),
        // A named value in serde's map form.
        r#"{"version":1,"nodes":[{"id":"c","spec":{"kind":"cache","capacity":1,"policy":{"lru":null}}}]}"#.to_string(),
        // More than 10,000 elements in an array other than nodes, edges and faults.
        format!(
            r#"{{"version":1,"nodes":[{{"id":"r","spec":{{"kind":"shard_router","split_points":[{}]}}}}]}}"#,
            long.join(",")
        ),
    ];
    for text in &cases {
        let shown = &text[..text.len().min(120)];
        assert!(oracle_parse(text).is_ok(), "serde refuses {shown}");
        match scenario::parse(text) {
            Err(ScenarioError::Schema { .. }) => {}
            other => panic!("{shown}: {other:?}"),
        }
    }
}

/// Messages quote document values through the codec's writer: it writes any JSON value as serde_json does.
#[test]
fn any_json_value_is_written_as_serde_json_writes_it() {
    let texts = [
        r#"null"#,
        r#"true"#,
        r#"0"#,
        r#"-7"#,
        r#"18446744073709551615"#,
        r#"-9223372036854775808"#,
        r#"1.0"#,
        r#"-0.0"#,
        r#"0.1"#,
        r#"1e300"#,
        r#"2.5e-8"#,
        r#""tab\tquote\"slash\\ nul\u0000 bell\u0007 é 🚦""#,
        r#"[]"#,
        r#"{}"#,
        r#"[1, [2, {"a": [3.5, null]}], "x"]"#,
        r#"{"version": {"major": 2, "minor": [0, 1]}, "z": false, "a": "b"}"#,
    ];
    for text in texts {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let ours = String::from_utf8(codec::write(&v, false)).unwrap();
        assert_eq!(ours, serde_json::to_string(&v).unwrap(), "{text}");
    }
    let e = scenario::parse(r#"{"version": "v\"2"}"#).unwrap_err();
    assert_eq!(
        e,
        ScenarioError::UnknownVersion {
            found: r#""v\"2""#.into()
        }
    );
    let e = scenario::parse(r#"{"version": 1.5}"#).unwrap_err();
    assert_eq!(e, ScenarioError::UnknownVersion { found: "1.5".into() });
}
