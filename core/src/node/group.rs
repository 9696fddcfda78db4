//! Elastic tiers: what a service may add to its station settings to become an autoscaling group of identical
//! instances behind the group's own balancer (`group`), to be replaced after a crash (`replace`), and to have an
//! instance size with an hourly price (`instance_size`, `hourly_usd`). The specs, their inspector parameters and
//! their validation; the engine's `engine/group.rs` runs them.

use crate::scenario::params::{opt, p, Control, Param, MS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::time::ms_to_nanos;
use crate::topology::check::Errors;
use crate::topology::problem::Location;

/// The most instances one group may have (each is a node of the running topology).
pub const MAX_GROUP_SIZE: u32 = 100;

json_enum! {
    /// An instance size: vCPUs and an hourly price, after AWS EC2's general-purpose m5 family.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
    pub enum InstanceSize {
        /// 2 vCPUs.
        #[default]
        Large = "large",
        /// 4 vCPUs.
        Xlarge = "xlarge",
        /// 8 vCPUs.
        X2large = "2xlarge",
        /// 16 vCPUs.
        X4large = "4xlarge",
        /// 32 vCPUs.
        X8large = "8xlarge",
    }
}

impl InstanceSize {
    /// Its vCPUs. Within one family a bigger size has more cores of the same speed, so its `workers` scale
    /// with this and its service time does not.
    pub fn vcpus(self) -> u32 {
        match self {
            InstanceSize::Large => 2,
            InstanceSize::Xlarge => 4,
            InstanceSize::X2large => 8,
            InstanceSize::X4large => 16,
            InstanceSize::X8large => 32,
        }
    }

    /// The on-demand price in US dollars per hour: AWS EC2 m5.large … m5.8xlarge, Linux, US East (N.
    /// Virginia), as listed on aws.amazon.com/ec2/pricing/on-demand/ (unchanged since the family's 2017 launch,
    /// read 2024-06). `hourly_usd` overrides it.
    pub fn hourly_usd(self) -> f64 {
        match self {
            InstanceSize::Large => 0.096,
            InstanceSize::Xlarge => 0.192,
            InstanceSize::X2large => 0.384,
            InstanceSize::X4large => 0.768,
            InstanceSize::X8large => 1.536,
        }
    }

    /// Its name and vCPUs, for people.
    pub fn vcpus_label(self) -> String {
        let names = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"];
        let i = (self.vcpus().trailing_zeros() - 1) as usize;
        format!("{} ({} vCPU)", names[i.min(4)], self.vcpus())
    }

    /// Workers of this size for a service that has `workers` at size `from` (at least one).
    pub fn scale_workers(self, workers: u32, from: InstanceSize) -> u32 {
        let w = u64::from(workers) * u64::from(self.vcpus()) / u64::from(from.vcpus());
        (w.max(1)).min(u64::from(crate::limits::MAX_WORKERS)) as u32
    }
}

json_enum! {
    /// How a group decides its size.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ScalingPolicy {
        /// Keep the metric at `target`: size = ceil(in-service instances × metric / target).
        #[default]
        TargetTracking = "target_tracking",
        /// Add `step_add` instances when the metric stays above `scale_out_above`, remove `step_remove` when
        /// it stays below `scale_in_below`.
        Step = "step",
        /// No dynamic scaling: the size is `desired`, changed only by `scale` actions on the timeline.
        Scheduled = "scheduled",
    }
}

json_enum! {
    /// What a group's policy watches, per instance.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ScalingMetric {
        /// The fraction of workers busy, averaged over in-service instances.
        #[default]
        Utilization = "utilization",
        /// Requests waiting for a worker, per in-service instance.
        QueueDepth = "queue_depth",
        /// Requests per second arriving at the group, per registered instance.
        RequestsPerInstance = "requests_per_instance",
    }
}

json_enum! {
    /// How a group's balancer spreads requests over its registered instances.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum GroupRouting {
        /// In turn (an application load balancer's default).
        #[default]
        RoundRobin = "round_robin",
        /// To the instance with the fewest requests in flight.
        LeastOutstanding = "least_outstanding",
    }
}

fn one() -> u32 {
    1
}
fn ten() -> u32 {
    10
}
fn three() -> u32 {
    3
}
fn target() -> f64 {
    0.6
}
fn minute() -> f64 {
    60_000.0
}
fn five_minutes() -> f64 {
    300_000.0
}
fn ten_seconds() -> f64 {
    10_000.0
}
fn half_minute() -> f64 {
    30_000.0
}
fn half() -> f64 {
    0.5
}

json_spec! {
    /// An autoscaling group: this service is a tier of identical instances (each with the service's workers,
    /// service time and queue) behind the group's own balancer, sized between `min` and `max` by a policy.
    #[derive(Clone, Debug, PartialEq)]
    pub struct GroupSpec {
        /// Fewest instances.
        pub min: u32 = or(one()) => serde(default = "one"),
        /// Most instances (at most 100).
        pub max: u32 = or(ten()) => serde(default = "ten"),
        /// Instances at the start, serving and warm (`min` when absent).
        pub desired: Option<u32> = opt,
        pub policy: ScalingPolicy = or(ScalingPolicy::default()),
        pub metric: ScalingMetric = or(ScalingMetric::default()),
        /// Target tracking: the metric's target (a fraction for utilization, requests for queue depth,
        /// requests per second for requests per instance).
        pub target: f64 = or(target()) => serde(default = "target"),
        /// Step scaling: scale out when every sample of the window is above this.
        pub scale_out_above: Option<f64> = opt,
        /// Step scaling: scale in when every sample of the window is below this.
        pub scale_in_below: Option<f64> = opt,
        /// Step scaling: instances added at once.
        pub step_add: u32 = or(one()) => serde(default = "one"),
        /// Step scaling: instances removed at once.
        pub step_remove: u32 = or(one()) => serde(default = "one"),
        /// The metric window: three datapoints, each the mean of a third of it (one-second samples); a change
        /// needs all three on the same side.
        pub window_ms: f64 = or(minute()) => serde(default = "minute"),
        /// No scale-out within this long of the last one.
        pub scale_out_cooldown_ms: f64 = or(minute()) => serde(default = "minute"),
        /// No scale-in within this long of the last scaling of either kind.
        pub scale_in_cooldown_ms: f64 = or(five_minutes()) => serde(default = "five_minutes"),
        /// From launch until the instance's server runs.
        pub boot_ms: f64 = or(minute()) => serde(default = "minute"),
        /// After boot, until the balancer sends it requests (health checks passing).
        pub registration_ms: f64 = or(ten_seconds()) => serde(default = "ten_seconds"),
        /// After registration, the instance serves at `warmup_speed` (cold caches, JIT) and its metrics are
        /// left out of the policy's.
        pub warmup_ms: f64 = or(minute()) => serde(default = "minute"),
        /// Speed while warming, as a fraction of full speed (service times are divided by it).
        pub warmup_speed: f64 = or(half()) => serde(default = "half"),
        /// Scale-in drains an instance: no new requests, and it stops when idle or after this long.
        pub drain_ms: f64 = or(half_minute()) => serde(default = "half_minute"),
        /// Health checks probe each instance this often.
        pub health_check_ms: f64 = or(ten_seconds()) => serde(default = "ten_seconds"),
        /// Failed checks in a row that mark an instance unhealthy; the group then replaces it.
        pub unhealthy_after: u32 = or(three()) => serde(default = "three"),
        pub routing: GroupRouting = or(GroupRouting::default()),
    }
}

json_spec! {
    /// Self-healing for a service outside a group: after a crash, health checks notice and a new instance
    /// boots in its place.
    #[derive(Clone, Debug, PartialEq)]
    pub struct ReplaceSpec {
        /// Health checks probe the service this often.
        pub health_check_ms: f64 = or(ten_seconds()) => serde(default = "ten_seconds"),
        /// Failed checks in a row before it is replaced.
        pub unhealthy_after: u32 = or(three()) => serde(default = "three"),
        /// From launch until the new instance serves.
        pub boot_ms: f64 = or(minute()) => serde(default = "minute"),
    }
}

const SIZES: &[(&str, &str)] = &[
    ("large", "large: 2 vCPU, $0.096/h"),
    ("xlarge", "xlarge: 4 vCPU, $0.192/h"),
    ("2xlarge", "2xlarge: 8 vCPU, $0.384/h"),
    ("4xlarge", "4xlarge: 16 vCPU, $0.768/h"),
    ("8xlarge", "8xlarge: 32 vCPU, $1.536/h"),
];
const POLICIES: &[(&str, &str)] = &[
    ("target_tracking", "target tracking"),
    ("step", "step scaling"),
    ("scheduled", "scheduled only"),
];
const METRICS: &[(&str, &str)] = &[
    ("utilization", "utilization"),
    ("queue_depth", "queue depth"),
    ("requests_per_instance", "requests per instance"),
];
const ROUTINGS: &[(&str, &str)] = &[
    ("round_robin", "round robin"),
    ("least_outstanding", "least outstanding requests"),
];

/// A service's elastic parameters: its size and price, self-healing, and the autoscaling group.
pub const ELASTIC: &[Param] = &[
    opt(
        "instance_size",
        "Instance size",
        "",
        Control::Choice(SIZES),
        "Bill it as an EC2 m5 instance of this size (workers are for this size; a resize scales them with \
         vCPUs). Empty: not billed.",
    ),
    opt(
        "hourly_usd",
        "Hourly price",
        "$/h",
        Control::Number {
            min: 0.0,
            max: 1e4,
            step: 0.001,
        },
        "Price of one instance per hour, instead of its size's on-demand price.",
    ),
    p(
        "replace",
        "Replace on crash",
        "",
        Control::Group(r#"{"boot_ms": 60000}"#),
        "Self-healing: health checks notice a crash and a new instance boots in its place.",
    ),
    p(
        "replace.health_check_ms",
        "Health check every",
        "ms",
        MS,
        "How often it is probed. Detection takes up to this times the failed checks needed.",
    ),
    p(
        "replace.unhealthy_after",
        "Unhealthy after",
        "failed checks",
        Control::Int { min: 1.0, max: 100.0 },
        "Failed checks in a row before it is replaced.",
    ),
    p(
        "replace.boot_ms",
        "Boot time",
        "ms",
        MS,
        "From launch until the new instance serves. Its memory (sessions, caches) starts empty.",
    ),
    p(
        "group",
        "Autoscaling group",
        "",
        Control::Group(r#"{"min": 2, "max": 10}"#),
        "Run this service as a tier of identical instances behind its own balancer, sized by a policy: drawn \
         once, as a stack.",
    ),
    p(
        "group.min",
        "Min instances",
        "",
        Control::Int {
            min: 0.0,
            max: MAX_GROUP_SIZE as f64,
        },
        "Never fewer than this.",
    ),
    p(
        "group.max",
        "Max instances",
        "",
        Control::Int {
            min: 1.0,
            max: MAX_GROUP_SIZE as f64,
        },
        "Never more than this: the bill's ceiling.",
    ),
    opt(
        "group.desired",
        "Start with",
        "instances",
        Control::Int {
            min: 0.0,
            max: MAX_GROUP_SIZE as f64,
        },
        "Instances serving at the start (min when empty).",
    ),
    p(
        "group.policy",
        "Policy",
        "",
        Control::Choice(POLICIES),
        "Target tracking keeps a metric at a target; step scaling adds or removes a fixed number past \
         thresholds; scheduled only follows the timeline's scale actions.",
    ),
    p(
        "group.metric",
        "Metric",
        "",
        Control::Choice(METRICS),
        "What the policy watches, per instance. Utilization saturates at 1 under overload; queue depth and \
         request rate do not.",
    ),
    p(
        "group.target",
        "Target",
        "",
        Control::Number {
            min: 0.0,
            max: 1e7,
            step: 0.05,
        },
        "Target tracking: the metric's target. Lower leaves headroom for spikes and boot time, and costs more.",
    ),
    opt(
        "group.scale_out_above",
        "Scale out above",
        "",
        Control::Number {
            min: 0.0,
            max: 1e7,
            step: 0.05,
        },
        "Step scaling: add instances when the whole window is above this.",
    ),
    opt(
        "group.scale_in_below",
        "Scale in below",
        "",
        Control::Number {
            min: 0.0,
            max: 1e7,
            step: 0.05,
        },
        "Step scaling: remove instances when the whole window is below this.",
    ),
    p(
        "group.step_add",
        "Add",
        "instances",
        Control::Int {
            min: 1.0,
            max: MAX_GROUP_SIZE as f64,
        },
        "Step scaling: instances added at once.",
    ),
    p(
        "group.step_remove",
        "Remove",
        "instances",
        Control::Int {
            min: 1.0,
            max: MAX_GROUP_SIZE as f64,
        },
        "Step scaling: instances removed at once.",
    ),
    p(
        "group.window_ms",
        "Metric window",
        "ms",
        MS,
        "Three datapoints, each a third of it, must all be past the threshold: shorter reacts sooner and flaps \
         on noise.",
    ),
    p(
        "group.scale_out_cooldown_ms",
        "Scale-out cooldown",
        "ms",
        MS,
        "No scale-out within this long of the last one.",
    ),
    p(
        "group.scale_in_cooldown_ms",
        "Scale-in cooldown",
        "ms",
        MS,
        "No scale-in within this long of the last change. Too short and the group flaps.",
    ),
    p(
        "group.boot_ms",
        "Boot time",
        "ms",
        MS,
        "From launch until the instance's server runs.",
    ),
    p(
        "group.registration_ms",
        "Registration delay",
        "ms",
        MS,
        "From boot until the balancer sends it requests.",
    ),
    p(
        "group.warmup_ms",
        "Warm-up",
        "ms",
        MS,
        "After registration it serves slower, and the policy ignores its metrics.",
    ),
    p(
        "group.warmup_speed",
        "Warm-up speed",
        "fraction",
        Control::Number {
            min: 0.01,
            max: 1.0,
            step: 0.05,
        },
        "Speed while warming: 0.5 doubles service times.",
    ),
    p(
        "group.drain_ms",
        "Connection draining",
        "ms",
        MS,
        "A scaled-in instance takes no new requests and stops when idle or after this long.",
    ),
    p(
        "group.health_check_ms",
        "Health check every",
        "ms",
        MS,
        "How often each instance is probed.",
    ),
    p(
        "group.unhealthy_after",
        "Unhealthy after",
        "failed checks",
        Control::Int { min: 1.0, max: 100.0 },
        "Failed checks in a row before a crashed instance is replaced.",
    ),
    p(
        "group.routing",
        "Routing",
        "",
        Control::Choice(ROUTINGS),
        "How the group's balancer spreads requests over registered instances.",
    ),
];

// ---------------------------------------------------------------------------------------------------------
// Validation.

/// A validated group, in nanoseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCfg {
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub policy: ScalingPolicy,
    pub metric: ScalingMetric,
    pub target: f64,
    pub scale_out_above: f64,
    pub scale_in_below: f64,
    pub step_add: u32,
    pub step_remove: u32,
    /// One-second samples in the window (at least one); a datapoint is a third of them.
    pub window_samples: u32,
    pub scale_out_cooldown_ns: u64,
    pub scale_in_cooldown_ns: u64,
    pub boot_ns: u64,
    pub registration_ns: u64,
    pub warmup_ns: u64,
    pub warmup_speed: f64,
    pub drain_ns: u64,
    pub health: HealthTiming,
    pub routing: GroupRouting,
}

/// When health checks notice a crash: probes at every multiple of `interval_ns`, `fall` failures in a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthTiming {
    pub interval_ns: u64,
    pub fall: u32,
}

impl HealthTiming {
    /// When a crash at `at` is noticed: the `fall`-th probe after it.
    pub fn detected(&self, at: u64) -> u64 {
        let first = (at / self.interval_ns + 1).saturating_mul(self.interval_ns);
        first.saturating_add(self.interval_ns.saturating_mul(u64::from(self.fall.saturating_sub(1))))
    }
}

/// What a service's elastic settings make of it: a group, self-healing, and what an instance costs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ElasticCfg {
    pub group: Option<Box<GroupCfg>>,
    pub replace: Option<ReplaceCfg>,
    pub size: Option<InstanceSize>,
    /// Dollars per instance-hour (`None`: not billed).
    pub hourly_usd: Option<f64>,
}

/// A validated replacement policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplaceCfg {
    pub health: HealthTiming,
    pub boot_ns: u64,
}

fn health(loc: &Location, errs: &mut Errors, prefix: [&'static str; 2], interval_ms: f64, fall: u32) -> HealthTiming {
    errs.ms(loc, prefix[0], Some(interval_ms), false);
    if fall == 0 || fall > 100 {
        errs.bad(loc, prefix[1], format!("must be between 1 and 100, got {fall}"));
    }
    HealthTiming {
        interval_ns: ms_to_nanos(interval_ms).max(1),
        fall: fall.clamp(1, 100),
    }
}

impl ReplaceSpec {
    pub(crate) fn build(&self, loc: &Location, errs: &mut Errors) -> ReplaceCfg {
        errs.ms(loc, "replace.boot_ms", Some(self.boot_ms), true);
        ReplaceCfg {
            health: health(
                loc,
                errs,
                ["replace.health_check_ms", "replace.unhealthy_after"],
                self.health_check_ms,
                self.unhealthy_after,
            ),
            boot_ns: ms_to_nanos(self.boot_ms),
        }
    }
}

/// A metric's value must be a finite number at least zero, and a utilization at most 1.
fn metric_value(loc: &Location, errs: &mut Errors, field: &'static str, metric: ScalingMetric, v: f64, zero: bool) {
    let top = if metric == ScalingMetric::Utilization { 1.0 } else { 1e7 };
    if !(v.is_finite() && v <= top && (v > 0.0 || zero && v == 0.0)) {
        errs.bad(
            loc,
            field,
            format!(
                "must be a number {} and at most {top} for this metric, got {v}",
                if zero { "of zero or more" } else { "above zero" },
            ),
        );
    }
}

impl GroupSpec {
    pub(crate) fn build(&self, loc: &Location, errs: &mut Errors) -> GroupCfg {
        if self.max == 0 || self.max > MAX_GROUP_SIZE {
            errs.bad(
                loc,
                "group.max",
                format!("must be between 1 and {MAX_GROUP_SIZE}, got {}", self.max),
            );
        }
        if self.min > self.max {
            errs.bad(
                loc,
                "group.min",
                format!("must be at most group.max ({}), got {}", self.max, self.min),
            );
        }
        let max = self.max.clamp(1, MAX_GROUP_SIZE);
        let min = self.min.min(max);
        let desired = self.desired.unwrap_or(min);
        if desired < min || desired > max {
            errs.bad(
                loc,
                "group.desired",
                format!("must be between group.min ({min}) and group.max ({max}), got {desired}"),
            );
        }
        let (mut above, mut below) = (f64::INFINITY, f64::NEG_INFINITY);
        match self.policy {
            ScalingPolicy::TargetTracking => {
                metric_value(loc, errs, "group.target", self.metric, self.target, false);
            }
            ScalingPolicy::Step => {
                match (self.scale_out_above, self.scale_in_below) {
                    (None, None) => errs.bad(
                        loc,
                        "group.scale_out_above",
                        "step scaling needs scale_out_above, scale_in_below or both",
                    ),
                    (Some(a), Some(b)) if a <= b => errs.bad(
                        loc,
                        "group.scale_in_below",
                        format!("must be below scale_out_above ({a}), got {b}"),
                    ),
                    _ => {}
                }
                if let Some(a) = self.scale_out_above {
                    metric_value(loc, errs, "group.scale_out_above", self.metric, a, true);
                    above = a;
                }
                if let Some(b) = self.scale_in_below {
                    metric_value(loc, errs, "group.scale_in_below", self.metric, b, false);
                    below = b;
                }
            }
            ScalingPolicy::Scheduled => {}
        }
        for (field, n) in [
            ("group.step_add", self.step_add),
            ("group.step_remove", self.step_remove),
        ] {
            if n == 0 || n > MAX_GROUP_SIZE {
                errs.bad(loc, field, format!("must be between 1 and {MAX_GROUP_SIZE}, got {n}"));
            }
        }
        errs.ms(loc, "group.window_ms", Some(self.window_ms), false);
        if self.window_ms.is_finite() && self.window_ms > 3_600_000.0 {
            errs.range(loc, "group.window_ms", self.window_ms, (1000.0, 3_600_000.0), "ms");
        }
        for (field, v) in [
            ("group.scale_out_cooldown_ms", self.scale_out_cooldown_ms),
            ("group.scale_in_cooldown_ms", self.scale_in_cooldown_ms),
            ("group.boot_ms", self.boot_ms),
            ("group.registration_ms", self.registration_ms),
            ("group.warmup_ms", self.warmup_ms),
            ("group.drain_ms", self.drain_ms),
        ] {
            errs.ms(loc, field, Some(v), true);
        }
        if !(self.warmup_speed > 0.0 && self.warmup_speed <= 1.0) {
            errs.bad(
                loc,
                "group.warmup_speed",
                format!("must be a fraction above 0 and at most 1, got {}", self.warmup_speed),
            );
        }
        let samples = if self.window_ms.is_finite() {
            (self.window_ms / 1000.0).ceil().clamp(1.0, 3600.0) as u32
        } else {
            1
        };
        GroupCfg {
            min,
            max,
            desired: desired.clamp(min, max),
            policy: self.policy,
            metric: self.metric,
            target: self.target,
            scale_out_above: above,
            scale_in_below: below,
            step_add: self.step_add.clamp(1, MAX_GROUP_SIZE),
            step_remove: self.step_remove.clamp(1, MAX_GROUP_SIZE),
            window_samples: samples,
            scale_out_cooldown_ns: ms_to_nanos(self.scale_out_cooldown_ms),
            scale_in_cooldown_ns: ms_to_nanos(self.scale_in_cooldown_ms),
            boot_ns: ms_to_nanos(self.boot_ms),
            registration_ns: ms_to_nanos(self.registration_ms),
            warmup_ns: ms_to_nanos(self.warmup_ms),
            warmup_speed: if self.warmup_speed > 0.0 && self.warmup_speed <= 1.0 {
                self.warmup_speed
            } else {
                1.0
            },
            drain_ns: ms_to_nanos(self.drain_ms),
            health: health(
                loc,
                errs,
                ["group.health_check_ms", "group.unhealthy_after"],
                self.health_check_ms,
                self.unhealthy_after,
            ),
            routing: self.routing,
        }
    }
}

/// The hourly price a spec's size and override give (`None`: not billed).
pub(crate) fn hourly(
    size: Option<InstanceSize>,
    hourly_usd: Option<f64>,
    loc: &Location,
    errs: &mut Errors,
) -> Option<f64> {
    if let Some(v) = hourly_usd {
        if !(v.is_finite() && (0.0..=1e4).contains(&v)) {
            errs.bad(
                loc,
                "hourly_usd",
                format!("must be a price between 0 and 10000 dollars per hour, got {v}"),
            );
            return None;
        }
        return Some(v);
    }
    size.map(InstanceSize::hourly_usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_is_noticed_at_the_fall_th_probe_after_it() {
        let h = HealthTiming {
            interval_ns: 10,
            fall: 3,
        };
        // Probes at 10, 20, 30, …: a crash at 5 fails the probes at 10, 20 and 30.
        assert_eq!(h.detected(5), 30);
        // A crash exactly at a probe's time is seen by the next one.
        assert_eq!(h.detected(10), 40);
        let one = HealthTiming {
            interval_ns: 10,
            fall: 1,
        };
        assert_eq!(one.detected(19), 20);
    }

    #[test]
    fn workers_scale_with_vcpus_and_prices_double_each_size() {
        use InstanceSize::*;
        assert_eq!(X4large.scale_workers(4, Large), 32);
        assert_eq!(Large.scale_workers(3, Xlarge), 1);
        let all = [Large, Xlarge, X2large, X4large, X8large];
        for w in all.windows(2) {
            assert_eq!(w[1].vcpus(), 2 * w[0].vcpus());
            assert!((w[1].hourly_usd() - 2.0 * w[0].hourly_usd()).abs() < 1e-12);
        }
    }

    fn errors(spec: &GroupSpec) -> Vec<String> {
        let mut errs = Errors(Vec::new());
        spec.build(&Location::Node("web".into()), &mut errs);
        errs.0.iter().map(|e| e.to_string()).collect()
    }

    fn base() -> GroupSpec {
        crate::scenario::v1::codec::read(&serde_json::json!({})).expect("defaults")
    }

    #[test]
    fn the_defaults_are_valid_and_bad_settings_are_named() {
        assert!(errors(&base()).is_empty(), "{:?}", errors(&base()));
        let min_over_max = GroupSpec {
            min: 5,
            max: 3,
            ..base()
        };
        assert!(errors(&min_over_max).iter().any(|e| e.contains("group.min")));
        let negative_boot = GroupSpec {
            boot_ms: -1.0,
            ..base()
        };
        assert!(errors(&negative_boot).iter().any(|e| e.contains("group.boot_ms")));
        let no_steps = GroupSpec {
            policy: ScalingPolicy::Step,
            ..base()
        };
        assert!(errors(&no_steps).iter().any(|e| e.contains("group.scale_out_above")));
        let crossed = GroupSpec {
            policy: ScalingPolicy::Step,
            scale_out_above: Some(0.3),
            scale_in_below: Some(0.5),
            ..base()
        };
        assert!(errors(&crossed).iter().any(|e| e.contains("group.scale_in_below")));
        let over_one = GroupSpec { target: 1.5, ..base() };
        assert!(errors(&over_one).iter().any(|e| e.contains("group.target")));
        let too_big = GroupSpec { max: 101, ..base() };
        assert!(errors(&too_big).iter().any(|e| e.contains("group.max")));
        let desired_out = GroupSpec {
            desired: Some(20),
            ..base()
        };
        assert!(errors(&desired_out).iter().any(|e| e.contains("group.desired")));
        let slow = GroupSpec {
            warmup_speed: 0.0,
            ..base()
        };
        assert!(errors(&slow).iter().any(|e| e.contains("group.warmup_speed")));
    }
}
