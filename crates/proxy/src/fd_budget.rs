//! File descriptors: every client of a session holds some in the proxy (librdkafka's sockets and wake-up
//! pipes, a driver process's three pipes). At start the proxy raises its soft limit to the hard one, and a
//! session whose clients would not fit in what is left is refused, so the proxy never runs out of
//! descriptors and stops answering (and stopping).

use std::sync::{Arc, Mutex};

/// Measured: 128 librdkafka clients held about 850 descriptors.
pub const PER_LIBRDKAFKA_CLIENT: usize = 8;
/// stdin, stdout and stderr of the driver process, and one to spare.
pub const PER_DRIVER_CLIENT: usize = 4;
/// Kept for the listener, the HTTP connections, the admin client and the observer's connections.
pub const RESERVED: usize = 128;

#[derive(Debug)]
pub struct FdBudget {
    /// The process's limit.
    pub limit: usize,
    taken: Mutex<usize>,
}

/// Descriptors a session holds; given back when it is dropped.
#[derive(Debug)]
pub struct FdClaim {
    budget: Arc<FdBudget>,
    n: usize,
}

impl Drop for FdClaim {
    fn drop(&mut self) {
        *self.budget.lock() -= self.n;
    }
}

impl FdBudget {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(FdBudget {
            limit,
            taken: Mutex::new(0),
        })
    }

    /// The process's limit, raised to the hard one first where the system allows it.
    pub fn of_this_process() -> Arc<Self> {
        Self::new(raise_limit())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.taken.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many descriptors sessions may hold in all.
    pub fn for_sessions(&self) -> usize {
        self.limit.saturating_sub(RESERVED)
    }

    /// `n` descriptors for a session, or why there is no room.
    pub fn claim(self: &Arc<Self>, n: usize) -> Result<FdClaim, String> {
        let mut taken = self.lock();
        if *taken + n > self.for_sessions() {
            return Err(format!(
                "the proxy has no room for this session's clients: they need about {n} file descriptors, and \
                 the open sessions hold {} of the {} its limit ({}) leaves them; end a session, or start the \
                 proxy with a higher `ulimit -n`",
                *taken,
                self.for_sessions(),
                self.limit
            ));
        }
        *taken += n;
        Ok(FdClaim {
            budget: self.clone(),
            n,
        })
    }
}

#[cfg(unix)]
fn raise_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

#[cfg(not(unix))]
fn raise_limit() -> usize {
    // Windows' own limit is far above what the sessions' caps allow.
    usize::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_fit_within_the_limit_less_the_reserve_and_come_back_when_dropped() {
        let budget = FdBudget::new(RESERVED + 20);
        let first = budget.claim(16).expect("fits");
        let refused = budget.claim(8).unwrap_err();
        assert!(refused.contains("hold 16 of the 20"), "{refused}");
        drop(first);
        assert!(budget.claim(20).is_ok());
    }
}
