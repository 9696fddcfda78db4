//! Balancers and proxies: picking a backend by strategy among the healthy ones, active health checks, passive
//! outlier ejection, and the forwarding shared with shard routers.

use super::*;

impl Sim {
    pub(super) fn balance_cfg(&self, node: NodeIx) -> Option<BalanceCfg> {
        match &self.topo.nodes[node as usize].behavior {
            Behavior::Balancer(b) => Some(*b),
            Behavior::Client(c) => Some(c.balance),
            _ => None,
        }
    }

    /// The balancing node on top of the request's stack picks a backend with its strategy, among the
    /// out-edges that carry the request's class and that health checks have not taken out. Records the choice
    /// in the frame and returns the edge.
    pub(super) fn choose(&mut self, req: u32) -> Option<EdgeIx> {
        let (class, key, root) = {
            let r = &self.reqs[req];
            (r.class, r.key, r.frames[0].node)
        };
        let node = self.top(req).node;
        let ni = node as usize;
        let is_client = self.topo.nodes[ni].kind == NodeKind::Client;
        if let [e] = self.topo.out_edges[ni][..] {
            // One backend: no strategy has a choice to make, only eligibility to check.
            let ed = &self.topo.edges[e as usize];
            let dns = is_client && self.topo.nodes[ed.to as usize].kind == NodeKind::Dns;
            let now = self.now;
            let b = self.nodes[ni].backends.first_mut()?;
            if !ed.admits(class) || dns || b.down || b.ejected_until > now {
                return None;
            }
            b.in_flight += 1;
            let f = self.top_mut(req);
            f.pos = 0;
            f.sent = now;
            return Some(e);
        }
        let region = self.topo.nodes[root as usize].region.as_deref();
        let mut views = std::mem::take(&mut self.scratch_backends);
        views.clear();
        for (pos, &e) in self.topo.out_edges[ni].iter().enumerate() {
            let ed = &self.topo.edges[e as usize];
            let target = &self.topo.nodes[ed.to as usize];
            let st = self.nodes[ni].backends.get(pos).copied().unwrap_or_default();
            views.push(Backend {
                weight: ed.weight,
                in_flight: st.in_flight,
                eligible: ed.admits(class)
                    && !(is_client && target.kind == NodeKind::Dns)
                    && !st.down
                    && st.ejected_until <= self.now,
                local: region.is_some() && target.region.as_deref() == region,
                distance_ms: self.edges[e as usize].latency.mean_ms(),
            });
        }
        let pick = Pick {
            key: self.sticky_key(req, node, key),
            source: u64::from(root),
        };
        let st = &mut self.nodes[ni];
        let chosen = match st.balancer.as_mut() {
            Some(b) => b.pick(pick, &views, &mut st.rng),
            None => crate::routing::nth_eligible(&views, 0),
        };
        self.scratch_backends = views;
        let pos = chosen?;
        if let Some(b) = self.nodes[ni].backends.get_mut(pos) {
            b.in_flight += 1;
        }
        let now = self.now;
        let f = self.top_mut(req);
        f.pos = pos as u32;
        f.sent = now;
        Some(self.topo.out_edges[ni][pos])
    }

    /// The answer from the backend a balancing node chose has arrived: settle in-flight counts, feed the
    /// strategy's response-time view and the passive health check.
    pub(super) fn settle_backend(&mut self, req: u32) {
        let outcome = self.reqs[req].outcome;
        let f = *self.top(req);
        if f.pos == NONE {
            return;
        }
        self.top_mut(req).pos = NONE;
        let ni = f.node as usize;
        let pos = f.pos as usize;
        // A user logged out, or an operation the database cannot run, is the backend working as it should (a 4xx,
        // not a 5xx): it does not count against it.
        let ok = !outcome.is_failure()
            || matches!(
                outcome,
                Outcome::Fail(FailReason::LoggedOut) | Outcome::Fail(FailReason::Unsupported)
            );
        let rtt = self.now - f.sent;
        let outlier = self.balance_cfg(f.node).and_then(|b| b.outlier);
        let now = self.now;
        let st = &mut self.nodes[ni];
        if let Some(b) = st.balancer.as_mut() {
            b.observe(pos, rtt, ok);
        }
        let Some(bs) = st.backends.get_mut(pos) else { return };
        bs.in_flight = bs.in_flight.saturating_sub(1);
        // Only failures the backend itself caused count against it (a full queue or a refusal upstream
        // of it still is the backend's answer).
        if ok {
            bs.consecutive_errors = 0;
        } else {
            bs.consecutive_errors += 1;
            if let Some(o) = outlier {
                if bs.consecutive_errors >= o.consecutive_errors && bs.ejected_until <= now {
                    bs.ejected_until = now.saturating_add(o.ejection_ns);
                    bs.consecutive_errors = 0;
                    self.log.push(LogEntry {
                        at: SimTime(now),
                        kind: LogKind::Ejected {
                            node: f.node,
                            backend: self.topo.edges[self.topo.out_edges[ni][pos] as usize].to,
                        },
                    });
                }
            }
        }
    }

    /// An active health probe from `node` to its backend at `pos`: it succeeds when the backend is up and
    /// the round trip fits the probe timeout. `fall` failures in a row mark it down, `rise` successes up.
    pub(super) fn on_probe(&mut self, node: u32, pos: u32) {
        let Some(h) = self.balance_cfg(node).and_then(|b| b.health) else {
            return;
        };
        let ni = node as usize;
        let e = self.topo.out_edges[ni][pos as usize];
        let target = self.topo.edges[e as usize].to;
        if self.nodes[ni].up {
            let rtt = self.traverse(e).zip(self.traverse(e)).map(|(a, b)| a + b);
            let ok = self.nodes[target as usize].up && rtt.is_some_and(|t| t <= h.timeout_ns);
            let at = SimTime(self.now);
            let bs = &mut self.nodes[ni].backends[pos as usize];
            if ok {
                bs.failures = 0;
                bs.successes += 1;
                if bs.down && bs.successes >= h.rise {
                    bs.down = false;
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::MarkedUp { node, backend: target },
                    });
                }
            } else {
                bs.successes = 0;
                bs.failures += 1;
                if !bs.down && bs.failures >= h.fall {
                    bs.down = true;
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::MarkedDown { node, backend: target },
                    });
                }
            }
        }
        // Probing stops once clients are done and nothing is in flight, so runs end.
        if !self.generation_ended || self.metrics.in_flight > 0 {
            self.queue
                .push(self.now.saturating_add(h.interval_ns), Ev::Probe { node, pos });
        }
    }

    /// A node that forwards each request to one downstream (`pick`) and passes the answer back: balancers
    /// and shard routers. With nothing to pick, it answers with an error itself.
    pub(super) fn forward_once(&mut self, req: u32, step: u32, pick: impl FnOnce(&mut Self) -> Option<EdgeIx>) {
        if step == 0 {
            self.top_mut(req).step = 1;
            match pick(self) {
                Some(e) => self.send(req, e),
                None => self.respond(req, Outcome::Fail(FailReason::Refused)),
            }
        } else {
            let o = self.reqs[req].outcome;
            self.respond(req, o);
        }
    }

    /// Sends to the first (round-robin among several) admitted downstream: a cache's origin.
    pub(super) fn forward_first(&mut self, req: u32, node: NodeIx, class: Class) {
        let n = self.admitted(node, class).count() as u32;
        let st = &mut self.nodes[node as usize];
        let pick = st.rr % n.max(1);
        st.rr = st.rr.wrapping_add(1);
        let edge = self.admitted(node, class).nth(pick as usize).map(|x| x.1);
        match edge {
            Some(e) => self.send(req, e),
            None => self.respond(req, Outcome::Fail(FailReason::Refused)),
        }
    }
}
