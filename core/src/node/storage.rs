//! Validation of what databases store and what workloads ask of them: a database's storage engine (`engine`,
//! [`crate::dbengine::spec`]) and a workload's operations (`ops`). Kept apart from `dbengine`, which holds pure
//! cost models and depends on no validation.

use crate::dbengine::spec::{field, profile_name, EngineCfg, EngineSpec, APPLIES};
use crate::limits::{MAX_CACHE_CAPACITY, MAX_KEYS};
use crate::scenario::v1::values as v1;
use crate::topology::check::Errors;
use crate::topology::problem::Location;

/// Checks an `engine` block's settings against its profile and their ranges.
pub(crate) fn engine_cfg(spec: &EngineSpec, loc: &Location, errs: &mut Errors) -> EngineCfg {
    use crate::dbengine::spec::defaults as d;
    for ((name, set), (_, profiles)) in spec.given().into_iter().zip(APPLIES) {
        if set && !profiles.contains(&spec.profile) {
            let names: Vec<&str> = profiles.iter().map(|&p| profile_name(p)).collect();
            errs.bad(
                loc,
                field(name),
                format!(
                    "applies to a {} engine, not {}",
                    names.join(" or "),
                    profile_name(spec.profile)
                ),
            );
        }
    }
    let rows = spec.rows.unwrap_or(d::ROWS);
    if rows == 0 || rows > MAX_KEYS {
        errs.bad(
            loc,
            "engine.rows",
            format!("must be between 1 and {MAX_KEYS}, got {rows}"),
        );
    }
    let indexes = spec.indexes.unwrap_or(d::INDEXES);
    if indexes > 64 {
        errs.bad(loc, "engine.indexes", format!("at most 64, got {indexes}"));
    }
    let fanout = spec.fanout.unwrap_or(d::FANOUT);
    if !(2..=100_000).contains(&fanout) {
        errs.bad(
            loc,
            "engine.fanout",
            format!("must be between 2 and 100000, got {fanout}"),
        );
    }
    let mut ms = |name: &'static str, v: Option<f64>, default: f64| -> f64 {
        errs.ms(loc, name, v, true);
        v.unwrap_or(default) * 1e6
    };
    let page_ns = ms("engine.page_ms", spec.page_ms, d::PAGE_MS);
    let row_ns = ms("engine.row_ms", spec.row_ms, d::ROW_MS);
    let commit_ns = ms("engine.commit_ms", spec.commit_ms, d::COMMIT_MS);
    let op_ns = ms("engine.op_ms", spec.op_ms, d::OP_MS);
    let round_trip_ns = ms("engine.round_trip_ms", spec.round_trip_ms, d::ROUND_TRIP_MS);
    let write_ns = ms("engine.write_ms", spec.write_ms, d::WRITE_MS);
    let read_ns = ms("engine.read_ms", spec.read_ms, d::READ_MS);
    let run_ns = ms("engine.run_ms", spec.run_ms, d::RUN_MS);
    let compact_ns_per_row = ms(
        "engine.compact_ms_per_row",
        spec.compact_ms_per_row,
        d::COMPACT_MS_PER_ROW,
    );
    let hop_ns = ms("engine.hop_ms", spec.hop_ms, d::HOP_MS);
    errs.ms(loc, "engine.lock_timeout_ms", spec.lock_timeout_ms, false);
    let copies = spec.copies.unwrap_or(d::COPIES);
    if copies > 10_000 {
        errs.bad(loc, "engine.copies", format!("at most 10000, got {copies}"));
    }
    let memtable_rows = spec.memtable_rows.unwrap_or(d::MEMTABLE_ROWS);
    if !(1..=100_000_000).contains(&memtable_rows) {
        errs.bad(
            loc,
            "engine.memtable_rows",
            format!("must be between 1 and 100000000, got {memtable_rows}"),
        );
    }
    let compaction_threshold = spec.compaction_threshold.unwrap_or(d::COMPACTION_THRESHOLD);
    if !(2..=1000).contains(&compaction_threshold) {
        errs.bad(
            loc,
            "engine.compaction_threshold",
            format!("must be between 2 and 1000, got {compaction_threshold}"),
        );
    }
    let compaction_share = spec.compaction_share.unwrap_or(d::COMPACTION_SHARE);
    if !(compaction_share.is_finite() && (0.0..1.0).contains(&compaction_share)) {
        errs.bad(
            loc,
            "engine.compaction_share",
            format!("must be a fraction in [0, 1), got {compaction_share}"),
        );
    }
    let value_bytes = spec.value_bytes.unwrap_or(d::VALUE_BYTES);
    let overhead = spec.entry_overhead_bytes.unwrap_or(d::ENTRY_OVERHEAD_BYTES);
    if value_bytes == 0 {
        errs.bad(loc, "engine.value_bytes", "must be at least 1");
    }
    let capacity = spec.memory_mb.and_then(|mb| {
        if !(mb.is_finite() && mb > 0.0 && mb <= 1e9) {
            errs.bad(loc, "engine.memory_mb", format!("must be in (0, 1e9] MiB, got {mb}"));
            return None;
        }
        let keys = (mb * 1_048_576.0 / (f64::from(value_bytes) + f64::from(overhead))) as u64;
        if keys == 0 {
            errs.bad(loc, "engine.memory_mb", "holds no key at this value size");
        } else if keys > MAX_CACHE_CAPACITY {
            errs.bad(
                loc,
                "engine.memory_mb",
                format!(
                    "holds {keys} keys; the simulator tracks at most {MAX_CACHE_CAPACITY} (raise value_bytes \
                     or lower memory_mb; unlimited memory tracks none)"
                ),
            );
        }
        Some(keys)
    });
    EngineCfg {
        profile: spec.profile,
        rows,
        indexes,
        indexed_lookups: spec.indexed_lookups.unwrap_or(true),
        page_ns,
        fanout,
        row_ns,
        commit_ns,
        join: spec.join.unwrap_or_default(),
        lock_timeout_ns: spec.lock_timeout_ms.map(crate::time::ms_to_nanos),
        op_ns,
        capacity,
        when_full: spec.when_full.unwrap_or_default(),
        joins: spec.joins.unwrap_or_default(),
        round_trip_ns,
        copies,
        write_ns,
        read_ns,
        run_ns,
        memtable_rows,
        compaction_threshold,
        compact_ns_per_row,
        compaction_share,
        hop_ns,
    }
}

/// A workload's `ops`: at most [`MAX_OPS`](crate::limits::MAX_OPS) entries, positive weights, each size within
/// its bounds and given only to an operation it means something to; they replace `mix`.
pub(crate) fn ops_ok(w: &v1::Workload, loc: &Location, errs: &mut Errors) {
    use v1::OpKind;
    if w.ops.is_empty() {
        return;
    }
    if w.ops.len() > crate::limits::MAX_OPS {
        errs.bad(
            loc,
            "ops",
            format!("at most {} operations, got more", crate::limits::MAX_OPS),
        );
    }
    if w.mix != v1::Mix::default() {
        errs.bad(
            loc,
            "mix",
            "ops replace mix: remove mix (put and txn are writes, every other operation a read)",
        );
    }
    for (i, e) in w.ops.iter().enumerate() {
        let name = crate::dbengine::op_name(e.op);
        if let Some(wt) = e.weight {
            if !(wt.is_finite() && wt > 0.0 && wt <= 1e9) {
                errs.bad(
                    loc,
                    "ops",
                    format!("ops[{i}] ({name}): weight must be in (0, 1e9], got {wt}"),
                );
            }
        }
        let uses = |field: &str| e.op.uses(field);
        let sizes = [
            ("rows", e.rows, 1, 10_000_000),
            ("tables", e.tables, 2, 16),
            ("depth", e.depth, 1, 6),
            ("degree", e.degree, 1, 1000),
        ];
        for (field, v, lo, hi) in sizes {
            let Some(v) = v else { continue };
            if !uses(field) {
                errs.bad(loc, "ops", format!("ops[{i}]: {field} means nothing to a {name}"));
            } else if !(lo..=hi).contains(&v) {
                errs.bad(
                    loc,
                    "ops",
                    format!("ops[{i}] ({name}): {field} must be between {lo} and {hi}, got {v}"),
                );
            }
        }
        let op = crate::dbengine::DbOp::from_entry(e);
        if op.kind == OpKind::Traverse && (1..=6).contains(&op.depth) && op.visited() > 1e8 {
            errs.bad(
                loc,
                "ops",
                format!(
                    "ops[{i}] (traverse): visits {:.0} vertices (degree + degree² + … to depth), more than 100,000,000",
                    op.visited()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dbengine::spec::{applies, EngineSpec, Profile, PARAMS};
    use crate::scenario::params::{from_tree, Control, Param};
    use crate::topology::problem::Problem;
    use serde_json::{json, Value};

    /// A value validation accepts for the setting `p` (its control's first choice, a value in its range).
    fn valid(p: &Param) -> Value {
        match p.control {
            Control::Choice(options) => options[0].0.into(),
            Control::Bool(_) => true.into(),
            Control::Int { min, .. } => json!(min.max(2.0) as u64),
            _ => json!(0.5),
        }
    }

    /// `applies` says what validation says: a setting given to a profile it does not apply to is refused
    /// with "applies to a … engine", and every other one is not.
    #[test]
    fn applies_agrees_with_validation() {
        let mut refused = 0;
        for profile in Profile::NAMES {
            for p in PARAMS.iter().filter(|p| !matches!(p.key, "engine" | "engine.profile")) {
                let field = p.key.strip_prefix("engine.").expect("under engine.");
                let spec: EngineSpec =
                    from_tree(&json!({ "profile": profile, field: valid(p) })).expect("the format reads it");
                let mut errs = Errors(Vec::new());
                engine_cfg(&spec, &Location::Node("db".into()), &mut errs);
                let not_for_it = errs.0.iter().any(|e| {
                    matches!(&e.problem, Problem::BadParameter { field: f, message }
                        if *f == p.key && message.starts_with("applies to a"))
                });
                assert_eq!(
                    not_for_it,
                    !applies(field, spec.profile),
                    "{field} on {profile}: {:?}",
                    errs.0
                );
                refused += usize::from(not_for_it);
            }
        }
        assert!(refused > 20, "only {refused} settings refused across profiles");
        assert!(applies("rows", Profile::KeyValue) && applies("profile", Profile::Graph));
    }
}
