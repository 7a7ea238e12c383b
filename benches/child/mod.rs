//! One child process run to completion, its own wall time and peak RSS
//! (`wait4` rusage, so only this child counts): shared by the benchmarks.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One finished child process.
pub struct Run {
    pub wall: Duration,
    /// User and system time of the child.
    // Each bench compiles this module; not every one reads every field.
    #[allow(dead_code)]
    pub cpu: Duration,
    /// Peak resident set size, in KiB.
    pub max_rss_kib: u64,
    /// The exit status, or minus the signal that ended it.
    pub code: i32,
}

/// Runs `cmd` to completion, its output discarded. With `kill_after`, a
/// child still running then is killed (SIGKILL), so a hang is reported, not
/// waited for.
pub fn run(cmd: &mut Command, kill_after: Option<Duration>) -> Run {
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let (done, watch) = std::sync::mpsc::channel::<()>();
    let watchdog = kill_after.map(|after| {
        std::thread::spawn(move || {
            if watch.recv_timeout(after).is_err() {
                // SAFETY: the child is not reaped before this thread is told.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        })
    });
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for this child only.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    let _ = done.send(());
    if let Some(w) = watchdog {
        let _ = w.join();
    }
    assert_eq!(r, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    // The child is reaped; `child` must not wait again (dropping it does not).
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss as u64,
        code,
    }
}
