//! One-time values computed in parallel.
//!
//! `OnceLock::get_or_init` holds the cell while its closure runs. When that
//! closure uses the thread pool, the waiting worker may pick up another task
//! that asks for the same cell, on the same thread: a deadlock. [`lazy`]
//! computes without holding the cell, then keeps the first value stored.

use std::sync::OnceLock;

/// The cell's value, computed by `f` when the cell is empty. Threads that
/// find it empty at the same moment may each compute it; the first value
/// stored is kept. Use it where `f` runs work on the thread pool.
pub fn lazy<T>(cell: &OnceLock<T>, f: impl FnOnce() -> T) -> &T {
    if let Some(v) = cell.get() {
        return v;
    }
    let v = f();
    cell.get_or_init(|| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_that_asks_again_while_the_value_is_computed_gets_it() {
        // What a pool worker does when, waiting inside the computation, it
        // picks up another task that asks for the same value.
        let cell: OnceLock<u32> = OnceLock::new();
        let v = lazy(&cell, || lazy(&cell, || 7) + 1);
        assert_eq!(*v, 7, "the first value stored is kept");
        assert_eq!(lazy(&cell, || 9), &7);
    }
}
