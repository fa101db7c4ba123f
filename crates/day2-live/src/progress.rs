//! A one-line progress display on stderr, only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub(crate) struct Progress {
    on: bool,
    total: AtomicUsize,
    done: AtomicUsize,
    objects: AtomicUsize,
    /// When the line was last drawn (`None`: never).
    drawn: Mutex<Option<Instant>>,
}

impl Progress {
    pub(crate) fn new(wanted: bool) -> Progress {
        Progress {
            on: wanted && std::io::stderr().is_terminal(),
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            objects: AtomicUsize::new(0),
            drawn: Mutex::new(None),
        }
    }

    pub(crate) fn message(&self, text: &str) {
        if self.on {
            self.draw(text, true);
        }
    }

    pub(crate) fn start(&self, kinds: usize) {
        self.total.store(kinds, Ordering::Relaxed);
        self.tick(true);
    }

    pub(crate) fn page(&self, objects: usize) {
        self.objects.fetch_add(objects, Ordering::Relaxed);
        self.tick(false);
    }

    pub(crate) fn kind_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.tick(false);
    }

    fn tick(&self, force: bool) {
        if !self.on {
            return;
        }
        let text = format!(
            "day2: listing {}/{} kinds, {} objects",
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            self.objects.load(Ordering::Relaxed)
        );
        self.draw(&text, force);
    }

    fn draw(&self, text: &str, force: bool) {
        let Ok(mut last) = self.drawn.lock() else {
            return;
        };
        let now = Instant::now();
        if !force && last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
            return;
        }
        *last = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
    }

    /// Clear the line.
    pub(crate) fn finish(&self) {
        if !self.on {
            return;
        }
        if let Ok(last) = self.drawn.lock()
            && last.is_some()
        {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
