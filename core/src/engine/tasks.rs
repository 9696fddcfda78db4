//! Message queues and worker pools: tasks held in a queue's backlog, dispatched to idle pools, acknowledged,
//! redelivered after a visibility timeout, retried with backoff, and dead-lettered.

use super::*;

impl Sim {
    /// A queue keeps a task of its own for the request, acknowledges the producer at once, and lets workers
    /// pull.
    pub(super) fn enqueue(&mut self, req: u32, node: NodeIx) {
        let ni = node as usize;
        let (class, key, op) = {
            let r = &self.reqs[req];
            (r.class, r.key, r.op)
        };
        let id = self.next_task;
        self.next_task += 1;
        let task = self.alloc_req(Purpose::Task { id }, key, class);
        self.tasks.insert(
            id,
            TaskState {
                queue: node,
                key,
                class,
                op,
                born: self.now,
                live: 1,
                deliveries: 0,
                failures: 0,
                done: false,
            },
        );
        self.reqs[task].op = op;
        self.reqs[task]
            .frames
            .push(Frame::at(node, NONE, self.nodes[ni].epoch, 0));
        let st = &mut self.nodes[ni];
        self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        st.backlog.push_back(self.reqs.handle(task));
        let q = (st.waiting.len() + st.backlog.len()) as u64;
        let ms = &mut self.metrics.nodes[ni];
        ms.max_queue = ms.max_queue.max(q);
        self.metrics.tasks.enqueued += 1;
        self.respond(req, Outcome::Ok);
        self.dispatch(node);
    }

    /// Hands queued tasks to worker pools with a free worker.
    pub(super) fn dispatch(&mut self, queue: NodeIx) {
        let qi = queue as usize;
        if !self.nodes[qi].up {
            return;
        }
        let pools: Vec<EdgeIx> = self.topo.out_edges[qi].clone();
        let mut stalled = 0;
        while !self.nodes[qi].backlog.is_empty() && stalled < pools.len() {
            let st = &mut self.nodes[qi];
            let e = pools[st.rr as usize % pools.len()];
            st.rr = st.rr.wrapping_add(1);
            let pool = self.topo.edges[e as usize].to as usize;
            let p = &self.nodes[pool];
            let workers = self.topo.nodes[pool].workers.unwrap_or(u32::MAX) as usize;
            let committed = p.busy as usize + p.waiting.len() + p.in_transit as usize;
            if !p.up || committed >= workers {
                stalled += 1;
                continue;
            }
            stalled = 0;
            let st = &mut self.nodes[qi];
            self.metrics.nodes[qi].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
            let Some(task) = st.backlog.pop_front() else {
                break;
            };
            if !self.reqs.is_live(task) {
                continue;
            }
            let task = task.index();
            self.nodes[pool].in_transit += 1;
            let id = self.task_of(task);
            if let Some(t) = self.tasks.get_mut(&id) {
                t.deliveries += 1;
                let delivery = t.deliveries;
                if let Some(v) = self.queue_cfg(queue).and_then(|q| q.visibility_ns) {
                    self.queue
                        .push(self.now.saturating_add(v), Ev::Visibility { task: id, delivery });
                }
            }
            self.send(task, e);
        }
    }

    /// The task that `req`, taken from a queue's backlog, is a copy of.
    pub(super) fn task_of(&self, req: u32) -> u64 {
        match self.reqs[req].purpose {
            Purpose::Task { id } => id,
            _ => unreachable!("a queue's backlog holds only tasks"),
        }
    }

    pub(super) fn queue_cfg(&self, node: NodeIx) -> Option<crate::topology::QueueCfg> {
        match &self.topo.nodes[node as usize].behavior {
            Behavior::Queue(q) => Some(*q),
            _ => None,
        }
    }

    /// A fresh copy of task `id` joins its queue's backlog (at the front for a redelivery).
    pub(super) fn requeue(&mut self, id: u64, front: bool) {
        let Some(t) = self.tasks.get(&id).copied() else { return };
        let qi = t.queue as usize;
        if !self.nodes[qi].up {
            return;
        }
        let copy = self.alloc_req(Purpose::Task { id }, t.key, t.class);
        let epoch = self.nodes[qi].epoch;
        let r = &mut self.reqs[copy];
        r.born = t.born;
        r.op = t.op;
        r.frames.push(Frame::at(t.queue, NONE, epoch, 0));
        let copy = self.reqs.handle(copy);
        if let Some(t) = self.tasks.get_mut(&id) {
            t.live += 1;
        }
        let st = &mut self.nodes[qi];
        self.metrics.nodes[qi].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        if front {
            st.backlog.push_front(copy);
        } else {
            st.backlog.push_back(copy);
        }
        self.dispatch(t.queue);
    }

    /// No worker acknowledged delivery `delivery` of the task in time: hand it out again.
    pub(super) fn on_visibility(&mut self, id: u64, delivery: u32) {
        let Some(t) = self.tasks.get(&id) else { return };
        if t.done || t.deliveries != delivery {
            return;
        }
        self.metrics.tasks.redelivered += 1;
        self.requeue(id, true);
    }

    /// One copy of a task left the system (done, failed or vanished).
    pub(super) fn task_copy_gone(&mut self, id: u64) {
        if let Some(t) = self.tasks.get_mut(&id) {
            t.live = t.live.saturating_sub(1);
            if t.live == 0 && t.done {
                self.tasks.remove(&id);
            }
        }
    }

    /// A copy of a task vanished (its worker died, or a message was lost): with a visibility timeout the
    /// queue will hand it out again; without one it is lost.
    pub(super) fn task_vanished(&mut self, id: u64, queue: NodeIx) {
        let at_least_once = self.queue_cfg(queue).is_some_and(|q| q.visibility_ns.is_some());
        if let Some(t) = self.tasks.get_mut(&id) {
            if !at_least_once && !t.done {
                t.done = true;
                self.metrics.tasks.lost += 1;
            }
        }
        self.task_copy_gone(id);
    }

    pub(super) fn task_done(&mut self, task: u32, id: u64) {
        let queue = self.top(task).node;
        let outcome = self.reqs[task].outcome;
        self.free_req(task);
        match outcome {
            // The worker died holding it: silence, as far as the queue can tell.
            Outcome::Fail(FailReason::Crashed) => self.task_vanished(id, queue),
            Outcome::Fail(_) => {
                self.metrics.tasks.failed += 1;
                let cfg = self.queue_cfg(queue);
                if let Some(t) = self.tasks.get_mut(&id) {
                    if !t.done {
                        // This delivery is settled: its visibility timeout must not hand it out again too.
                        t.deliveries += 1;
                        t.failures += 1;
                        let max = cfg.map_or(1, |q| q.max_attempts);
                        if t.failures >= max {
                            t.done = true;
                            self.metrics.tasks.dead_lettered += 1;
                        } else {
                            self.metrics.tasks.retried += 1;
                            let backoff = cfg
                                .map_or(0, |q| q.backoff_ns)
                                .saturating_mul(1 << (t.failures - 1).min(20));
                            self.queue
                                .push(self.now.saturating_add(backoff), Ev::TaskRetry { task: id });
                        }
                    }
                }
                self.task_copy_gone(id);
            }
            _ => {
                if let Some(t) = self.tasks.get_mut(&id) {
                    if t.done {
                        self.metrics.tasks.duplicates += 1;
                    } else {
                        t.done = true;
                        let latency = self.now - t.born;
                        let m = &mut self.metrics.tasks;
                        m.completed += 1;
                        m.latency_sum_ns += latency as u128;
                        m.latency
                            .get_or_insert_with(|| {
                                Histogram::new_with_bounds(1, 86_400_000_000_000, 3).expect("static bounds")
                            })
                            .saturating_record(latency.max(1));
                    }
                }
                self.task_copy_gone(id);
            }
        }
        self.dispatch(queue);
    }
}
