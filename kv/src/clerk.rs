//! The Clerk: sends one request at a time, to the server it believes leads, and retries the same
//! tagged command (same client id, same sequence number) on another server when told "wrong
//! leader" or when no reply comes, until one answers. As 6.5840's Clerk, it never gives up:
//! the caller decides what a timeout is and reports it as [`Response::Timeout`].

use crate::command::{Command, Op};
use crate::store::Reply;
use core::num::NonZeroUsize;

/// Send `command` to server `server` (an index into the Clerk's list of servers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Send {
    pub server: usize,
    pub command: Command,
}

/// What came back for a request sent to a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The server applied the command (or found it already applied) and answers.
    Ok(Reply),
    /// The server is not the leader, or lost leadership before the command committed.
    WrongLeader,
    /// No answer in time: the request or the reply was lost, or the server is down.
    Timeout,
}

/// What the Clerk does about a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The request is answered; the Clerk can start the next one.
    Done(Reply),
    /// Send the same command again, to another server.
    Retry(Send),
    /// Not about the request in flight (a late reply to an earlier attempt or request).
    Ignored,
}

/// `start` while a request is still in flight (a Clerk has one at a time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClerkBusy;

#[derive(Clone, Debug)]
pub struct Clerk {
    client_id: u64,
    servers: NonZeroUsize,
    // Invariant: `leader < servers`: the server the next attempt goes to.
    leader: usize,
    // Invariant: the sequence number of the last command started (0: none yet); a pending
    // command has this number.
    seq: u64,
    pending: Option<Command>,
    // Invariant: the server the pending command was last sent to.
    target: usize,
    /// Attempts for the pending command (saturating).
    attempts: u32,
}

impl Clerk {
    pub fn new(client_id: u64, servers: NonZeroUsize) -> Self {
        Clerk {
            client_id,
            servers,
            leader: 0,
            seq: 0,
            pending: None,
            target: 0,
            attempts: 0,
        }
    }

    pub fn client_id(&self) -> u64 {
        self.client_id
    }

    /// The server the Clerk will try first.
    pub fn leader(&self) -> usize {
        self.leader
    }

    pub fn pending(&self) -> Option<&Command> {
        self.pending.as_ref()
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Start an operation: tag it with the next sequence number and send it to the leader.
    pub fn start(&mut self, op: Op) -> Result<Send, ClerkBusy> {
        if self.pending.is_some() {
            return Err(ClerkBusy);
        }
        self.seq = self.seq.saturating_add(1);
        let command = Command {
            client_id: self.client_id,
            seq: self.seq,
            op,
        };
        self.pending = Some(command.clone());
        self.target = self.leader;
        self.attempts = 1;
        Ok(Send {
            server: self.leader,
            command,
        })
    }

    /// `response` came from `server` for the command numbered `seq`.
    pub fn on_response(&mut self, server: usize, seq: u64, response: Response) -> Outcome {
        let Some(pending) = &self.pending else {
            return Outcome::Ignored;
        };
        if seq != pending.seq || server >= self.servers.get() {
            return Outcome::Ignored;
        }
        match response {
            Response::Ok(reply) => {
                self.leader = server;
                self.pending = None;
                Outcome::Done(reply)
            }
            Response::WrongLeader | Response::Timeout if server == self.target => {
                self.leader = (server + 1) % self.servers.get();
                self.target = self.leader;
                self.attempts = self.attempts.saturating_add(1);
                Outcome::Retry(Send {
                    server: self.leader,
                    command: pending.clone(),
                })
            }
            // A failed earlier attempt, overtaken by the one in flight.
            _ => Outcome::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> NonZeroUsize {
        NonZeroUsize::new(3).unwrap_or(NonZeroUsize::MIN)
    }

    fn append(v: &str) -> Op {
        Op::Append {
            key: "k".into(),
            value: v.into(),
        }
    }

    #[test]
    fn retries_the_same_tag_on_the_next_server_until_one_answers() {
        let mut ck = Clerk::new(7, three());
        let first = ck.start(append("x")).unwrap();
        assert_eq!(
            (first.server, first.command.client_id, first.command.seq),
            (0, 7, 1)
        );
        assert_eq!(
            ck.start(append("y")),
            Err(ClerkBusy),
            "one request at a time"
        );
        let Outcome::Retry(second) = ck.on_response(0, 1, Response::WrongLeader) else {
            panic!()
        };
        assert_eq!(
            (second.server, &second.command),
            (1, &first.command),
            "same command, next server"
        );
        let Outcome::Retry(third) = ck.on_response(1, 1, Response::Timeout) else {
            panic!()
        };
        assert_eq!((third.server, third.command.seq), (2, 1));
        assert_eq!(ck.attempts(), 3);
        assert_eq!(
            ck.on_response(2, 1, Response::Ok(Reply::Done)),
            Outcome::Done(Reply::Done)
        );
        assert_eq!(ck.leader(), 2, "remembers who answered");
        let next = ck.start(append("y")).unwrap();
        assert_eq!(
            (next.server, next.command.seq),
            (2, 2),
            "the next request: the leader, the next number"
        );
    }

    #[test]
    fn late_replies_are_ignored_but_a_late_success_counts() {
        let mut ck = Clerk::new(1, three());
        ck.start(append("x")).unwrap();
        let Outcome::Retry(_) = ck.on_response(0, 1, Response::Timeout) else {
            panic!()
        };
        // The first attempt's server answers "wrong leader" late: not about the attempt in flight.
        assert_eq!(
            ck.on_response(0, 1, Response::WrongLeader),
            Outcome::Ignored
        );
        // But its success is a success: the command was applied.
        assert_eq!(
            ck.on_response(0, 1, Response::Ok(Reply::Done)),
            Outcome::Done(Reply::Done)
        );
        assert_eq!(
            ck.on_response(1, 1, Response::Ok(Reply::Done)),
            Outcome::Ignored,
            "nothing pending"
        );
        ck.start(append("y")).unwrap();
        assert_eq!(
            ck.on_response(0, 1, Response::Ok(Reply::Done)),
            Outcome::Ignored,
            "an older request's reply"
        );
        assert_eq!(
            ck.on_response(9, 2, Response::Ok(Reply::Done)),
            Outcome::Ignored,
            "no such server"
        );
    }
}
