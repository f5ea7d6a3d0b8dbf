//! One parallel map for the /proc walks (owner scan, lsof's process scan).
//!
//! The work is kernel time (a readlink per fd, a read per stat file), so it
//! spreads well over the cores; but its cost per item is very uneven (one
//! server process may hold 20,000 sockets while hundreds hold none), so the
//! items are claimed one at a time from a shared counter rather than split
//! into fixed runs, which would leave one core idle behind the big process.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Below this many items the threads cost more than they save.
const MIN_PARALLEL: usize = 64;

/// Below this many open files on the system (/proc/sys/fs/file-nr) a walk
/// of /proc/*/fd is a few milliseconds, less than starting threads costs.
const MIN_PARALLEL_FILES: u64 = 4096;

/// How many threads a walk over `items` items uses.
pub fn threads_for(items: usize) -> usize {
    if items < MIN_PARALLEL { 1 } else { walk_cores() }
}

/// How many threads a big /proc walk uses: 1 on a system with few files
/// open (its walks are short).
pub fn walk_cores() -> usize {
    if !many_open_files() { 1 } else { cores() }
}

/// The threads a parallel piece of work uses: the cores, at most 4.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(4)
}

/// Whether the system has many files open (read once per run); a system
/// that does not say counts as busy.
fn many_open_files() -> bool {
    static MANY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *MANY.get_or_init(|| {
        let mut text = Vec::new();
        if crate::core::procinfo::read_small(b"/proc/sys/fs/file-nr", &mut text).is_err() {
            return true;
        }
        let first = text.split(|b| b.is_ascii_whitespace()).next().unwrap_or_default();
        std::str::from_utf8(first)
            .ok()
            .and_then(|n| n.parse::<u64>().ok())
            .is_none_or(|n| n >= MIN_PARALLEL_FILES)
    })
}

/// `f` over `items`, results in item order. `f` gets a per-thread scratch
/// value made by `scratch` (reused buffers), and runs on up to
/// `threads_for(items.len())` threads.
pub fn map_ordered<T, R, S>(items: &[T], scratch: impl Fn() -> S + Sync, f: impl Fn(&mut S, &T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    map_ordered_on(threads_for(items.len()), items, scratch, f)
}

/// `map_ordered` on `threads` threads (work that is not a /proc walk
/// chooses its own count).
pub fn map_ordered_on<T, R, S>(
    threads: usize,
    items: &[T],
    scratch: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    map_on(threads, items, &[], scratch, f, |_| false, false, || ()).0
}

/// The order to claim items in: costliest first, ties in item order. The
/// walks' costs are very uneven, and a thread that claims the one big
/// process last leaves the other cores idle behind it; claimed first, it
/// runs while the others share out the small ones.
fn costliest_first(costs: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(costs[i]));
    order
}

/// `f` over `items` on `threads` threads, claimed in the order of falling
/// `costs` (`costliest_first`; empty: in item order), results in item
/// order; and `meanwhile` run on the calling thread, which walks too when
/// it is not running that: at once (`at_once`), or once one result
/// satisfies `wake` (as soon as that thread is done with its item in hand;
/// the rest of the walk goes on meanwhile), or never when none does. lsof reads the socket tables only
/// once a socket fd turns up, and reading them beside the fd walk overlaps
/// the two.
#[allow(clippy::too_many_arguments)]
pub fn map_ordered_waking<T, R, S, M>(
    threads: usize,
    items: &[T],
    costs: &[u64],
    scratch: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
    wake: impl Fn(&R) -> bool + Sync,
    at_once: bool,
    meanwhile: impl FnOnce() -> M,
) -> (Vec<R>, Option<M>)
where
    T: Sync,
    R: Send,
{
    let order = costliest_first(costs);
    map_on(threads, items, &order, scratch, f, wake, at_once, meanwhile)
}

/// `map_ordered_waking` on `threads` threads, claiming items in `order`
/// (empty: in item order).
#[allow(clippy::too_many_arguments)]
fn map_on<T, R, S, M>(
    threads: usize,
    items: &[T],
    order: &[usize],
    scratch: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
    wake: impl Fn(&R) -> bool + Sync,
    at_once: bool,
    meanwhile: impl FnOnce() -> M,
) -> (Vec<R>, Option<M>)
where
    T: Sync,
    R: Send,
{
    if threads == 1 {
        // In item order: costs only matter for sharing out.
        let mut meanwhile = Some(meanwhile);
        let m = if at_once {
            meanwhile.take().map(|run| run())
        } else {
            None
        };
        let mut s = scratch();
        let out: Vec<R> = items.iter().map(|t| f(&mut s, t)).collect();
        let m = match meanwhile {
            Some(run) if out.iter().any(&wake) => Some(run()),
            _ => m,
        };
        return (out, m);
    }
    let next = AtomicUsize::new(0);
    let woken = AtomicBool::new(at_once);
    // One item claimed and done into `done`; false when none was left.
    let claim = |s: &mut S, done: &mut Vec<(usize, R)>| {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let i = if order.is_empty() {
            k
        } else {
            order.get(k).copied().unwrap_or(usize::MAX)
        };
        let Some(item) = items.get(i) else { return false };
        let r = f(s, item);
        if !woken.load(Ordering::Relaxed) && wake(&r) {
            woken.store(true, Ordering::Relaxed);
        }
        done.push((i, r));
        true
    };
    let work = || {
        let mut s = scratch();
        let mut done = Vec::new();
        while claim(&mut s, &mut done) {}
        done
    };
    // The calling thread is one of the `threads`: it walks too, but once
    // woken it runs `meanwhile` first (the walk goes on around it) and then
    // walks again. So `meanwhile` (lsof's table load, mostly kernel time on
    // a thread of its own) shares the cores with one walker fewer, instead
    // of with all of them while its own cost is the longest single one.
    let (parts, m) = std::thread::scope(|sc| {
        let handles: Vec<_> = (1..threads).map(|_| sc.spawn(work)).collect();
        let mut meanwhile = Some(meanwhile);
        let mut m = None;
        let mut s = scratch();
        let mut mine = Vec::new();
        loop {
            if woken.load(Ordering::Relaxed)
                && let Some(run) = meanwhile.take()
            {
                m = Some(run());
            }
            if !claim(&mut s, &mut mine) {
                break;
            }
        }
        let mut parts: Vec<Vec<(usize, R)>> = handles.into_iter().map(|h| h.join().unwrap_or_default()).collect();
        parts.push(mine);
        // Woken only by the last items of the other threads.
        if woken.load(Ordering::Relaxed)
            && let Some(run) = meanwhile.take()
        {
            m = Some(run());
        }
        (parts, m)
    });
    let mut slots: Vec<Option<R>> = Vec::with_capacity(items.len());
    slots.resize_with(items.len(), || None);
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    // A thread that died (it cannot: the walks do not panic) would leave
    // holes; they are dropped rather than invented.
    (slots.into_iter().flatten().collect(), m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_item_order_whatever_the_cost_and_claim_order() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work: every 100th item is slow; and claimed costliest first.
        let costs: Vec<u64> = items.iter().map(|x| if x % 100 == 0 { 10 } else { 1 }).collect();
        let order = costliest_first(&costs);
        assert_eq!(&order[..3], &[0, 100, 200]);
        assert_eq!(order[10], 1);
        for claim in [&[][..], &order[..]] {
            let (out, _) = map_on(
                2,
                &items,
                claim,
                || 0u64,
                |calls, &x| {
                    *calls += 1;
                    if x % 100 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    x * 2
                },
                |_| false,
                false,
                || (),
            );
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_costliest_items_are_claimed_first() {
        let items: Vec<u32> = (0..50).collect();
        let mut costs = vec![0u64; 50];
        costs[49] = 5;
        costs[30] = 3;
        let seen = std::sync::Mutex::new(Vec::new());
        map_on(
            2,
            &items,
            &costliest_first(&costs),
            || (),
            |_, &x| seen.lock().unwrap().push(x),
            |_| false,
            false,
            || (),
        );
        let seen = seen.into_inner().unwrap();
        // Both are claimed before the cheap ones (two threads: either may
        // record first).
        let first: std::collections::BTreeSet<u32> = seen[..2].iter().copied().collect();
        assert_eq!(first, [30, 49].into_iter().collect());
        let (out, _) = map_ordered_waking(2, &items, &costs, || (), |_, &x| x, |_| false, false, || ());
        assert_eq!(out, items);
    }

    #[test]
    fn meanwhile_runs_once_woken_and_never_otherwise() {
        let items: Vec<u32> = (0..500).collect();
        for threads in [1, 2] {
            for at_once in [false, true] {
                let (out, m) = map_on(
                    threads,
                    &items,
                    &[],
                    || (),
                    |_, &x| x,
                    |&x| x == 321,
                    at_once,
                    || "woken",
                );
                assert_eq!(out, items);
                assert_eq!(m, Some("woken"));
            }
            let (_, m) = map_on(threads, &items, &[], || (), |_, &x| x, |_| false, false, || "woken");
            assert_eq!(m, None);
            let (_, m) = map_on(threads, &items, &[], || (), |_, &x| x, |_| false, true, || "woken");
            assert_eq!(m, Some("woken"));
        }
        let (_, m) = map_ordered_waking(
            1,
            &items[..3],
            &[0; 3],
            || (),
            |_, &x| x,
            |&x| x == 2,
            false,
            || "woken",
        );
        assert_eq!(m, Some("woken"));
    }

    #[test]
    fn meanwhile_runs_on_the_calling_thread_while_the_others_walk() {
        let me = std::thread::current().id();
        let items: Vec<u32> = (0..200).collect();
        let (out, m) = map_on(
            2,
            &items,
            &[],
            || (),
            |_, &x| (x, std::thread::current().id()),
            |_| false,
            true,
            || {
                std::thread::sleep(std::time::Duration::from_millis(30));
                std::thread::current().id()
            },
        );
        assert_eq!(m, Some(me));
        assert_eq!(out.iter().map(|r| r.0).collect::<Vec<_>>(), items);
        // The other thread walked on meanwhile.
        assert!(out.iter().any(|r| r.1 != me));
    }

    #[test]
    fn few_items_run_on_the_calling_thread() {
        let me = std::thread::current().id();
        let out = map_ordered(&[1, 2, 3], || (), |_, &x| (x, std::thread::current().id() == me));
        assert_eq!(out, vec![(1, true), (2, true), (3, true)]);
    }
}
