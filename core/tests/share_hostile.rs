//! Hostile and broken share links: each must come back as the exact typed `LinkError`, never a panic, an
//! unbounded allocation or a stack overflow. The bombs are built here from their description (a deflate bomb,
//! deep nesting, a million nodes, an oversized fragment), so the tests show what the limits stop.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use switchyard_core::scenario;
use switchyard_core::share::{self, LinkError, MAX_DEPTH, MAX_FRAGMENT_BYTES, MAX_INFLATED_BYTES};
use switchyard_core::topology::{Location, Problem};

/// A `v1.` link around arbitrary JSON bytes, compressed at the best level (what an attacker would do).
fn link_of(json: &[u8]) -> String {
    format!(
        "v1.{}",
        URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json, 10))
    )
}

fn preset(name: &str) -> scenario::Scenario {
    scenario::parse(switchyard_core::presets::get(name).unwrap()).unwrap()
}

const INFLATE_LIMIT: LinkError = LinkError::TooLarge {
    what: "decompressed scenario",
    limit: MAX_INFLATED_BYTES,
    unit: "bytes",
};

#[test]
fn a_ten_kilobyte_deflate_bomb_stops_at_the_inflate_limit() {
    // 8 MiB of spaces inside a valid document: eight times the inflate limit.
    let mut json = br#"{"version":1,"description":""#.to_vec();
    json.resize(json.len() + 8 * 1024 * 1024, b' ');
    json.extend_from_slice(br#"","nodes":[]}"#);
    let link = link_of(&json);
    assert!(
        (5_000..20_000).contains(&link.len()),
        "the bomb is about 10 KB: {} bytes",
        link.len()
    );
    assert_eq!(share::decode(&link), Err(INFLATE_LIMIT));
}

#[test]
fn just_under_the_inflate_limit_is_not_too_large() {
    // The same construction, sized to inflate to exactly the limit: it gets past inflation and fails on the
    // text-length rule of validation instead, so the limit is the inflate limit and not something smaller.
    let head = br#"{"version":1,"description":""#;
    let tail = br#"","nodes":[{"id":"c","spec":{"kind":"client"}}]}"#;
    let mut json = head.to_vec();
    json.resize(MAX_INFLATED_BYTES - tail.len(), b' ');
    json.extend_from_slice(tail);
    assert_eq!(json.len(), MAX_INFLATED_BYTES);
    match share::decode(&link_of(&json)) {
        Err(LinkError::Invalid(errors)) => assert!(
            errors.iter().any(|e| matches!(
                e.problem,
                Problem::TextTooLong {
                    field: "description",
                    ..
                }
            )),
            "{errors:?}"
        ),
        other => panic!("expected a validation error, got {other:?}"),
    }
    json.push(b' ');
    assert_eq!(share::decode(&link_of(&json)), Err(INFLATE_LIMIT));
}

#[test]
fn ten_thousand_levels_of_nesting_are_too_deep() {
    let depth = 10_000;
    let json = format!(r#"{{"version":1,"nodes":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    assert_eq!(
        share::decode(&link_of(json.as_bytes())),
        Err(LinkError::TooDeep { limit: MAX_DEPTH })
    );
    // Objects count as well as arrays.
    let json = format!(
        r#"{{"version":1,"nodes":[],"view":{}{}}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    );
    assert_eq!(
        share::decode(&link_of(json.as_bytes())),
        Err(LinkError::TooDeep { limit: MAX_DEPTH })
    );
}

#[test]
fn a_million_nodes_stop_at_the_link_or_the_inflate_limit() {
    // A million real nodes (37 MB of JSON) deflate to about 140 KB: over the fragment limit before anything
    // is decoded.
    let node = r#"{"id":"a","spec":{"kind":"client"}}"#;
    let json = format!(r#"{{"version":1,"nodes":[{}]}}"#, vec![node; 1_000_000].join(","));
    let link = link_of(json.as_bytes());
    assert!(link.len() > MAX_FRAGMENT_BYTES, "{} bytes", link.len());
    assert_eq!(
        share::decode(&link),
        Err(LinkError::TooLarge {
            what: "link",
            limit: MAX_FRAGMENT_BYTES,
            unit: "bytes"
        })
    );
    // The cheapest million-element node array (`0`s after one node, which the node cap would skip) fits in a
    // 3 KB link and stops at the inflate limit.
    let json = format!(r#"{{"version":1,"nodes":[{node}{}]}}"#, ",0".repeat(999_999));
    let link = link_of(json.as_bytes());
    assert!(link.len() < 4_000, "{} bytes", link.len());
    assert_eq!(share::decode(&link), Err(INFLATE_LIMIT));
}

#[test]
fn more_nodes_than_the_cap_within_the_size_limits_is_a_validation_error() {
    // 20,000 nodes fit in the inflate limit; the deserializer keeps the cap plus one and skips the rest
    // without allocating, and validation names the excess.
    let node = r#"{"id":"a","spec":{"kind":"client"}}"#;
    let json = format!(r#"{{"version":1,"nodes":[{}]}}"#, vec![node; 20_000].join(","));
    assert!(json.len() < MAX_INFLATED_BYTES);
    match share::decode(&link_of(json.as_bytes())) {
        Err(LinkError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].location, Location::Scenario);
            assert_eq!(
                errors[0].problem,
                Problem::TooManyNodes {
                    count: 1_001,
                    limit: 1_000
                }
            );
        }
        other => panic!("expected TooManyNodes, got {other:?}"),
    }
}

#[test]
fn a_two_megabyte_fragment_is_refused_by_its_length() {
    let link = format!("#s=v1.{}", "A".repeat(2_000_000));
    assert_eq!(
        share::decode(&link),
        Err(LinkError::TooLarge {
            what: "link",
            limit: MAX_FRAGMENT_BYTES,
            unit: "bytes"
        })
    );
}

#[test]
fn damaged_payloads_are_bad_base64_or_bad_deflate() {
    assert_eq!(share::decode("v1.not base64!"), Err(LinkError::BadBase64));
    assert_eq!(
        share::decode("v1.abc+def/"),
        Err(LinkError::BadBase64),
        "standard alphabet"
    );
    assert_eq!(share::decode("v1.A"), Err(LinkError::BadBase64), "a lone sextet");
    let good = share::encode(&preset("04-cache"));
    // Truncated: still base64url, but the deflate stream ends early.
    let deflated = URL_SAFE_NO_PAD.decode(&good[3..]).unwrap();
    let truncated = format!("v1.{}", URL_SAFE_NO_PAD.encode(&deflated[..deflated.len() - 8]));
    assert_eq!(share::decode(&truncated), Err(LinkError::BadDeflate));
    // Not a deflate stream at all: a stored block whose length check fails.
    let junk = format!("v1.{}", URL_SAFE_NO_PAD.encode(b"\x00\x05\x00\x05\x00hello"));
    assert_eq!(share::decode(&junk), Err(LinkError::BadDeflate));
    assert_eq!(share::decode("v1."), Err(LinkError::BadDeflate), "an empty payload");
}

#[test]
fn version_prefixes_newer_and_unknown() {
    let payload = share::encode(&preset("mm1"));
    let payload = payload.strip_prefix("v1.").unwrap();
    assert_eq!(
        share::decode(&format!("v99.{payload}")),
        Err(LinkError::NewerVersion(99))
    );
    assert_eq!(
        share::decode(&format!("#s=v2.{payload}")),
        Err(LinkError::NewerVersion(2))
    );
    assert_eq!(
        share::decode(&format!("v0.{payload}")),
        Err(LinkError::UnknownVersion("v0".into()))
    );
    assert_eq!(
        share::decode(&format!("x1.{payload}")),
        Err(LinkError::UnknownVersion("x1".into()))
    );
    assert_eq!(
        share::decode(payload),
        Err(LinkError::UnknownVersion(
            payload.chars().take(16).collect::<String>() + "…"
        )),
        "no prefix at all"
    );
    assert_eq!(share::decode(""), Err(LinkError::UnknownVersion(String::new())));
}

#[test]
fn the_json_version_field_is_checked_too() {
    let json = |v: &str| format!(r#"{{"version":{v},"nodes":[{{"id":"c","spec":{{"kind":"client"}}}}]}}"#);
    assert_eq!(
        share::decode(&link_of(json("2").as_bytes())),
        Err(LinkError::NewerVersion(2))
    );
    assert_eq!(
        share::decode(&link_of(json("0").as_bytes())),
        Err(LinkError::UnknownVersion("0".into()))
    );
    assert_eq!(
        share::decode(&link_of(br#"{"nodes":[]}"#)),
        Err(LinkError::Schema(scenario::ScenarioError::MissingVersion))
    );
}

#[test]
fn malformed_json_and_invalid_scenarios_are_typed() {
    match share::decode(&link_of(br#"{"version":1,"nodes":[],"bogus":1}"#)) {
        Err(LinkError::Schema(scenario::ScenarioError::Schema { message, .. })) => {
            assert!(message.contains("bogus"), "{message}")
        }
        other => panic!("expected a schema error, got {other:?}"),
    }
    assert!(matches!(
        share::decode(&link_of(br#"{"version":1,"nodes":["#)),
        Err(LinkError::Schema(scenario::ScenarioError::Syntax { .. }))
    ));
    assert_eq!(
        share::decode(&link_of(b"{\"version\":1,\"name\":\"\xff\"}")),
        Err(LinkError::Schema(scenario::ScenarioError::Syntax {
            line: 1,
            column: 22,
            message: "invalid UTF-8".into()
        }))
    );
    // Text limits: a 201-character label is refused by validation, 200 is fine.
    let mut s = preset("mm1");
    s.nodes[0].label = Some("é".repeat(201));
    match share::decode(&share::encode(&s)) {
        Err(LinkError::Invalid(errors)) => assert_eq!(
            errors.iter().map(|e| e.problem.clone()).collect::<Vec<_>>(),
            vec![Problem::TextTooLong {
                field: "label",
                limit: 200
            }]
        ),
        other => panic!("expected TextTooLong, got {other:?}"),
    }
    s.nodes[0].label = Some("é".repeat(200));
    assert_eq!(share::decode(&share::encode(&s)), Ok(s));
}

#[test]
fn fragment_spellings_and_padding_decode_alike() {
    let s = preset("07-cdn");
    let link = share::encode(&s);
    let payload = link.strip_prefix("v1.").unwrap();
    let deflated = URL_SAFE_NO_PAD.decode(payload).unwrap();
    let padded = format!("v1.{}", URL_SAFE.encode(&deflated));
    assert_ne!(padded, link, "this payload's length needs padding");
    for f in [
        link.clone(),
        format!("#s={link}"),
        format!("s={link}"),
        format!("  #s={link}\n"),
        padded,
    ] {
        assert_eq!(share::decode(&f).as_ref(), Ok(&s), "{f}");
    }
}

#[test]
fn errors_read_as_sentences() {
    let cases = [
        (
            LinkError::BadBase64,
            "the link is damaged: its payload is not base64url text",
        ),
        (
            LinkError::TooLarge {
                what: "link",
                limit: 65_536,
                unit: "bytes",
            },
            "the link is too large (at most 65536 bytes)",
        ),
        (
            LinkError::TooDeep { limit: 64 },
            "the scenario nests deeper than 64 levels",
        ),
        (
            LinkError::NewerVersion(99),
            "the link was made by a newer Switchyard (format 99; this one reads format 1); update Switchyard",
        ),
        (
            LinkError::UnknownVersion("x1".into()),
            "not a Switchyard share link (unknown format \"x1\")",
        ),
    ];
    for (e, text) in cases {
        assert_eq!(e.to_string(), text);
    }
}

/// `decode_draft` is `decode` without validation: an invalid scenario (work in progress, or more nodes than the
/// cap) comes back, capped, for an editor to list its problems; every bound before validation still holds.
#[test]
fn a_draft_skips_validation_only() {
    let mut s = preset("mm1");
    s.edges.clear();
    let link = share::encode(&s);
    assert!(matches!(share::decode(&link), Err(LinkError::Invalid(_))));
    assert_eq!(share::decode_draft(&link), Ok(s));

    let node = r#"{"id":"a","spec":{"kind":"client"}}"#;
    let json = format!(r#"{{"version":1,"nodes":[{}]}}"#, vec![node; 20_000].join(","));
    let draft = share::decode_draft(&link_of(json.as_bytes())).expect("a draft");
    assert_eq!(draft.nodes.len(), 1_001, "the count cap holds without validation");

    let mut bomb = br#"{"version":1,"description":""#.to_vec();
    bomb.resize(bomb.len() + 8 * 1024 * 1024, b' ');
    bomb.extend_from_slice(br#"","nodes":[]}"#);
    assert_eq!(share::decode_draft(&link_of(&bomb)), Err(INFLATE_LIMIT));
    assert_eq!(
        share::decode_draft(&link_of(br#"{"version":1,"nodes":[],"bogus":1}"#)).map(|_| ()),
        share::decode(&link_of(br#"{"version":1,"nodes":[],"bogus":1}"#)).map(|_| ())
    );
}
