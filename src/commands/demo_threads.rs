//! `bareflow demo --threads`: Rust std threads on the current platform — spawn and join, a
//! channel from workers, a contended Mutex, Condvar ping-pong, a Barrier, thread-locals with
//! destructors, scoped threads. The output is the same on Linux and on bare metal except the
//! line ending in "(varies)".

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex, mpsc};
use std::thread;

const WORKERS: u64 = 4;

unsafe extern "C" {
    /// The C library's sysconf (glibc's or core-libc's).
    fn sysconf(name: i32) -> i64;
}
/// `_SC_NPROCESSORS_ONLN` on Linux (and in core-libc, which follows its values).
const SC_NPROCESSORS_ONLN: i32 = 84;

static TLS_DROPS: AtomicUsize = AtomicUsize::new(0);

/// A thread-local whose destructor counts itself: proves each thread's destructors ran.
struct Tracked(Cell<u64>);

impl Drop for Tracked {
    fn drop(&mut self) {
        if self.0.get() != 0 {
            TLS_DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

thread_local! {
    static MINE: Tracked = const { Tracked(Cell::new(0)) };
}

fn primes_in(lo: u64, hi: u64) -> u64 {
    (lo.max(2)..hi).filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)).count() as u64
}

/// Run the demo; 0 when every check held.
pub fn main() -> i32 {
    // SAFETY: sysconf has no preconditions.
    let cpus = unsafe { sysconf(SC_NPROCESSORS_ONLN) };
    println!("threads demo: {cpus} CPUs online (varies)");

    // Workers send their results over a channel; each sets its thread-local.
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = (0..WORKERS)
        .map(|i| {
            let tx = tx.clone();
            thread::spawn(move || {
                MINE.with(|m| m.0.set(i + 1));
                let n = primes_in(i * 25_000, (i + 1) * 25_000);
                tx.send((i, n)).expect("main receives");
                MINE.with(|m| m.0.get()) * 1000 + n
            })
        })
        .collect();
    drop(tx);
    let mut got: Vec<(u64, u64)> = rx.iter().collect();
    got.sort();
    let joined: Vec<u64> = workers.into_iter().map(|h| h.join().expect("worker")).collect();
    println!("channel: {:?}, total {} primes below 100000", got, got.iter().map(|g| g.1).sum::<u64>());
    println!("join results: {joined:?}");
    println!("thread-local destructors run: {}", TLS_DROPS.load(Ordering::SeqCst));

    // A contended mutex.
    let counter = Arc::new(Mutex::new(0u64));
    let hs: Vec<_> = (0..WORKERS)
        .map(|_| {
            let c = counter.clone();
            thread::spawn(move || {
                for _ in 0..20_000 {
                    *c.lock().expect("lock") += 1;
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().expect("adder"));
    println!("mutex counter: {}", *counter.lock().expect("lock"));

    // Condvar ping-pong: the turn alternates between two threads.
    let turn = Arc::new((Mutex::new(0u32), Condvar::new()));
    let rounds = 200;
    let player = |me: u32, turn: Arc<(Mutex<u32>, Condvar)>| {
        thread::spawn(move || {
            let (m, cv) = &*turn;
            let mut hits = 0;
            for _ in 0..rounds {
                let mut t = m.lock().expect("lock");
                while *t % 2 != me {
                    t = cv.wait(t).expect("wait");
                }
                *t += 1;
                hits += 1;
                cv.notify_all();
            }
            hits
        })
    };
    let (a, b) = (player(0, turn.clone()), player(1, turn.clone()));
    let (ha, hb) = (a.join().expect("ping"), b.join().expect("pong"));
    println!("condvar ping-pong: {ha} + {hb} turns, final {}", *turn.0.lock().expect("lock"));

    // A barrier: every thread sees every other's write of the phase before.
    let barrier = Arc::new(Barrier::new(WORKERS as usize));
    let slots = Arc::new(Mutex::new(vec![0u64; WORKERS as usize]));
    let hs: Vec<_> = (0..WORKERS as usize)
        .map(|i| {
            let (b, s) = (barrier.clone(), slots.clone());
            thread::spawn(move || {
                s.lock().expect("lock")[i] = i as u64 + 1;
                let leader = b.wait().is_leader();
                let seen: u64 = s.lock().expect("lock").iter().sum();
                (leader, seen)
            })
        })
        .collect();
    let results: Vec<(bool, u64)> = hs.into_iter().map(|h| h.join().expect("barrier")).collect();
    let leaders = results.iter().filter(|r| r.0).count();
    let all_seen = results.iter().all(|r| r.1 == (1..=WORKERS).sum::<u64>());
    println!("barrier: {leaders} leader, every thread saw all writes: {all_seen}");

    // Scoped threads borrow from the stack.
    let data: Vec<u64> = (1..=1000).collect();
    let sums: Vec<u64> = thread::scope(|s| {
        let hs: Vec<_> = data.chunks(250).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
        hs.into_iter().map(|h| h.join().expect("scoped")).collect()
    });
    println!("scoped sums: {sums:?} = {}", sums.iter().sum::<u64>());

    let ok = leaders == 1 && all_seen && ha == rounds && hb == rounds && TLS_DROPS.load(Ordering::SeqCst) >= 4;
    println!("threads demo: {}", if ok { "ok" } else { "FAILED" });
    if ok { 0 } else { 1 }
}
