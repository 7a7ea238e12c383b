//! Work shared by several threads whose results are taken one at a time in
//! order: the `i`th result is taken after every one before it, whatever
//! thread made it and whenever it finished.
//!
//! There is no thread that only takes. Each thread makes the next item no
//! thread has claimed, and the one that finishes the item whose turn it is
//! takes it, and any after it already made. A taking thread of its own
//! would be one thread more than the cores asked for, and would read and
//! free every result on a core other than the one that built it: at two
//! threads that cost a tenth of the run.

use std::any::Any;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Makes `make(i)` for every `i` in `0..n` on `jobs` threads, this one
/// among them, and gives each result to `take` in order of `i`. Item `i`
/// is made only once item `i - ahead` has been given to `take`, so a slow
/// item holds the threads up rather than fill memory.
///
/// The first error `take` returns stops the work and is returned; a panic
/// in `make` or `take` stops it too, and is resumed on this thread.
pub(crate) fn in_turn<T, E>(
    n: usize,
    jobs: usize,
    ahead: usize,
    make: impl Fn(usize) -> T + Sync,
    take: impl FnMut(T) -> Result<(), E> + Send,
) -> Result<(), E>
where
    T: Send,
    E: Send,
{
    let turns = Turns {
        n,
        ahead: ahead.max(1),
        claim: AtomicUsize::new(0),
        queue: Mutex::new(Queue {
            turn: 0,
            made: BTreeMap::new(),
            taking: false,
            waiting: 0,
            stop: None,
        }),
        moved: Condvar::new(),
        take: Mutex::new(take),
    };
    std::thread::scope(|scope| {
        for _ in 1..jobs.max(1) {
            scope.spawn(|| turns.work(&make));
        }
        turns.work(&make);
    });
    let queue = turns
        .queue
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    match queue.stop {
        None => Ok(()),
        Some(Stop::Failed(e)) => Err(e),
        Some(Stop::Panicked(p)) => panic::resume_unwind(p),
    }
}

struct Turns<T, E, F> {
    n: usize,
    ahead: usize,
    /// The first item no thread has claimed.
    claim: AtomicUsize,
    queue: Mutex<Queue<T, E>>,
    /// Signalled when the turn moves on, or the work stops.
    moved: Condvar,
    /// Held by the one thread taking (`Queue::taking`), so never waited for.
    take: Mutex<F>,
}

struct Queue<T, E> {
    /// The item whose turn it is to be taken.
    turn: usize,
    /// Items made before their turn.
    made: BTreeMap<usize, T>,
    /// A thread is taking items; the others leave theirs in `made`.
    taking: bool,
    /// Threads waiting for the turn to come near their item.
    waiting: usize,
    stop: Option<Stop<E>>,
}

enum Stop<E> {
    Failed(E),
    Panicked(Box<dyn Any + Send>),
}

impl<T, E, F> Turns<T, E, F>
where
    F: FnMut(T) -> Result<(), E>,
{
    fn lock(&self) -> MutexGuard<'_, Queue<T, E>> {
        // A panic never leaves the queue half changed: take its contents.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One thread's share: claim, make, and take whatever's turn has come.
    fn work(&self, make: &(impl Fn(usize) -> T + Sync)) {
        loop {
            let i = self.claim.fetch_add(1, Ordering::Relaxed);
            if i >= self.n || !self.room_for(i) {
                return;
            }
            let item = match panic::catch_unwind(AssertUnwindSafe(|| make(i))) {
                Ok(item) => item,
                Err(p) => return self.stop(Stop::Panicked(p)),
            };
            let mut q = self.lock();
            q.made.insert(i, item);
            if q.taking || q.stop.is_some() {
                continue;
            }
            q.taking = true;
            loop {
                let turn = q.turn;
                let Some(item) = q.made.remove(&turn) else {
                    break;
                };
                q.turn += 1;
                let waiting = q.waiting > 0;
                drop(q);
                if waiting {
                    self.moved.notify_all();
                }
                let took = panic::catch_unwind(AssertUnwindSafe(|| {
                    let mut take = self.take.lock().unwrap_or_else(PoisonError::into_inner);
                    (*take)(item)
                }));
                match took {
                    Ok(Ok(())) => q = self.lock(),
                    Ok(Err(e)) => return self.stop(Stop::Failed(e)),
                    Err(p) => return self.stop(Stop::Panicked(p)),
                }
                if q.stop.is_some() {
                    break;
                }
            }
            q.taking = false;
        }
    }

    /// Waits until item `i` is at most `ahead` past the turn; false when
    /// the work stopped meanwhile.
    fn room_for(&self, i: usize) -> bool {
        let mut q = self.lock();
        while i >= q.turn + self.ahead && q.stop.is_none() {
            q.waiting += 1;
            q = self.moved.wait(q).unwrap_or_else(PoisonError::into_inner);
            q.waiting -= 1;
        }
        q.stop.is_none()
    }

    /// Stops the work, keeping the first reason; wakes every waiting thread.
    fn stop(&self, why: Stop<E>) {
        let mut q = self.lock();
        if q.stop.is_none() {
            q.stop = Some(why);
        }
        q.made.clear();
        drop(q);
        self.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// Items that finish out of order: some take longer than those after.
    fn slow(i: usize) -> usize {
        if i % 7 == 3 {
            std::thread::sleep(Duration::from_millis(2));
        }
        i
    }

    #[test]
    fn every_item_is_taken_once_in_order_whatever_the_thread_count() {
        for jobs in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            let r: Result<(), ()> = in_turn(200, jobs, 5, slow, |i| {
                seen.push(i);
                Ok(())
            });
            assert_eq!(r, Ok(()));
            assert_eq!(seen, (0..200).collect::<Vec<_>>(), "{jobs} threads");
        }
        let r: Result<(), ()> = in_turn(0, 4, 5, slow, |_| panic!("nothing to take"));
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn no_item_is_made_before_the_one_ahead_of_it_is_taken() {
        let handed = AtomicUsize::new(0);
        let r: Result<(), ()> = in_turn(
            300,
            4,
            6,
            |i| {
                let handed = handed.load(Ordering::SeqCst);
                assert!(i <= handed + 6, "item {i} made after {handed} were taken");
                slow(i)
            },
            |_| {
                handed.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn the_first_error_stops_the_work_and_is_returned() {
        let made = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let r = in_turn(
            10_000,
            3,
            4,
            |i| {
                made.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| {
                if i == 20 {
                    return Err(format!("cannot take {i}"));
                }
                seen.push(i);
                Ok(())
            },
        );
        assert_eq!(r, Err("cannot take 20".to_string()));
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
        // Threads already past the claim finish their item, then stop.
        assert!(made.load(Ordering::SeqCst) <= 20 + 1 + 4 + 3);
    }

    #[test]
    fn a_panic_on_any_thread_reaches_the_caller_and_nothing_waits_for_ever() {
        for jobs in [1, 2, 4] {
            let made = panic::catch_unwind(|| {
                let _: Result<(), ()> = in_turn(
                    1_000,
                    jobs,
                    3,
                    |i| if i == 50 { panic!("plan 50") } else { slow(i) },
                    |_| Ok(()),
                );
            });
            let p = made.expect_err("the panic is resumed");
            assert_eq!(p.downcast_ref::<&str>(), Some(&"plan 50"));
            let took = panic::catch_unwind(|| {
                let _: Result<(), ()> = in_turn(1_000, jobs, 3, slow, |i| match i {
                    70 => panic!("writing 70"),
                    _ => Ok(()),
                });
            });
            let p = took.expect_err("the panic is resumed");
            assert_eq!(p.downcast_ref::<&str>(), Some(&"writing 70"));
        }
    }
}
