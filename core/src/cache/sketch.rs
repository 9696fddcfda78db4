//! A count-min sketch of 4-bit counters with periodic aging, as TinyLFU uses to estimate how often a key
//! was requested recently (Einziger, Friedman & Manes, "TinyLFU", 2017). Four rows, one hash each (SplitMix64
//! of the key with a per-row constant, so the counts are deterministic); the estimate is the row minimum.
//! After `10 × width` increments every counter is halved, so old popularity fades.

use crate::rng::mix64;

const ROWS: usize = 4;
const ROW_SEEDS: [u64; ROWS] = [
    0x9E37_79B9_7F4A_7C15,
    0xC2B2_AE3D_27D4_EB4F,
    0x1656_67B1_9E37_79F9,
    0x85EB_CA77_C2B2_AE63,
];
const MAX_COUNT: u8 = 15;
const MAX_WIDTH: usize = 1 << 24;

#[derive(Clone, Debug)]
pub struct Sketch {
    counters: Vec<u8>,
    width: usize,
    additions: u64,
}

impl Sketch {
    /// A sketch sized for about `expected` distinct hot keys (rounded up to a power of two, at least 16).
    pub fn new(expected: u64) -> Self {
        let width = (expected.clamp(16, MAX_WIDTH as u64) as usize).next_power_of_two();
        Sketch {
            counters: vec![0; width * ROWS],
            width,
            additions: 0,
        }
    }

    #[inline]
    fn cell(&self, key: u64, row: usize) -> usize {
        row * self.width + (mix64(key ^ ROW_SEEDS[row]) as usize & (self.width - 1))
    }

    pub fn increment(&mut self, key: u64) {
        for row in 0..ROWS {
            let cell = self.cell(key, row);
            let count = &mut self.counters[cell];
            if *count < MAX_COUNT {
                *count += 1;
            }
        }
        self.additions += 1;
        if self.additions >= 10 * self.width as u64 {
            for count in &mut self.counters {
                *count >>= 1;
            }
            self.additions /= 2;
        }
    }

    pub fn estimate(&self, key: u64) -> u8 {
        (0..ROWS)
            .map(|row| self.counters[self.cell(key, row)])
            .min()
            .unwrap_or(0)
    }

    /// Widens (and clears) the sketch when the cache holds more entries than it has columns, as Caffeine does.
    pub fn ensure_width(&mut self, entries: usize) {
        if entries > self.width && self.width < MAX_WIDTH {
            *self = Sketch::new(entries as u64);
        }
    }
}
