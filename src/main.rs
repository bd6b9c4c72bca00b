fn main() {
    kafka_delivery_lab::error_panel::install_panic_hook();
    kafka_delivery_lab::start();
}
