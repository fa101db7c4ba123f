//! Terminal facts: colour, progress on stderr, writing output.

use crate::cli::ColorChoice;
use day2_model::escape::{sanitize_terminal, sanitize_terminal_keep_sgr};
use day2_model::redact::redact;
use std::io::{IsTerminal, Write};

pub struct Term {
    pub color: bool,
    pub stderr_tty: bool,
}

impl Term {
    pub fn new(choice: ColorChoice) -> Term {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        Term {
            color,
            stderr_tty: std::io::stderr().is_terminal(),
        }
    }

    /// Progress for long work: on stderr, only on a terminal.
    pub fn progress(&self, msg: &str) {
        if self.stderr_tty {
            let msg = sanitize_terminal(msg);
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K{msg}");
            let _ = e.flush();
        }
    }

    pub fn progress_done(&self) {
        if self.stderr_tty {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K");
            let _ = e.flush();
        }
    }

    pub fn warn(&self, msg: &str) {
        let style = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Yellow.into()))
            .bold();
        self.emit_err("warning", style, msg);
    }

    pub fn error(&self, msg: &str) {
        let style = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Red.into()))
            .bold();
        self.emit_err("error", style, msg);
    }

    /// A warning or error on stderr. Its text may quote the input (a file
    /// name, an object, a decoded value): credentials are redacted and
    /// control characters shown, never sent to the terminal.
    fn emit_err(&self, label: &str, style: anstyle::Style, msg: &str) {
        let redacted = redact(msg);
        let msg = sanitize_terminal(&redacted);
        let color = self.stderr_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let mut e = std::io::stderr().lock();
        let _ = if color {
            writeln!(e, "day2: {style}{label}{style:#}: {msg}")
        } else {
            writeln!(e, "day2: {label}: {msg}")
        };
    }

    /// Write the command's output to stdout piece by piece, through one buffer.
    pub fn print_with(
        &self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        write(&mut out)?;
        out.flush()
    }

    /// Write the command's output to stdout. The renderers escape what they
    /// print; this is the last guard: only colour (SGR) sequences, and only
    /// with colour on, reach the terminal.
    pub fn print(&self, text: &str) -> std::io::Result<()> {
        let text = if self.color {
            sanitize_terminal_keep_sgr(text)
        } else {
            sanitize_terminal(text)
        };
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}
