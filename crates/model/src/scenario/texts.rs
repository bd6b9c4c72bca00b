//! Record values and keys, interned so that actions carry small ids (a message's identity is its value, L1).

use std::collections::BTreeMap;

use crate::ids::MessageId;

#[derive(Debug, Clone, Default)]
pub struct Texts {
    list: Vec<String>,
    index: BTreeMap<String, MessageId>,
}

impl Texts {
    pub fn intern(&mut self, text: &str) -> MessageId {
        if let Some(id) = self.index.get(text) {
            return *id;
        }
        let id = MessageId(self.list.len() as u32);
        self.list.push(text.to_owned());
        self.index.insert(text.to_owned(), id);
        id
    }

    pub fn as_slice(&self) -> &[String] {
        &self.list
    }

    pub fn into_list(self) -> Vec<String> {
        self.list
    }
}
