//! Real-cluster mode: runs the model's scenario steps on a real Kafka cluster, so the course can show the real
//! state beside the model's. Not built yet; this crate only holds its place in the workspace.
