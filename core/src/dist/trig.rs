//! Sine and cosine for angles up to about a million radians: `libm`'s `sin` and `cos` (musl's, from FreeBSD)
//! with the same operations in the same order, so the same bits, minus the reduction of huge arguments.
//!
//! Why not `libm::cos` itself: for |x| beyond 2^20·π/2 it reduces the argument with `rem_pio2_large` and a
//! 2.7 KB table of the digits of 2/π, which no angle here ever needs (the normal draw's angle is below 2π,
//! the ring view's below 3π/2), yet the linker keeps them in the web bundle because they are reachable.
//! For |x| below 1,647,099 (the double whose high word is 0x413921fb, just under 2^20·π/2) these functions
//! return exactly what `libm` returns (the tests compare the bits); from there on they return NaN, as for
//! infinities.

// Same constants as libm's `rem_pio2.rs`, `k_cos.rs` and `k_sin.rs`, given by their bits.
const TO_INT: f64 = 1.5 / f64::EPSILON;
const INV_PIO2: f64 = f64::from_bits(0x3fe4_5f30_6dc9_c883); // 6.36619772367581382433e-1
const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000); // 1.57079632673412561417e0
const PIO2_1T: f64 = f64::from_bits(0x3dd0_b461_1a62_6331); // 6.07710050650619224932e-11
const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000); // 6.07710050630396597660e-11
const PIO2_2T: f64 = f64::from_bits(0x3ba3_198a_2e03_7073); // 2.02226624879595063154e-21
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000); // 2.02226624871116645580e-21
const PIO2_3T: f64 = f64::from_bits(0x397b_839a_2520_49c1); // 8.47842766036889956997e-32

const C1: f64 = f64::from_bits(0x3fa5_5555_5555_554c); // 4.16666666666666019037e-2
const C2: f64 = f64::from_bits(0xbf56_c16c_16c1_5177); // -1.38888888888741095749e-3
const C3: f64 = f64::from_bits(0x3efa_01a0_19cb_1590); // 2.48015872894767294178e-5
const C4: f64 = f64::from_bits(0xbe92_7e4f_809c_52ad); // -2.75573143513906633035e-7
const C5: f64 = f64::from_bits(0x3e21_ee9e_bdb4_b1c4); // 2.08757232129817482790e-9
const C6: f64 = f64::from_bits(0xbda8_fae9_be88_38d4); // -1.13596475577881948265e-11

const S1: f64 = f64::from_bits(0xbfc5_5555_5555_5549); // -1.66666666666666324348e-1
const S2: f64 = f64::from_bits(0x3f81_1111_1110_f8a6); // 8.33333333332248946124e-3
const S3: f64 = f64::from_bits(0xbf2a_01a0_19c1_61d5); // -1.98412698298579493134e-4
const S4: f64 = f64::from_bits(0x3ec7_1de3_57b1_fe7d); // 2.75573137070700676789e-6
const S5: f64 = f64::from_bits(0xbe5a_e5e6_8a2b_9ceb); // -2.50507602534068634195e-8
const S6: f64 = f64::from_bits(0x3de5_d93a_5acf_d57c); // 1.58969099521155010221e-10

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
        return f64::NAN;
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
        return f64::NAN;
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
