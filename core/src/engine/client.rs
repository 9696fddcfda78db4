//! Clients: open-loop arrivals, a call per request with its timeout, retries with backoff and jitter, and the
//! answer the call gets. Retry storms emerge from these rules, nothing models them separately.

use super::*;

impl Sim {
    pub(super) fn schedule_next_arrival(&mut self, client: u32) {
        let c = &mut self.clients[client as usize];
        if let Some(next) = c.workload.arrival.next_after(c.next_at, &mut c.rng) {
            c.next_at = next;
            let at = if next >= u64::MAX as f64 { u64::MAX } else { next as u64 };
            if at < self.stop_at {
                self.queue.push(at, Ev::Generate { client });
                return;
            }
        }
        self.end_generation();
    }

    pub(super) fn end_generation(&mut self) {
        self.clients_done += 1;
        // With several clients, generation ends with the last one (health probes wait for it to stop).
        if !self.generation_ended && self.clients_done as usize >= self.clients.len() {
            self.generation_ended = true;
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::GenerationEnded,
            });
        }
    }

    pub(super) fn on_generate(&mut self, client: u32) {
        if let Some(b) = self.budget {
            if self.metrics.issued >= b {
                self.generation_ended = false;
                self.end_generation_all();
                return;
            }
        }
        let node = self.clients[client as usize].node;
        if self.nodes[node as usize].up && (self.at_memory_limit() || self.db_history_full(client)) {
            // The run holds all it may: the call is refused before it takes any memory (or draws a class).
            self.metrics.call_started(self.now, client, None);
            self.metrics
                .call_failed(self.now, FailReason::MemoryLimit, client, None);
        } else if self.nodes[node as usize].up {
            let c = &mut self.clients[client as usize];
            let key = c.workload.keys.sample(&mut c.rng);
            let (class, op) = match c.workload.ops.as_deref() {
                Some(ops) => {
                    let i = ops.sample(&mut c.rng);
                    (ops.class(i), i)
                }
                None => (c.workload.mix.sample(&mut c.rng), NO_OP),
            };
            let bytes = c.workload.message_bytes(class, &mut c.rng);
            if class.is_write() && self.versions_full(key) {
                self.metrics.call_started(self.now, client, Some(class));
                self.metrics
                    .call_failed(self.now, FailReason::MemoryLimit, client, Some(class));
                self.schedule_next_arrival(client);
                return;
            }
            let call = self.alloc_call(client, key, class);
            self.calls[call].bytes = bytes;
            if let Some(u) = self.clients[client as usize].users.as_mut() {
                self.calls[call].user = u.draw();
            }
            if let Some(b) = self.clients[client as usize].budget.as_mut() {
                if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
                    if let Some(bc) = cfg.retry.as_ref().and_then(|r| r.budget.as_ref()) {
                        b.deposit(bc);
                    }
                }
            }
            self.metrics.call_started(self.now, client, Some(class));
            if op != NO_OP {
                self.calls[call].op = op;
                self.metrics.op_event(client, op, None, false);
            }
            self.db_invoke(call);
            self.start_attempt(call);
        }
        self.schedule_next_arrival(client);
    }

    pub(super) fn end_generation_all(&mut self) {
        if !self.generation_ended {
            self.generation_ended = true;
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::GenerationEnded,
            });
        }
    }

    pub(super) fn alloc_call(&mut self, client: u32, key: u64, class: Class) -> u32 {
        let (h, c) = self.calls.alloc(Call::default);
        c.client = client;
        c.key = key;
        c.class = Some(class);
        c.start = self.now;
        c.attempt = 0;
        c.awaiting_retry = false;
        c.user = NONE;
        c.op = NO_OP;
        h.index()
    }

    pub(super) fn free_call(&mut self, call: u32) {
        self.calls.free(call);
    }

    pub(super) fn start_attempt(&mut self, call: u32) {
        let (client, key, class, attempt, bytes, user) = {
            let c = &mut self.calls[call];
            c.attempt += 1;
            (
                c.client,
                c.key,
                c.class.unwrap_or(Class::ApiRead),
                c.attempt,
                c.bytes,
                c.user,
            )
        };
        let call = self.calls.handle(call);
        self.metrics.attempts += 1;
        #[cfg(feature = "per-second")]
        self.metrics.seconds.attempt();
        if attempt > 1 {
            self.metrics.retries += 1;
        }
        let node = self.clients[client as usize].node;
        let req = self.alloc_req(Purpose::Attempt { call, attempt }, key, class);
        self.reqs[req].bytes = bytes;
        let op = self.calls[call.index()].op;
        if op != NO_OP {
            self.reqs[req].op = self.clients[client as usize]
                .workload
                .ops
                .as_deref()
                .map(|o| o.ops[op as usize]);
        }
        self.reqs[req].user = user;
        let epoch = self.nodes[node as usize].epoch;
        self.reqs[req].frames.push(Frame::at(node, NONE, epoch, 0));
        if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
            if let Some(t) = cfg.timeout_ns {
                self.queue
                    .push(self.now.saturating_add(t), Ev::Timeout { call, attempt });
            }
            if let (true, Some(d)) = (cfg.propagate, cfg.deadline_ns) {
                // The request carries the sooner of the call's deadline and this attempt's timeout.
                let start = self.calls[call.index()].start;
                let own = cfg.timeout_ns.map_or(u64::MAX, |t| self.now.saturating_add(t));
                self.reqs[req].deadline = start.saturating_add(d).min(own);
            }
        }
        self.client_next(req);
    }

    /// The client's own steps: resolve DNS when the cached answer is stale, then send to the target.
    pub(super) fn client_next(&mut self, req: u32) {
        let (node, step, class) = {
            let r = &self.reqs[req];
            let f = r.frames[0];
            (f.node, f.step, r.class)
        };
        let client = self.nodes[node as usize].client as usize;
        if step == 0 {
            let c = &self.clients[client];
            if let Some(dns) = c.dns_edge {
                if c.resolved_until <= self.now {
                    self.reqs[req].frames[0].step = 1;
                    self.send(req, dns);
                    return;
                }
            }
        }
        self.reqs[req].frames[0].step = 2;
        let _ = class;
        match self.choose(req) {
            Some(e) => self.send(req, e),
            // Every target is marked down (validation guarantees one exists for each class).
            None => self.client_attempt_failed(req, FailReason::Refused),
        }
    }

    pub(super) fn client_response(&mut self, req: u32) {
        let (call, attempt, outcome, step) = {
            let r = &self.reqs[req];
            let Purpose::Attempt { call, attempt } = r.purpose else {
                unreachable!("a client hears only its own attempts")
            };
            (call, attempt, r.outcome, r.frames[0].step)
        };
        let current = self
            .calls
            .get(call)
            .is_some_and(|c| c.attempt == attempt && !c.awaiting_retry);
        let call = call.index();
        if !current {
            // A late answer to an attempt that already timed out: the work was wasted.
            self.free_req(req);
            return;
        }
        if let Outcome::Fail(reason) = outcome {
            self.client_attempt_failed(req, reason);
            return;
        }
        if step == 1 {
            let node = self.reqs[req].frames[0].node;
            let client = self.nodes[node as usize].client as usize;
            if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
                let ttl = cfg.dns_ttl_ns.unwrap_or(0);
                self.clients[client].resolved_until = self.now.saturating_add(ttl);
            }
            self.client_next(req);
            return;
        }
        let start = self.calls[call].start;
        let (client, class) = self.call_group(call);
        let node = self.clients[client as usize].node;
        let good = match &self.topo.nodes[node as usize].behavior {
            Behavior::Client(cfg) => cfg.deadline_ns.is_none_or(|d| self.now - start <= d),
            _ => true,
        };
        self.metrics.call_ok(self.now, self.now - start, good, client, class);
        self.metrics
            .op_event(client, self.calls[call].op, Some(self.now - start), false);
        self.db_call_ok(call, req);
        self.free_call(call);
        self.free_req(req);
    }

    /// An attempt failed with `reason`: retry after backoff if the policy allows, else fail the call.
    pub(super) fn client_attempt_failed(&mut self, req: u32, reason: FailReason) {
        let (call, node) = {
            let r = &self.reqs[req];
            let Purpose::Attempt { call, .. } = r.purpose else {
                unreachable!("a client hears only its own attempts")
            };
            (call.index(), r.frames[0].node)
        };
        self.free_req(req);
        self.call_attempt_failed(call, node, reason);
    }

    pub(super) fn call_attempt_failed(&mut self, call: u32, node: NodeIx, reason: FailReason) {
        let attempt = self.calls[call].attempt;
        let client = self.nodes[node as usize].client as usize;
        let mut reason = reason;
        if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
            if let Some(delay) = cfg
                .retry
                .as_ref()
                .and_then(|r| r.backoff(attempt, &mut self.clients[client].rng))
            {
                let at = self.now.saturating_add(delay);
                let start = self.calls[call].start;
                if cfg.deadline_ns.is_some_and(|d| at >= start.saturating_add(d)) {
                    // The retry would start after the call's deadline: the call is over.
                    reason = FailReason::DeadlineExceeded;
                } else if self.clients[client].budget.as_mut().is_none_or(|b| b.try_withdraw()) {
                    self.calls[call].awaiting_retry = true;
                    let call = self.calls.handle(call);
                    self.queue.push(at, Ev::Retry { call });
                    return;
                } else {
                    self.metrics.retries_denied += 1;
                }
            }
        }
        let (client, class) = self.call_group(call);
        self.metrics.call_failed(self.now, reason, client, class);
        self.metrics.op_event(client, self.calls[call].op, None, true);
        self.db_call_failed(call, reason);
        self.free_call(call);
    }

    /// The client and request class a call is counted under in the per-client and per-class metrics.
    pub(super) fn call_group(&self, call: u32) -> (u32, Option<Class>) {
        let c = &self.calls[call];
        (c.client, c.class)
    }

    pub(super) fn on_timeout(&mut self, call: Handle<Call>, attempt: u32) {
        let Some(c) = self.calls.get(call) else {
            return;
        };
        if c.attempt != attempt || c.awaiting_retry {
            return;
        }
        let node = self.clients[c.client as usize].node;
        let call = call.index();
        // The attempt's request stays in the system (servers keep working on it); its answer will be ignored.
        self.call_attempt_failed(call, node, FailReason::Timeout);
    }
}
