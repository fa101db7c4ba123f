//! Render a saved `day2/v1` JSON report in another format:
//! `cargo run -p day2-render --example render -- report.json markdown [--color] [--verbose] [--width N]`.
//! Without the rule catalogue, SARIF rules carry only what the report holds.

use day2_model::report::Report;
use day2_render::{Format, RenderOptions, render};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(format)) = (args.first(), args.get(1)) else {
        eprintln!("usage: render REPORT.json FORMAT [--color] [--verbose] [--width N]");
        return ExitCode::from(2);
    };
    let format: Format = match format.parse() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let report: Report = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "{path}:{}:{}: not a day2/v1 report: {e}",
                e.line(),
                e.column()
            );
            return ExitCode::from(2);
        }
    };
    let width = args
        .iter()
        .position(|a| a == "--width")
        .and_then(|i| args.get(i + 1))
        .and_then(|w| w.parse().ok())
        .unwrap_or(100);
    let opts = RenderOptions {
        color: args.iter().any(|a| a == "--color"),
        verbose: args.iter().any(|a| a == "--verbose"),
        width,
        ..RenderOptions::default()
    };
    match render(&report, &[], format, &opts) {
        Ok(s) => {
            print!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
