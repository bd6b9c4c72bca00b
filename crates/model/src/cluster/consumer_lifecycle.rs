//! A consumer instance's end and a new one's start: `close` (auto-commit, leave the group), a crash (the
//! member stays until its session expires, C6), and a restart as a new instance.

use super::Cluster;
use crate::consumer::{Consumer, ConsumerState};
use crate::error::StepError;
use crate::event::{Change, CommitCause, Event, Reason};
use crate::ids::ClientIdx;

impl Cluster {
    pub(super) fn consumer_close(
        &mut self,
        consumer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        if self.consumer_spec(consumer).config.enable_auto_commit {
            self.commit_positions(consumer, CommitCause::AutoOnClose, out);
        }
        self.leave_group(consumer, out);
        let c = self.consumer_mut(consumer);
        c.state = ConsumerState::Closed;
        c.joined = false;
        c.positions.clear();
        c.fetched.clear();
        c.received.clear();
        out.push(Event::new(
            Change::ConsumerStateChanged {
                consumer,
                from: ConsumerState::Running,
                to: ConsumerState::Closed,
            },
            Reason::ConsumerClosed,
        ));
        Ok(())
    }

    pub(super) fn consumer_crash(
        &mut self,
        consumer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        let g = self.group_of(consumer);
        if let Some(mi) = self.member_index(consumer) {
            let now = self.now_ms;
            let m = &mut self.group_mut(g).members[mi];
            m.alive = false;
            m.dead_since_ms = now;
        }
        let c = self.consumer_mut(consumer);
        let last = c.last_handled;
        c.state = ConsumerState::Crashed;
        c.joined = false;
        c.positions.clear();
        c.fetched.clear();
        c.received.clear();
        let committed = last.and_then(|(tp, _)| self.group(g).committed.get(&tp).copied());
        out.push(Event::new(
            Change::ConsumerStateChanged {
                consumer,
                from: ConsumerState::Running,
                to: ConsumerState::Crashed,
            },
            Reason::ConsumerCrashed { last, committed },
        ));
        Ok(())
    }

    pub(super) fn consumer_restart(
        &mut self,
        consumer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let interval = self.consumer_spec(consumer).config.auto_commit_interval_ms;
        let now = self.now_ms;
        let c = self.consumer_mut(consumer);
        let from = c.state;
        if from == ConsumerState::Running {
            // A restart is a new process: the running instance must crash or close first.
            return Err(StepError::IllegalState);
        }
        let instance = c.instance + 1;
        *c = Consumer::new(now, interval);
        c.instance = instance;
        out.push(Event::new(
            Change::ConsumerStateChanged {
                consumer,
                from,
                to: ConsumerState::Running,
            },
            Reason::ConsumerRestarted,
        ));
        Ok(())
    }
}
