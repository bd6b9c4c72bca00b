//! The application's step of the consumer loop: processing the next received record, failing, or skipping
//! it when an idempotent step finds its side effect already applied. The ledger counts what is applied.

use super::Cluster;
use crate::error::StepError;
use crate::event::{Change, Event, Reason};
use crate::ids::ClientIdx;
use crate::ledger::Ledger;

impl Cluster {
    pub(super) fn consumer_process(
        &mut self,
        consumer: ClientIdx,
        fail: bool,
        idempotent: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        let g = self.group_of(consumer);
        // The database lookup of an idempotent step: has this group's side effect already been applied?
        let already_applied = |ledger: &Ledger, value| {
            ledger
                .get(value)
                .and_then(|stats| stats.group(g))
                .is_some_and(|counts| counts.processed > 0)
        };
        let c = self.consumer_mut(consumer);
        let Some(r) = c.received.pop_front() else {
            // Nothing was handed to the application: there is nothing to process.
            return Err(StepError::IllegalState);
        };
        c.last_handled = Some((r.tp, r.offset));
        c.failed = fail.then_some(r.value);
        if fail {
            out.push(Event::new(
                Change::ProcessingFailed {
                    consumer,
                    tp: r.tp,
                    offset: r.offset,
                    value: r.value,
                },
                Reason::ProcessingRaised,
            ));
        } else if idempotent && already_applied(&self.ledger, r.value) {
            out.push(Event::new(
                Change::ProcessingSkipped {
                    consumer,
                    tp: r.tp,
                    offset: r.offset,
                    value: r.value,
                },
                Reason::AlreadyApplied,
            ));
        } else {
            let times = self.ledger.record_processed(r.value, g);
            out.push(Event::new(
                Change::RecordProcessed {
                    consumer,
                    tp: r.tp,
                    offset: r.offset,
                    value: r.value,
                    times,
                },
                Reason::Processed,
            ));
        }
        Ok(())
    }
}
