//! The versions the model follows are the versions the set-up installs.

use kafka_model::versions;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_set_up_installs_the_versions_the_model_follows() {
    assert!(read("tools/kafka/pom.xml").contains(&format!(
        "<kafka.version>{}</kafka.version>",
        versions::KAFKA
    )));
    assert!(read("tools/clients/python/requirements.txt")
        .lines()
        .any(|line| line.trim() == format!("kafka-python=={}", versions::KAFKA_PYTHON)));
}
