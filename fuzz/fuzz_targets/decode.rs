//! Fuzz target: `share::decode` on arbitrary input must return, never panic, overflow the stack or allocate
//! without bound; and whatever it accepts must re-encode to a link that decodes to the same scenario. The JSON
//! inside is also read by serde's derives (the `serde-oracle` feature): whatever the hand-written codec accepts,
//! serde accepts as the same value and writes as the same bytes (the codec is stricter only in the deliberate
//! ways docs/scenario.md lists).
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use switchyard_core::share;

fuzz_target!(|data: &[u8]| {
    // Each input is tried three ways, so every stage of the decoder sees arbitrary data:
    // 1. as the link text itself (prefix parsing, base64);
    check(&String::from_utf8_lossy(data));
    // 2. as the deflated payload (the inflater and its size limit);
    check(&format!("v1.{}", URL_SAFE_NO_PAD.encode(data)));
    // 3. as the JSON inside (the depth scan, serde, the version check and validation).
    let deflated = miniz_oxide::deflate::compress_to_vec(data, 1);
    check(&format!("#s=v1.{}", URL_SAFE_NO_PAD.encode(deflated)));
    // 4. as scenario JSON for the codec and the serde oracle.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(ours) = switchyard_core::scenario::parse(text) {
            let theirs: switchyard_core::scenario::Scenario =
                serde_json::from_str(text).expect("the codec accepted what serde refuses");
            assert_eq!(ours, theirs);
            assert_eq!(switchyard_core::scenario::to_json(&ours, false), serde_json::to_vec(&theirs).unwrap());
        }
    }
});

fn check(fragment: &str) {
    if let Ok(s) = share::decode(fragment) {
        let again = share::decode(&share::encode(&s));
        assert_eq!(again.as_ref(), Ok(&s), "an accepted link must round-trip");
    }
}
