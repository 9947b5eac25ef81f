//! How many CPU threads the CPU backends use: `RAYON_NUM_THREADS` when set (flex and its matrix
//! products run on rayon's global pool, which reads it), else every available core.

/// The CPU threads a run or a bench uses.
pub fn cpu_threads() -> usize {
    threads_from(std::env::var("RAYON_NUM_THREADS").ok().as_deref())
}

fn threads_from(rayon_num_threads: Option<&str>) -> usize {
    match rayon_num_threads.and_then(|v| v.trim().parse::<usize>().ok()) {
        Some(n) if n > 0 => n,
        // Unset, unparsable or 0: rayon uses one thread per available core.
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_when_it_is_a_positive_number() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(threads_from(Some("1")), 1);
        assert_eq!(threads_from(Some(" 3 ")), 3);
        assert_eq!(threads_from(Some("0")), cores);
        assert_eq!(threads_from(Some("many")), cores);
        assert_eq!(threads_from(None), cores);
    }
}
