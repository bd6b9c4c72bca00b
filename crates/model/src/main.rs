//! `kafka-model run FILE.json` (or `-` for stdin): run a scenario and print the output JSON.

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage: kafka-model run FILE.json   (use - to read the scenario from stdin)
       kafka-model lessons          (list the course's lessons as JSON)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["lessons"] {
        return match kafka_model::lesson::listing() {
            Ok(listing) => {
                println!("{listing:#}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let [cmd, file] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if cmd != "run" {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let text = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("cannot read stdin: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    match kafka_model::run_json(&text) {
        Ok(output) => {
            println!("{}", kafka_model::to_pretty_json(&output));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("invalid scenario: {e}");
            ExitCode::from(2)
        }
    }
}
