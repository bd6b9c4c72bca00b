//! How big a scenario the lab plays smoothly. The model takes far bigger ones, within Kafka's limits and its
//! own caps (the command-line runner runs them), but the page would freeze for seconds opening them, so the
//! sandbox refuses them with the numbers and what to do instead. Measured in headless Chromium on 2 cores, from
//! the link to the first step drawn: 1,000 steps over 64 partitions and 32 clients 0.6 s, 1,500 steps 1.0–1.3 s,
//! 2,000 steps 1.8 s, 10,000 steps 42 s; 1,500 steps over 8 partitions 0.5 s.

use kafka_model::scenario::Scenario;

/// Steps: opening a run costs more than linearly in its length.
pub const MAX_STEPS: usize = 1_500;

/// Partitions across all topics: the stage draws each one's log.
pub const MAX_PARTITIONS: usize = 64;
/// Producers and consumers together: a card each.
pub const MAX_CLIENTS: usize = 32;

/// Why the lab cannot play `scenario` smoothly, if it cannot.
pub fn check(scenario: &Scenario) -> Result<(), String> {
    let setup = &scenario.setup;
    let partitions: usize = setup.topics.iter().map(|t| t.partitions as usize).sum();
    let clients = setup.producers.len() + setup.consumers.len();
    let steps = scenario.steps.len();
    let too_many = if partitions > MAX_PARTITIONS {
        Some(format!(
            "{partitions} partitions across its topics, and the lab draws at most {MAX_PARTITIONS}"
        ))
    } else if clients > MAX_CLIENTS {
        Some(format!(
            "{clients} producers and consumers, and the lab draws at most {MAX_CLIENTS}"
        ))
    } else if steps > MAX_STEPS {
        Some(format!(
            "{steps} steps, and the lab plays at most {MAX_STEPS}"
        ))
    } else {
        None
    };
    match too_many {
        None => Ok(()),
        Some(what) => Err(format!(
            "it has {what} without freezing the page; run it with the command-line runner \
             (kafka-model run FILE), or make it smaller"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(json: &str) -> Scenario {
        kafka_model::parse_scenario(json).expect("valid")
    }

    #[test]
    fn steps_partitions_and_clients_past_what_the_lab_plays_are_refused_with_the_numbers() {
        let advance = r#"{"op": "advance", "ms": 1}"#;
        let long = format!(r#"{{"steps": [{}]}}"#, vec![advance; 1_501].join(","));
        assert!(check(&setup(&long))
            .unwrap_err()
            .starts_with("it has 1501 steps, and the lab plays at most 1500"));
        assert_eq!(
            check(&setup(
                r#"{"topics": [{"name": "t", "partitions": 64}], "steps": []}"#
            )),
            Ok(())
        );
        let wide = r#"{"topics": [{"name": "a", "partitions": 64}, {"name": "b"}], "steps": []}"#;
        assert!(check(&setup(wide))
            .unwrap_err()
            .starts_with("it has 65 partitions across its topics, and the lab draws at most 64"));
        let producers: Vec<String> = (0..33).map(|i| format!(r#"{{"id": "p{i}"}}"#)).collect();
        let crowded = format!(r#"{{"producers": [{}], "steps": []}}"#, producers.join(","));
        assert!(check(&setup(&crowded))
            .unwrap_err()
            .starts_with("it has 33 producers and consumers"));
    }
}
