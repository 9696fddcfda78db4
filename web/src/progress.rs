//! Challenge progress, kept in the browser: each challenge's best score and whether it was solved, in
//! `localStorage` under one key as a JSON object `{"<id>": {"score": 66, "solved": false}, …}`. Storage that is
//! missing, full or holds something else is no progress, never an error: practising works without it.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use switchyard_core::challenge::ScoreCard;

const KEY: &str = "switchyard.challenges.v1";

/// A challenge's best attempt so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Best {
    pub score: u32,
    pub solved: bool,
}

/// Every challenge's best attempt, from `text` (what the storage holds); anything malformed is skipped.
pub fn parse(text: &str) -> BTreeMap<String, Best> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter_map(|(id, v)| {
            let score = v.get("score")?.as_u64()?.min(100) as u32;
            let solved = v.get("solved")?.as_bool()?;
            Some((id, Best { score, solved }))
        })
        .collect()
}

/// `all` with `card` folded in (the best score, solved once solved), as the text to store.
pub fn with(mut all: BTreeMap<String, Best>, card: &ScoreCard) -> (BTreeMap<String, Best>, String) {
    let best = all.entry(card.challenge.clone()).or_default();
    best.score = best.score.max(card.score);
    best.solved |= card.solved;
    let text = Value::Object(
        all.iter()
            .map(|(id, b)| (id.clone(), json!({"score": b.score, "solved": b.solved})))
            .collect(),
    )
    .to_string();
    (all, text)
}

/// The stored progress.
pub fn load() -> BTreeMap<String, Best> {
    crate::share::storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .map(|t| parse(&t))
        .unwrap_or_default()
}

/// Records a scored attempt; returns the progress with it.
pub fn record(card: &ScoreCard) -> BTreeMap<String, Best> {
    let (all, text) = with(load(), card);
    if let Some(s) = crate::share::storage() {
        let _ = s.set_item(KEY, &text);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, score: u32, solved: bool) -> ScoreCard {
        ScoreCard {
            challenge: id.into(),
            seed: 1,
            goals: Vec::new(),
            passed: 0,
            score,
            solved,
        }
    }

    /// The best score is kept, solved stays solved, other challenges are untouched, and what is stored reads
    /// back; malformed storage is no progress.
    #[test]
    fn the_best_attempt_is_kept() {
        let (all, text) = with(BTreeMap::new(), &card("a", 66, false));
        let (all, _) = with(all, &card("b", 100, true));
        let (all, _) = with(all, &card("a", 33, false));
        let (all, text2) = with(all, &card("b", 50, false));
        assert_eq!(
            all["a"],
            Best {
                score: 66,
                solved: false
            }
        );
        assert_eq!(
            all["b"],
            Best {
                score: 100,
                solved: true
            }
        );
        assert_eq!(parse(&text2), all);
        assert_eq!(parse(&text)["a"].score, 66);
        for junk in [
            "",
            "[]",
            "{\"a\": 3}",
            "{\"a\": {\"score\": \"x\", \"solved\": true}}",
            "nul",
        ] {
            assert!(parse(junk).is_empty(), "{junk}");
        }
        assert_eq!(parse("{\"a\": {\"score\": 900, \"solved\": true}}")["a"].score, 100);
    }
}
