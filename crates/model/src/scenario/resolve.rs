//! Names → typed ids: the one place a scenario's names are looked up (`crate::names` is the way back).

use super::Setup;
use crate::action::Actor;
use crate::ids::{ClientIdx, GroupIdx, TopicIdx, TopicPartition};

impl Setup {
    pub fn topic(&self, name: &str) -> Option<TopicIdx> {
        let i = self.topics.iter().position(|t| t.name == name)?;
        Some(TopicIdx(i as u16))
    }

    /// A topic's partition, if both exist.
    pub fn topic_partition(&self, topic: &str, partition: u32) -> Option<TopicPartition> {
        let t = self.topic(topic)?;
        (partition < self.topics[t.0 as usize].partitions)
            .then(|| TopicPartition::new(t, partition))
    }

    pub fn producer(&self, id: &str) -> Option<ClientIdx> {
        let i = self.producers.iter().position(|p| p.id == id)?;
        Some(ClientIdx(i as u16))
    }

    pub fn consumer(&self, id: &str) -> Option<ClientIdx> {
        let i = self.consumers.iter().position(|c| c.id == id)?;
        Some(ClientIdx(i as u16))
    }

    /// The producer or consumer with this id.
    pub fn client(&self, id: &str) -> Option<Actor> {
        self.producer(id)
            .map(Actor::Producer)
            .or_else(|| self.consumer(id).map(Actor::Consumer))
    }

    pub fn group(&self, group_id: &str) -> Option<GroupIdx> {
        let i = self.groups.iter().position(|g| g == group_id)?;
        Some(GroupIdx(i as u16))
    }
}
