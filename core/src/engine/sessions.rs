//! Sessions: the users of stateful clients (a client with `sessions.users`) and where each user's session lives.
//! Every call of such a client is made by one user, drawn uniformly from its own stream; the request and its
//! children (attempts on policy edges, cross-shard parts) carry the user. A service with `sessions` checks the
//! session when a worker takes the request (in its memory, or a token) or when its shared store answers.
//!
//! A user has one session at a time, held by one node (the service for memory sessions, the store for shared
//! ones) in one generation of that node's sessions. [`Sim::sessions_node_lost`] ends a generation: every
//! session held there dies at once (`lost`), counted from a per-node tally, not by a scan; each user finds out
//! on their next request there (`logged_out`, and a new login). Tokens live in the request: valid anywhere,
//! forever, at a verification cost per request.

use super::*;
use crate::topology::SessionStore;

/// Where a session in a token lives: nowhere on the servers.
const TOKEN: NodeIx = NONE - 1;

/// What a sticky balancer keys a request that carries a user by: this bit and the user, apart from the
/// workload's keys.
pub(super) const USER_KEY: u64 = 1 << 63;

/// A frame's progress with its user's session at a service with a shared store: not asked yet, asked (the
/// store's answer decides), checked.
pub(super) const SESSION_UNASKED: u8 = 0;
pub(super) const SESSION_ASKED: u8 = 1;
pub(super) const SESSION_CHECKED: u8 = 2;

/// One user's session.
#[derive(Clone, Copy, Debug)]
struct Session {
    /// The node holding it (the service for memory, the store for shared), [`TOKEN`], or `NONE` before the
    /// user's first login.
    home: NodeIx,
    /// The generation of `home`'s sessions it was created in; it is valid while `home` is still in it.
    gen: u32,
}

/// The run's users and sessions.
pub(super) struct Sessions {
    /// Per user, every client's users one after another (a client's first user is its `UserDraw::base`).
    users: Vec<Session>,
    /// Per node: the sessions it holds in its current generation.
    held: Vec<u32>,
    /// Per node: the generation of its sessions, one more each time it loses them.
    gen: Vec<u32>,
    /// Per node: whether it keeps sessions (a service with memory sessions, a shared store).
    keeps: Vec<bool>,
}

/// How a client draws the user of each call: from its own stream, so stateless scenarios draw nothing more.
pub(super) struct UserDraw {
    rng: SimRng,
    users: u32,
    base: u32,
}

impl Sessions {
    /// The users of `topo`'s clients and the nodes that keep sessions, or `None` when no client has users.
    /// Also returns each client's draw, in client order.
    pub(super) fn new(topo: &Topology, seed: u64) -> (Option<Sessions>, Vec<Option<UserDraw>>) {
        let mut draws = Vec::new();
        let mut total: u32 = 0;
        for (i, def) in topo.nodes.iter().enumerate() {
            if let Behavior::Client(cfg) = &def.behavior {
                draws.push(cfg.users.map(|users| {
                    let d = UserDraw {
                        rng: SimRng::derive(seed, 5_000_000 + i as u64),
                        users,
                        base: total,
                    };
                    // Validation bounds the sum by `limits::MAX_TOTAL_USERS`.
                    total = total.saturating_add(users);
                    d
                }));
            }
        }
        if total == 0 {
            return (None, draws);
        }
        let n = topo.nodes.len();
        let mut keeps = vec![false; n];
        for (i, def) in topo.nodes.iter().enumerate() {
            match def.sessions {
                Some(c) if c.store == SessionStore::Memory => keeps[i] = true,
                Some(SessionCfg {
                    store_pos: Some(pos), ..
                }) => {
                    if let Some(&e) = topo.out_edges[i].get(pos as usize) {
                        keeps[topo.edges[e as usize].to as usize] = true;
                    }
                }
                _ => {}
            }
        }
        let sessions = Sessions {
            users: vec![Session { home: NONE, gen: 0 }; total as usize],
            held: vec![0; n],
            gen: vec![0; n],
            keeps,
        };
        (Some(sessions), draws)
    }
}

impl UserDraw {
    /// The user of the next call.
    pub(super) fn draw(&mut self) -> u32 {
        self.base + self.rng.below(u64::from(self.users)) as u32
    }
}

impl Sim {
    /// A worker of `node` takes `req`: a user's memory session is checked here, and a token is verified (its
    /// cost is returned, to add to the service time). `None` when the request is refused for a lost session:
    /// it has been answered `logged_out`, and the worker stays free.
    pub(super) fn session_on_take(&mut self, req: u32, node: NodeIx) -> Option<u64> {
        let user = self.reqs[req].user;
        let cfg = match self.topo.nodes[node as usize].sessions {
            Some(cfg) if user != NONE && self.sessions.is_some() => cfg,
            _ => return Some(0),
        };
        match cfg.store {
            SessionStore::Memory => {
                if self.session_check(user, node) {
                    Some(0)
                } else {
                    self.reqs[req].queued_at = NOT_QUEUED;
                    self.respond(req, Outcome::Fail(FailReason::LoggedOut));
                    None
                }
            }
            SessionStore::Token => {
                self.session_token(user);
                Some(cfg.verify_ns)
            }
            // Checked when the store answers.
            SessionStore::Shared => Some(0),
        }
    }

    /// The shared store of the service on top of `req` answered: the user's session is checked there. False
    /// when it was gone: the request has been answered `logged_out`.
    pub(super) fn session_answered(&mut self, req: u32) -> bool {
        let f = *self.top(req);
        self.top_mut(req).session = SESSION_CHECKED;
        let store = self.topo.nodes[f.node as usize]
            .sessions
            .and_then(|c| c.store_pos)
            .and_then(|pos| self.topo.out_edges[f.node as usize].get(pos as usize))
            .map(|&e| self.topo.edges[e as usize].to);
        let user = self.reqs[req].user;
        match store {
            Some(store) if user != NONE && !self.session_check(user, store) => {
                self.respond(req, Outcome::Fail(FailReason::LoggedOut));
                false
            }
            _ => true,
        }
    }

    /// Checks `user`'s session at `home` (the service for memory, the store for shared): true when it is valid
    /// there, or when this is the user's first login (the session is created here). A user whose session is
    /// gone (lost with its node) or held elsewhere is logged out: a new session is created here and this
    /// returns false.
    fn session_check(&mut self, user: u32, home: NodeIx) -> bool {
        let Some(s) = self.sessions.as_mut() else { return true };
        let (h, gen) = (home as usize, s.gen[home as usize]);
        let Some(&old) = s.users.get(user as usize) else {
            return true;
        };
        if old.home == home && old.gen == gen {
            return true;
        }
        let first = old.home == NONE;
        let m = self.metrics.sessions.get_or_insert_with(Default::default);
        // One session per user: one still valid elsewhere is given up for the new one.
        if old.home == TOKEN {
            m.active -= 1;
        } else if !first && s.gen[old.home as usize] == old.gen {
            s.held[old.home as usize] -= 1;
            m.active -= 1;
        }
        s.users[user as usize] = Session { home, gen };
        s.held[h] += 1;
        m.active += 1;
        m.logins += 1;
        if !first {
            m.logged_out += 1;
        }
        first
    }

    /// A token arrives with `user`'s request: valid anywhere once the user has logged in (the first request is
    /// the login).
    fn session_token(&mut self, user: u32) {
        let Some(s) = self.sessions.as_mut() else { return };
        let Some(&old) = s.users.get(user as usize) else { return };
        if old.home == TOKEN {
            return;
        }
        let m = self.metrics.sessions.get_or_insert_with(Default::default);
        if old.home != NONE && s.gen[old.home as usize] == old.gen {
            s.held[old.home as usize] -= 1;
            m.active -= 1;
        }
        s.users[user as usize] = Session { home: TOKEN, gen: 0 };
        m.active += 1;
        m.logins += 1;
    }

    /// Every session `node` holds dies at once (it crashed; a group's instance is scaled in or restarted): they
    /// are counted `lost`, and their users are logged out on their next request. O(1): a tally per node and a
    /// generation, no scan of the users.
    pub(super) fn sessions_node_lost(&mut self, node: NodeIx) {
        let Some(s) = self.sessions.as_mut() else { return };
        let ni = node as usize;
        let n = std::mem::take(&mut s.held[ni]);
        s.gen[ni] = s.gen[ni].wrapping_add(1);
        if n == 0 {
            return;
        }
        let m = self.metrics.sessions.get_or_insert_with(Default::default);
        m.lost += u64::from(n);
        m.active -= u64::from(n);
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::SessionsLost {
                node,
                sessions: u64::from(n),
            },
        });
    }

    /// The valid sessions `node` holds now, if it keeps sessions (a service's memory, a shared store).
    pub(super) fn sessions_held(&self, node: NodeIx) -> Option<u64> {
        let s = self.sessions.as_ref()?;
        s.keeps[node as usize].then(|| u64::from(s.held[node as usize]))
    }

    /// What the balancing node `node` picks `req`'s backend by: its user when it carries one and the node is
    /// sticky (a user's session stays where it was created), else `key`.
    pub(super) fn sticky_key(&self, req: u32, node: NodeIx, key: u64) -> u64 {
        let user = self.reqs[req].user;
        let sticky = self
            .balance_cfg(node)
            .is_some_and(|b| b.strategy == crate::routing::Strategy::Sticky);
        if user != NONE && sticky {
            USER_KEY | u64::from(user)
        } else {
            key
        }
    }
}
