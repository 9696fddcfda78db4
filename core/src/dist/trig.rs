//! Sine and cosine for angles up to about a million radians: `libm`'s `sin` and `cos` (musl's, from FreeBSD)
//! with the same operations in the same order, so the same bits, minus the reduction of huge arguments.
//!
//! Why not `libm::cos` itself: for |x| beyond 2^20·π/2 it reduces the argument with `rem_pio2_large` and a
//! 2.7 KB table of the digits of 2/π, which no angle here ever needs (the normal draw's angle is below 2π,
//! the ring view's below 3π/2), yet the linker keeps them in the web bundle because they are reachable.
//! For |x| below 1,647,099 (the double whose high word is 0x413921fb, just under 2^20·π/2) these functions
//! return exactly what `libm` returns (the tests compare the bits); from there on they return NaN, as for
//! infinities.

// Same constants as libm's `rem_pio2.rs`, `k_cos.rs` and `k_sin.rs`.
const TO_INT: f64 = 1.5 / f64::EPSILON;
const INV_PIO2: f64 = 6.366_197_723_675_813_824_33e-1; /* 0x3FE45F30, 0x6DC9C883 */
const PIO2_1: f64 = 1.570_796_326_734_125_614_17e0; /* 0x3FF921FB, 0x54400000 */
const PIO2_1T: f64 = 6.077_100_506_506_192_249_32e-11; /* 0x3DD0B461, 0x1A626331 */
const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11; /* 0x3DD0B461, 0x1A600000 */
const PIO2_2T: f64 = 2.022_266_248_795_950_631_54e-21; /* 0x3BA3198A, 0x2E037073 */
const PIO2_3: f64 = 2.022_266_248_711_166_455_80e-21; /* 0x3BA3198A, 0x2E000000 */
const PIO2_3T: f64 = 8.478_427_660_368_899_569_97e-32; /* 0x397B839A, 0x252049C1 */

const C1: f64 = 4.166_666_666_666_660_190_37e-2; /* 0x3FA55555, 0x5555554C */
const C2: f64 = -1.388_888_888_887_410_957_49e-3; /* 0xBF56C16C, 0x16C15177 */
const C3: f64 = 2.480_158_728_947_672_941_78e-5; /* 0x3EFA01A0, 0x19CB1590 */
const C4: f64 = -2.755_731_435_139_066_330_35e-7; /* 0xBE927E4F, 0x809C52AD */
const C5: f64 = 2.087_572_321_298_174_827_90e-9; /* 0x3E21EE9E, 0xBDB4B1C4 */
const C6: f64 = -1.135_964_755_778_819_482_65e-11; /* 0xBDA8FAE9, 0xBE8838D4 */

const S1: f64 = -1.666_666_666_666_663_243_48e-1; /* 0xBFC55555, 0x55555549 */
const S2: f64 = 8.333_333_333_322_489_461_24e-3; /* 0x3F811111, 0x1110F8A6 */
const S3: f64 = -1.984_126_982_985_794_931_34e-4; /* 0xBF2A01A0, 0x19C161D5 */
const S4: f64 = 2.755_731_370_707_006_767_89e-6; /* 0x3EC71DE3, 0x57B1FE7D */
const S5: f64 = -2.505_076_025_340_686_341_95e-8; /* 0xBE5AE5E6, 0x8A2B9CEB */
const S6: f64 = 1.589_690_995_211_550_102_21e-10; /* 0x3DE5D93A, 0x5ACFD57C */

/// The high word of |x|, which the branches below test.
fn high_word(x: f64) -> u32 {
    (x.to_bits() >> 32) as u32 & 0x7fff_ffff
}

/// Cosine, as `libm::cos` for |x| < 1,647,099 (see the module docs).
pub fn cos(x: f64) -> f64 {
    let ix = high_word(x);
    // |x| ~< pi/4
    if ix <= 0x3fe9_21fb {
        // x < 2^-27 * sqrt(2)
        if ix < 0x3e46_a09e && x as i32 == 0 {
            return 1.0;
        }
        return k_cos(x, 0.0);
    }
    // cos(Inf or NaN) is NaN
    if ix >= 0x7ff0_0000 {
        return x - x;
    }
    let (n, y0, y1) = rem_pio2(x);
    match n & 3 {
        0 => k_cos(y0, y1),
        1 => -k_sin(y0, y1, 1),
        2 => -k_cos(y0, y1),
        _ => k_sin(y0, y1, 1),
    }
}

/// Sine, as `libm::sin` for |x| < 1,647,099 (see the module docs).
pub fn sin(x: f64) -> f64 {
    let ix = high_word(x);
    // |x| ~< pi/4
    if ix <= 0x3fe9_21fb {
        // |x| < 2^-26: libm only raises the inexact and underflow flags here, which Rust cannot see.
        if ix < 0x3e50_0000 {
            return x;
        }
        return k_sin(x, 0.0, 0);
    }
    // sin(Inf or NaN) is NaN
    if ix >= 0x7ff0_0000 {
        return x - x;
    }
    let (n, y0, y1) = rem_pio2(x);
    match n & 3 {
        0 => k_sin(y0, y1, 1),
        1 => k_cos(y0, y1),
        2 => -k_sin(y0, y1, 1),
        _ => -k_cos(y0, y1),
    }
}

/// Cosine kernel on [-pi/4, pi/4]; `y` is the tail of `x`.
fn k_cos(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// Sine kernel on [-pi/4, pi/4]; `y` is the tail of `x`, used when `iy` is not 0.
fn k_sin(x: f64, y: f64, iy: i32) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * x;
    if iy == 0 {
        x + v * (S1 + z * r)
    } else {
        x - ((z * (0.5 * y - v * r) - y) - v * S1)
    }
}

/// `x` as `n` quarter turns plus a remainder `y0 + y1` in [-pi/4, pi/4]: libm's `rem_pio2`, except that
/// |x| from 1,647,099 on gives a NaN remainder instead of going to `rem_pio2_large`.
fn rem_pio2(x: f64) -> (i32, f64, f64) {
    let negative = x.is_sign_negative();
    let ix = high_word(x);
    // Near 1 to 4 quarter turns, one subtraction of k·pi/2 in two parts is good to 85 bits.
    let near = |k: f64, n: i32| {
        if negative {
            let z = x + k * PIO2_1;
            let y0 = z + k * PIO2_1T;
            (-n, y0, (z - y0) + k * PIO2_1T)
        } else {
            let z = x - k * PIO2_1;
            let y0 = z - k * PIO2_1T;
            (n, y0, (z - y0) - k * PIO2_1T)
        }
    };
    // |x| ~<= 5pi/4
    if ix <= 0x400f_6a7a {
        // |x| ~= pi/2 or 2pi/2: cancellation, use the medium case
        if (ix & 0xfffff) == 0x921fb {
            return medium(x, ix);
        }
        // |x| ~<= 3pi/4
        return if ix <= 0x4002_d97c { near(1.0, 1) } else { near(2.0, 2) };
    }
    // |x| ~<= 9pi/4
    if ix <= 0x401c_463b {
        // |x| ~<= 7pi/4
        if ix <= 0x4015_fdbc {
            // |x| ~= 3pi/2
            if ix == 0x4012_d97c {
                return medium(x, ix);
            }
            return near(3.0, 3);
        }
        // |x| ~= 4pi/2
        if ix == 0x4019_21fb {
            return medium(x, ix);
        }
        return near(4.0, 4);
    }
    // |x| ~< 2^20*(pi/2), medium size
    if ix < 0x4139_21fb {
        return medium(x, ix);
    }
    (0, f64::NAN, f64::NAN)
}

/// Reduction for |x| below 1,647,099: rint(x / (pi/2)) quarter turns, subtracted in up to three rounds (good to
/// 151 bits).
fn medium(x: f64, ix: u32) -> (i32, f64, f64) {
    // rint(x/(pi/2)), assuming round-to-nearest
    let f_n = (x * INV_PIO2 + TO_INT) - TO_INT;
    let n = f_n as i32;
    let mut r = x - f_n * PIO2_1;
    let mut w = f_n * PIO2_1T; // 1st round, good to 85 bits
    let mut y0 = r - w;
    let ey = (y0.to_bits() >> 52) as i32 & 0x7ff;
    let ex = (ix >> 20) as i32;
    if ex - ey > 16 {
        // 2nd round, good to 118 bits
        let t = r;
        w = f_n * PIO2_2;
        r = t - w;
        w = f_n * PIO2_2T - ((t - r) - w);
        y0 = r - w;
        let ey = (y0.to_bits() >> 52) as i32 & 0x7ff;
        if ex - ey > 49 {
            // 3rd round, good to 151 bits, covers all cases
            let t = r;
            w = f_n * PIO2_3;
            r = t - w;
            w = f_n * PIO2_3T - ((t - r) - w);
            y0 = r - w;
        }
    }
    let y1 = (r - y0) - w;
    (n, y0, y1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use std::f64::consts::{FRAC_PI_2, PI, TAU};

    /// Both functions give libm's bits at `x`.
    #[track_caller]
    fn same_bits(x: f64) {
        assert_eq!(
            cos(x).to_bits(),
            libm::cos(x).to_bits(),
            "cos({x:e}) [{:#x}]",
            x.to_bits()
        );
        assert_eq!(
            sin(x).to_bits(),
            libm::sin(x).to_bits(),
            "sin({x:e}) [{:#x}]",
            x.to_bits()
        );
    }

    #[test]
    fn a_dense_sweep_over_a_few_turns_matches_libm() {
        let n = 400_000;
        for i in 0..=n {
            same_bits(-4.0 * TAU + 8.0 * TAU * f64::from(i) / f64::from(n));
        }
    }

    #[test]
    fn the_normal_draws_angles_match_libm() {
        // The angles `std_normal` takes the cosine of: 2π times a uniform draw in [0, 1).
        let mut rng = SimRng::new(7);
        for _ in 0..200_000 {
            same_bits(2.0 * PI * rng.unit());
        }
    }

    #[test]
    fn every_branch_boundary_and_its_neighbours_match_libm() {
        // The high words the branches test, multiples of pi/2 (where the reduction cancels), tiny and
        // medium-size arguments, and the largest the equality is promised for.
        let mut xs = vec![0.0, 1e-300, 2f64.powi(-27), 2f64.powi(-26), 0.5, 1.0, 1e3, 1e5, 1e6];
        for hw in [
            0x3e46_a09e_u64,
            0x3e50_0000,
            0x3fe9_21fb,
            0x4002_d97c,
            0x400f_6a7a,
            0x4012_d97c,
            0x4015_fdbc,
        ]
        .into_iter()
        .chain([0x4019_21fb, 0x401c_463b, 0x4139_21fa])
        {
            xs.extend([f64::from_bits(hw << 32), f64::from_bits((hw << 32) | 0xffff_ffff)]);
        }
        for k in 1..=64 {
            xs.push(f64::from(k) * FRAC_PI_2);
        }
        let bound = f64::from_bits(0x4139_21fb << 32);
        for x in xs {
            for ulps in -3_i64..=3 {
                let near = f64::from_bits((x.to_bits() as i64 + ulps).max(0) as u64);
                if near < bound {
                    same_bits(near);
                    same_bits(-near);
                }
            }
        }
    }

    #[test]
    fn non_finite_and_huge_arguments_give_nan() {
        let bound = f64::from_bits(0x4139_21fb << 32);
        for x in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            bound,
            -bound,
            1e7,
            1e300,
            -1e300,
        ] {
            assert!(cos(x).is_nan() && sin(x).is_nan(), "{x:e}");
        }
    }
}
