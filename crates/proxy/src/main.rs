fn main() {
    eprintln!("kafka-proxy: real-cluster mode is not available yet");
    std::process::exit(1);
}
