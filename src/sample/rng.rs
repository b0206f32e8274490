//! The sample generator's random-number source: xoshiro256++ seeded with SplitMix64.
//!
//! Written out here rather than taken from `rand::rngs::SmallRng`, whose algorithm rand reserves
//! the right to change: the committed sample clients must be reproducible from their seed with
//! any future rand version. Every customer gets its own stream derived from (seed, customer
//! number), so the output does not depend on chunking or on the number of threads.

use rand::RngCore;

/// xoshiro256++ (Blackman & Vigna), 256 bits of state.
#[derive(Debug, Clone)]
pub(crate) struct SampleRng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SampleRng {
    /// The stream of one (seed, stream) pair; streams of one seed are independent.
    pub(crate) fn stream(seed: u64, stream: u64) -> SampleRng {
        let mut sm = seed;
        let key = splitmix64(&mut sm) ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut st = key;
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        SampleRng { s }
    }
}

impl RngCore for SampleRng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[0]
            .wrapping_add(self.s[3])
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        rand::rand_core::impls::fill_bytes_via_next(self, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_stream_give_the_same_numbers() {
        let mut a = SampleRng::stream(7, 3);
        let mut b = SampleRng::stream(7, 3);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn neighbouring_streams_differ() {
        let first: Vec<u64> = (0..4).map(|s| SampleRng::stream(7, s).next_u64()).collect();
        for i in 0..4 {
            for j in i + 1..4 {
                assert_ne!(first[i], first[j]);
            }
        }
    }

    #[test]
    fn first_output_matches_the_reference_algorithm() {
        // xoshiro256++ from state [1, 2, 3, 4]: rotl(1 + 4, 23) + 1 = 5 << 23 | 0 + 1 = 41943041.
        let mut r = SampleRng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 41_943_041);
    }
}
