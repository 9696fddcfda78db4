//! `switchyard link encode|decode` end to end: a preset survives the trip through a link, a whole URL and a
//! file both decode, and a bad link is one readable `error:` line with exit status 1.

use switchyard_core::{presets, scenario};

mod common;
use common::switchyard;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn encode_then_decode_gives_back_the_preset() {
    let enc = switchyard(&["link", "encode", "preset:06-shards"]);
    assert!(enc.status.success(), "{}", text(&enc.stderr));
    let fragment = text(&enc.stdout).trim().to_string();
    assert!(fragment.starts_with("#s=v1."), "{fragment}");
    assert_eq!(text(&enc.stderr).trim(), format!("{} characters", fragment.len()));

    let url = format!("https://example.org/switchyard/{fragment}");
    let dir = std::env::temp_dir().join(format!("switchyard-link-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("link.txt");
    std::fs::write(&file, format!("{fragment}\n")).unwrap();
    let expected = scenario::parse(presets::get("06-shards").unwrap()).unwrap();
    for arg in [fragment.as_str(), url.as_str(), file.to_str().unwrap()] {
        let dec = switchyard(&["link", "decode", arg]);
        assert!(dec.status.success(), "{arg}: {}", text(&dec.stderr));
        assert_eq!(scenario::parse(&text(&dec.stdout)), Ok(expected.clone()), "{arg}");
    }
}

#[test]
fn a_bad_link_is_one_error_line_and_exit_1() {
    for (link, words) in [
        ("#s=v99.AAAA", "made by a newer Switchyard (format 99"),
        ("v1.not*base64", "not base64url"),
        ("v1.AAAA", "does not decompress"),
        ("hello", "not a Switchyard share link"),
    ] {
        let out = switchyard(&["link", "decode", link]);
        assert_eq!(out.status.code(), Some(1), "{link}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(words), "{link}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = switchyard(&["link", "encode", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(1));
    let out = switchyard(&["link", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}
