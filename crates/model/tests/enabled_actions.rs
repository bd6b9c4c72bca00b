//! The explorer's menu of actions.

use kafka_model::action::Action;
use kafka_model::ids::{ClientIdx, TopicIdx};
use kafka_model::{enabled_actions, parse_scenario, Cluster};
use pretty_assertions::assert_eq;

fn cluster() -> Cluster {
    Cluster::from_scenario(
        &parse_scenario(
            r#"{"topics": [{"name": "orders"}],
                "producers": [{"id": "producer"}],
                "consumers": [{"id": "worker", "subscribe": ["orders"], "config": {"group.id": "g", "auto.offset.reset": "earliest"}}],
                "steps": []}"#,
        )
        .unwrap(),
    )
}

const P: ClientIdx = ClientIdx(0);
const W: ClientIdx = ClientIdx(0);

#[test]
fn initial_menu_offers_send_poll_faults_and_the_interesting_clock_steps() {
    let c = cluster();
    assert_eq!(
        enabled_actions(&c),
        vec![
            Action::ProducerSendNextOrder {
                producer: P,
                topic: TopicIdx(0)
            },
            Action::ProducerLoseNextAck { producer: P },
            Action::ProducerCrash { producer: P },
            Action::ConsumerPoll { consumer: W },
            Action::ConsumerCrash { consumer: W },
            Action::ConsumerClose { consumer: W },
            Action::ClockAdvance { ms: 5_000 },
            Action::ClockAdvance { ms: 45_000 },
        ]
    );
}

#[test]
fn menu_follows_the_state() {
    let mut c = cluster();
    let mut out = Vec::new();
    for a in [
        Action::ProducerSendNextOrder {
            producer: P,
            topic: TopicIdx(0),
        },
        Action::ProducerFlush { producer: P },
        Action::ConsumerPoll { consumer: W },
        Action::ProducerCrash { producer: P },
    ] {
        c.apply(&a, &mut out).unwrap();
    }
    let menu = enabled_actions(&c);
    assert!(menu.contains(&Action::ProducerRestart { producer: P }));
    assert!(!menu.contains(&Action::ProducerFlush { producer: P }));
    assert!(menu.contains(&Action::ConsumerProcess {
        consumer: W,
        fail: false,
        idempotent: false,
    }));
    assert!(menu.contains(&Action::ConsumerProcess {
        consumer: W,
        fail: true,
        idempotent: false,
    }));
    assert!(menu.contains(&Action::ConsumerCommit {
        consumer: W,
        offsets: None
    }));
    assert_eq!(
        c.text(kafka_model::ids::MessageId(0)),
        "{\"order_id\": 0, \"item\": \"widget\"}"
    );
    c.apply(&Action::ConsumerCrash { consumer: W }, &mut out)
        .unwrap();
    let menu = enabled_actions(&c);
    assert!(menu.contains(&Action::ConsumerRestart { consumer: W }));
    assert!(!menu.contains(&Action::ConsumerPoll { consumer: W }));
}

#[test]
fn transactional_and_replicated_menus_offer_the_new_ops() {
    let s = parse_scenario(
        r#"{"topics": [{"name": "orders", "replication.factor": 2}],
            "producers": [{"id": "tx", "config": {"transactional.id": "t"}}],
            "consumers": [{"id": "worker", "subscribe": ["orders"], "config": {"group.id": "g"}}],
            "steps": []}"#,
    )
    .unwrap();
    let mut c = Cluster::from_scenario(&s);
    let menu = enabled_actions(&c);
    assert!(menu.contains(&Action::ProducerInitTransactions { producer: P }));
    assert!(!menu.contains(&Action::ProducerSendNextOrder {
        producer: P,
        topic: TopicIdx(0)
    }));
    assert!(menu.contains(&Action::BrokerCrash { broker: 1 }));
    assert!(menu.contains(&Action::ReplicationPause));
    assert!(menu.contains(&Action::ClockAdvance { ms: 70_000 }));
    assert!(menu.contains(&Action::ClockAdvance { ms: 30_000 }));
    let mut out = Vec::new();
    for a in [
        Action::ProducerInitTransactions { producer: P },
        Action::ProducerBeginTransaction { producer: P },
        Action::ConsumerPoll { consumer: W },
    ] {
        c.apply(&a, &mut out).unwrap();
    }
    let menu = enabled_actions(&c);
    for a in [
        Action::ProducerCommitTransaction { producer: P },
        Action::ProducerAbortTransaction { producer: P },
        Action::ProducerSendOffsetsToTransaction {
            producer: P,
            consumer: W,
        },
        Action::ProducerSendNextOrder {
            producer: P,
            topic: TopicIdx(0),
        },
    ] {
        assert!(menu.contains(&a), "{a:?} missing");
    }
    // kafka-python sends one batch per partition at a time: a lost request leaves no gap to show (P5).
    assert!(!menu.contains(&Action::ProducerLoseNextRequest { producer: P }));
    // Every offered action applies without a panic, in a random walk.
    let mut rng = kafka_model::rng::SplitMix64::new(9);
    for _ in 0..500 {
        let menu = enabled_actions(&c);
        let a = menu[rng.below(menu.len() as u32) as usize].clone();
        let _ = c.apply(&a, &mut out);
    }
}

#[test]
fn c7_menu_offers_a_seek_back_to_the_committed_offset_once_the_position_has_moved_past_it() {
    let mut c = cluster();
    let mut out = Vec::new();
    let orders = kafka_model::ids::TopicPartition::new(TopicIdx(0), 0);
    let seek_back = |offset| Action::ConsumerSeek {
        consumer: W,
        tp: orders,
        offset: kafka_model::ids::Offset(offset),
    };
    for a in [
        Action::ProducerSendNextOrder {
            producer: P,
            topic: TopicIdx(0),
        },
        Action::ProducerSendNextOrder {
            producer: P,
            topic: TopicIdx(0),
        },
        Action::ProducerFlush { producer: P },
        Action::ConsumerPoll { consumer: W },
    ] {
        c.apply(&a, &mut out).unwrap();
    }
    // Nothing committed yet: there is nowhere to go back to.
    assert!(!enabled_actions(&c)
        .iter()
        .any(|a| matches!(a, Action::ConsumerSeek { .. })));
    for a in [
        Action::ConsumerProcess {
            consumer: W,
            fail: false,
            idempotent: false,
        },
        Action::ConsumerCommit {
            consumer: W,
            offsets: None,
        },
    ] {
        c.apply(&a, &mut out).unwrap();
    }
    // Committed 1 and the position is 1: a seek would change nothing.
    assert!(!enabled_actions(&c).contains(&seek_back(1)));
    for a in [
        Action::ConsumerPoll { consumer: W },
        Action::ConsumerProcess {
            consumer: W,
            fail: true,
            idempotent: false,
        },
    ] {
        c.apply(&a, &mut out).unwrap();
    }
    // The second order failed and the position is 2: seek back to 1 re-reads it.
    assert!(enabled_actions(&c).contains(&seek_back(1)));
    c.apply(&seek_back(1), &mut out).unwrap();
    c.apply(&Action::ConsumerPoll { consumer: W }, &mut out)
        .unwrap();
    let state = kafka_model::output::final_state(&c);
    assert_eq!(state.consumers[0].positions[0].offset, 2);
    // Handled again and committed: nothing to go back to.
    for a in [
        Action::ConsumerProcess {
            consumer: W,
            fail: false,
            idempotent: false,
        },
        Action::ConsumerCommit {
            consumer: W,
            offsets: None,
        },
    ] {
        c.apply(&a, &mut out).unwrap();
    }
    assert!(!enabled_actions(&c)
        .iter()
        .any(|a| matches!(a, Action::ConsumerSeek { .. })));
}
