//! Calls that carry a policy ([`crate::topology::CallCfg`] on an edge): each attempt is a request of its own
//! (a child), so the caller can time it out and retry while the callee goes on with the old one (that work is
//! wasted, as it is in a real system). Breakers and bulkheads fail attempts fast before they are sent; a retry
//! budget stops retries beyond a fraction of calls. And what serving nodes do to protect themselves: error
//! rates, rate limits, load shedding, and dropping requests whose deadline has passed.

use super::*;
use crate::resilience::{shed, Admit, Breaker, BreakerState, RetryBudget};

/// A caller's view of one policy edge while the simulation runs.
#[derive(Debug, Default)]
pub(super) struct EdgeRt {
    pub breaker: Breaker,
    pub budget: Option<RetryBudget>,
    /// Attempts sent and not yet answered, timed out or lost (the bulkhead's count).
    pub in_flight: u32,
    pub calls: u64,
    pub attempts: u64,
    pub retries: u64,
    pub timeouts: u64,
    pub failures: u64,
    pub budget_denied: u64,
    pub circuit_open: u64,
    pub bulkhead_full: u64,
    /// Answers that came back after their attempt had timed out: work done for nobody.
    pub late: u64,
}

/// One call on a policy edge: the request waiting at the caller, and the attempt in progress.
#[derive(Clone, Copy, Debug)]
pub(super) struct HopCall {
    parent: Handle<Req>,
    edge: EdgeIx,
    attempt: u32,
    admit: Admit,
    /// The current attempt still counts against the bulkhead.
    holding: bool,
    awaiting_retry: bool,
}

impl Sim {
    /// The caller on top of `req`'s stack calls over policy edge `edge`.
    pub(super) fn hop_call(&mut self, req: u32, edge: EdgeIx) {
        let rt = self.edges[edge as usize]
            .rt
            .as_deref_mut()
            .expect("a policy edge has its state");
        rt.calls += 1;
        if let Some(b) = rt.budget.as_mut() {
            let cfg = self.topo.edges[edge as usize]
                .policy
                .as_ref()
                .and_then(|p| p.retry.as_ref());
            if let Some(bc) = cfg.and_then(|r| r.budget.as_ref()) {
                b.deposit(bc);
            }
        }
        let parent = self.reqs.handle(req);
        let fresh = HopCall {
            parent,
            edge,
            attempt: 0,
            admit: Admit::Pass,
            holding: false,
            awaiting_retry: false,
        };
        let (h, hc) = self.hop_calls.alloc(|| fresh);
        *hc = fresh;
        self.hop_attempt(h.index());
    }

    /// Starts the next attempt of hop call `hc`, unless its breaker or bulkhead refuses it.
    fn hop_attempt(&mut self, hc: u32) {
        let (parent, edge) = (self.hop_calls[hc].parent, self.hop_calls[hc].edge);
        if !self.reqs.is_live(parent) {
            self.hop_calls.free(hc);
            return;
        }
        let p = parent.index();
        let f = *self.top(p);
        let n = &self.nodes[f.node as usize];
        if !n.up || n.epoch != f.epoch {
            self.hop_calls.free(hc);
            self.fail_from_dead(p);
            return;
        }
        if self.reqs[p].deadline <= self.now {
            self.finish_hop(hc, Outcome::Fail(FailReason::DeadlineExceeded), (NONE, 0));
            return;
        }
        let ei = edge as usize;
        let cfg = self.topo.edges[ei]
            .policy
            .as_deref()
            .expect("a policy edge has its policy");
        let (timeout, breaker, bulkhead) = (cfg.timeout_ns, cfg.breaker, cfg.max_concurrent);
        let rt = self.edges[ei].rt.as_deref_mut().expect("a policy edge has its state");
        let mut admit = Admit::Pass;
        if let Some(bc) = &breaker {
            let (a, moved) = rt.breaker.admit(bc, self.now);
            admit = a;
            if let Some(t) = moved {
                self.log_breaker(edge, t.to);
            }
            if admit == Admit::Reject {
                let rt = self.edges[ei].rt.as_deref_mut().expect("state");
                rt.circuit_open += 1;
                self.finish_hop(hc, Outcome::Fail(FailReason::CircuitOpen), (NONE, 0));
                return;
            }
        }
        let full = self.at_memory_limit();
        let rt = self.edges[ei].rt.as_deref_mut().expect("state");
        if bulkhead.is_some_and(|m| rt.in_flight >= m) {
            rt.bulkhead_full += 1;
            rt.breaker.abandon(admit);
            self.finish_hop(hc, Outcome::Fail(FailReason::BulkheadFull), (NONE, 0));
            return;
        }
        if full {
            rt.breaker.abandon(admit);
            self.finish_hop(hc, Outcome::Fail(FailReason::MemoryLimit), (NONE, 0));
            return;
        }
        rt.in_flight += 1;
        rt.attempts += 1;
        let call = &mut self.hop_calls[hc];
        call.attempt += 1;
        call.admit = admit;
        call.holding = true;
        let attempt = call.attempt;
        if attempt > 1 {
            self.edges[ei].rt.as_deref_mut().expect("state").retries += 1;
        }
        let (key, class, bytes, seen, deadline, user, op) = {
            let r = &self.reqs[p];
            (r.key, r.class, r.bytes, r.seen, r.deadline, r.user, r.op)
        };
        let h = self.hop_calls.handle(hc);
        let child = self.alloc_req(Purpose::Hop { hc: h, attempt, edge }, key, class);
        let r = &mut self.reqs[child];
        r.bytes = bytes;
        r.seen = seen;
        // The attempt is the caller's request's: a service behind this edge sees its user and operation.
        r.user = user;
        r.op = op;
        // A propagated deadline shrinks to this attempt's timeout (gRPC's rule); none stays none.
        r.deadline = match timeout {
            Some(t) if deadline != u64::MAX => deadline.min(self.now.saturating_add(t)),
            _ => deadline,
        };
        r.frames.push(Frame::at(f.node, NONE, f.epoch, 0));
        if let Some(t) = timeout {
            self.queue
                .push(self.now.saturating_add(t), Ev::HopTimeout { hc: h, attempt });
        }
        self.send(child, edge);
    }

    /// An attempt's request came back to its caller.
    pub(super) fn hop_response(&mut self, child: u32) {
        let (outcome, seen, purpose) = {
            let r = &self.reqs[child];
            (r.outcome, r.seen, r.purpose)
        };
        self.free_req(child);
        let Purpose::Hop { hc, attempt, edge } = purpose else {
            unreachable!("only attempts of hop calls come here")
        };
        // An answer nobody reads counts as late: work done for nobody. A callee that dropped the request for
        // its passed deadline did no work, so that refusal is not counted.
        let wasted = outcome != Outcome::Fail(FailReason::DeadlineExceeded);
        let Some(c) = self.hop_calls.get(hc) else {
            // The call is over: this attempt timed out and the call then failed for good.
            if let Some(rt) = self.edges.get_mut(edge as usize).and_then(|e| e.rt.as_deref_mut()) {
                rt.late += u64::from(wasted);
            }
            return;
        };
        let edge = c.edge as usize;
        if c.attempt != attempt || c.awaiting_retry || !c.holding {
            self.edges[edge].rt.as_deref_mut().expect("state").late += u64::from(wasted);
            return;
        }
        let hc = hc.index();
        let ok = !outcome.is_failure();
        self.end_attempt(hc, ok);
        match outcome {
            Outcome::Fail(reason) => self.hop_attempt_failed(hc, reason),
            o => self.finish_hop(hc, o, seen),
        }
    }

    /// The current attempt of `hc` ended (answered, timed out or lost): it leaves the bulkhead and its outcome
    /// goes to the breaker.
    fn end_attempt(&mut self, hc: u32, ok: bool) {
        let c = &mut self.hop_calls[hc];
        c.holding = false;
        let (edge, admit) = (c.edge as usize, c.admit);
        let breaker = self.topo.edges[edge].policy.as_deref().and_then(|p| p.breaker);
        let rt = self.edges[edge].rt.as_deref_mut().expect("state");
        rt.in_flight = rt.in_flight.saturating_sub(1);
        if !ok {
            rt.failures += 1;
        }
        if let Some(bc) = breaker {
            if let Some(t) = rt.breaker.record(&bc, self.now, admit, ok) {
                self.log_breaker(edge as EdgeIx, t.to);
            }
        }
    }

    pub(super) fn on_hop_timeout(&mut self, hc: Handle<HopCall>, attempt: u32) {
        let Some(c) = self.hop_calls.get(hc) else { return };
        if c.attempt != attempt || c.awaiting_retry || !c.holding {
            return;
        }
        let hc = hc.index();
        self.edges[c.edge as usize].rt.as_deref_mut().expect("state").timeouts += 1;
        self.end_attempt(hc, false);
        self.hop_attempt_failed(hc, FailReason::Timeout);
    }

    pub(super) fn on_hop_retry(&mut self, hc: Handle<HopCall>) {
        if self.hop_calls.is_live(hc) {
            let hc = hc.index();
            self.hop_calls[hc].awaiting_retry = false;
            self.hop_attempt(hc);
        }
    }

    /// An attempt's request was lost on the way (a lost message, a partition): the caller hears nothing, so
    /// with a timeout it waits for it; without one it learns at once (as a reset connection).
    pub(super) fn hop_lost(&mut self, hc: Handle<HopCall>, attempt: u32, reason: FailReason) {
        let Some(c) = self.hop_calls.get(hc) else { return };
        if c.attempt != attempt || c.awaiting_retry || !c.holding {
            return;
        }
        let has_timeout = self.topo.edges[c.edge as usize]
            .policy
            .as_deref()
            .is_some_and(|p| p.timeout_ns.is_some());
        if !has_timeout {
            let hc = hc.index();
            self.end_attempt(hc, false);
            self.hop_attempt_failed(hc, reason);
        }
    }

    /// Retries after backoff if the policy and the budget allow, or gives the caller the failure.
    fn hop_attempt_failed(&mut self, hc: u32, reason: FailReason) {
        let (edge, attempt) = (self.hop_calls[hc].edge as usize, self.hop_calls[hc].attempt);
        let caller = self.topo.edges[edge].from as usize;
        let retry = self.topo.edges[edge].policy.as_deref().and_then(|p| p.retry.as_ref());
        if let Some(delay) = retry.and_then(|r| r.backoff(attempt, &mut self.nodes[caller].rng)) {
            let rt = self.edges[edge].rt.as_deref_mut().expect("state");
            let allowed = rt.budget.as_mut().is_none_or(|b| b.try_withdraw());
            if allowed {
                self.hop_calls[hc].awaiting_retry = true;
                let h = self.hop_calls.handle(hc);
                self.queue.push(self.now.saturating_add(delay), Ev::HopRetry { hc: h });
                return;
            }
            rt.budget_denied += 1;
        }
        self.finish_hop(hc, Outcome::Fail(reason), (NONE, 0));
    }

    /// Hop call `hc` is over: its caller goes on with `outcome` as if its dependency had answered it.
    fn finish_hop(&mut self, hc: u32, outcome: Outcome, seen: (NodeIx, u64)) {
        let parent = self.hop_calls[hc].parent;
        self.hop_calls.free(hc);
        if !self.reqs.is_live(parent) {
            return;
        }
        let p = parent.index();
        let f = *self.top(p);
        let n = &self.nodes[f.node as usize];
        if !n.up || n.epoch != f.epoch {
            self.fail_from_dead(p);
            return;
        }
        self.reqs[p].outcome = outcome;
        if outcome.is_failure() {
            self.respond(p, outcome);
        } else {
            self.reqs[p].seen = seen;
            self.proceed(p);
        }
    }

    /// What `req` is ultimately for: a hop call's attempt serves its caller's request, and so on up.
    pub(super) fn root_purpose(&self, req: u32) -> Purpose {
        let mut purpose = self.reqs[req].purpose;
        while let Purpose::Hop { hc, .. } = purpose {
            let Some(c) = self.hop_calls.get(hc) else { break };
            let Some(parent) = self.reqs.get(c.parent) else { break };
            purpose = parent.purpose;
        }
        purpose
    }

    fn log_breaker(&mut self, edge: EdgeIx, to: BreakerState) {
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Breaker { edge, state: to },
        });
    }

    /// The circuit breaker's state on `edge` now, if the edge has one.
    pub fn breaker_state(&self, edge: EdgeIx) -> Option<BreakerState> {
        let cfg = self.topo.edges.get(edge as usize)?.policy.as_deref()?.breaker?;
        Some(self.edges[edge as usize].rt.as_deref()?.breaker.state(&cfg, self.now))
    }

    // ----- the serving side -------------------------------------------------------------------------------

    /// A request arrives at a node with admission settings: shedding by queue length or its rate limit may
    /// refuse it. True when it may go on.
    pub(super) fn admit_arrival(&mut self, req: u32, ni: usize) -> bool {
        if let Some(m) = self.topo.nodes[ni].admission.shed_queue {
            if self.nodes[ni].waiting.len() >= m as usize {
                self.metrics.nodes[ni].shed += 1;
                self.respond(req, Outcome::Fail(FailReason::Shed));
                return false;
            }
        }
        if let Some(cfg) = &self.topo.nodes[ni].admission.limit {
            if !self.nodes[ni].limiter.admit(cfg, self.now) {
                self.metrics.nodes[ni].rate_limited += 1;
                self.respond(req, Outcome::Fail(FailReason::RateLimited));
                return false;
            }
        }
        true
    }

    /// After service: a node with an error rate fails this request with that chance. True when it failed.
    pub(super) fn service_error(&mut self, req: u32, ni: usize) -> bool {
        let rate = self.topo.nodes[ni].admission.error_rate;
        if rate > 0.0 && self.nodes[ni].rng.chance(rate) {
            self.metrics.nodes[ni].errors += 1;
            self.respond(req, Outcome::Fail(FailReason::Error));
            return true;
        }
        false
    }

    /// The next waiting request a freed worker of node `ni` should take: first in, or last in when the node
    /// sheds under overload with `lifo`. Requests that waited past the shedding limit are shed on the way.
    pub(super) fn next_waiting(&mut self, ni: usize) -> Option<Handle<Req>> {
        let Some(cfg) = self.topo.nodes[ni].admission.shed else {
            return self.nodes[ni].waiting.pop_front();
        };
        loop {
            let st = &mut self.nodes[ni];
            let last_empty = st.last_empty;
            let lifo = cfg.lifo && shed::overloaded(&cfg, self.now, last_empty);
            let next = if lifo {
                st.waiting.pop_back()
            } else {
                st.waiting.pop_front()
            }?;
            if st.waiting.is_empty() {
                st.last_empty = self.now;
            }
            if !self.reqs.is_live(next) {
                continue;
            }
            let waited = self.now.saturating_sub(self.reqs[next.index()].queued_at);
            if waited > shed::queue_timeout(&cfg, self.now, last_empty) {
                self.reqs[next.index()].queued_at = NOT_QUEUED;
                self.metrics.nodes[ni].shed += 1;
                self.respond(next.index(), Outcome::Fail(FailReason::Shed));
                continue;
            }
            return Some(next);
        }
    }
}
