//! Tests of [`super::hyp2f1`] against reference values and closed forms.

use super::*;

/// (a, b, c, z, ₂F₁) with values from mpmath at 40 significant digits.
const KNOWN: &[(f64, f64, f64, f64, f64, &str)] = &[
    (
        1.0,
        1.0,
        2.0,
        0.25,
        1.150_728_289_807_123_7,
        "direct series",
    ),
    (0.5, 0.5, 1.5, 0.3, 1.058_272_536_745_462, "arcsin identity"),
    (
        2.243,
        3.426,
        4.219,
        0.4738,
        3.136_409_877_056_234_1,
        "BG/NBD worked customer",
    ),
    (
        1.976,
        -0.207,
        4.219,
        0.4738,
        0.947_975_174_780_068_2,
        "same after Euler",
    ),
    (
        0.243,
        2.426,
        2.219,
        0.9465,
        2.390_891_241_412_485_6,
        "BG/NBD E[X(78)], m < 0",
    ),
    (
        3.159,
        1.606,
        4.159,
        0.0935,
        1.126_420_095_470_300_6,
        "Pareto/NBD on CDNOW",
    ),
    (
        1.5,
        2.5,
        3.2,
        0.75,
        4.601_192_496_456_924,
        "connection, m = -0.8",
    ),
    (
        1.5,
        2.5,
        4.0,
        0.9,
        5.493_137_516_982_069,
        "m = 0: logarithmic case",
    ),
    (1.5, 2.5, 6.0, 0.95, 2.698_307_040_860_057_5, "m = 2"),
    (
        1.5,
        2.5,
        4.000_000_001,
        0.9,
        5.493_137_513_131_246,
        "m = 1e-9",
    ),
    (
        1.5,
        2.5,
        5.999_999,
        0.95,
        2.698_307_776_767_073_7,
        "m = 2 - 1e-6",
    ),
    (1.5, 2.5, 6.05, 0.8, 2.043_483_032_956_616_4, "m = 2.05"),
    (1.2, 0.7, 0.9, 0.99, 89.984_362_289_345_4, "m = -1"),
    (
        1.2,
        0.7,
        0.900_000_3,
        0.999,
        897.068_340_333_983_1,
        "m = -1 + 3e-7",
    ),
    (
        3.5,
        1.0,
        4.5,
        0.99999,
        34.415_228_075_595_94,
        "c = a + 1, m = 0, z near 1",
    ),
    (
        5.553,
        1.606,
        6.553,
        0.9999,
        2_382.430_162_166_392_8,
        "c = a + 1, z near 1",
    ),
    (
        5.553,
        4.947,
        6.553,
        0.98,
        7_070_595.033_802_213,
        "c = a + 1, m = -3.947",
    ),
    (
        0.5,
        0.3,
        1.7,
        -0.5,
        0.962_260_166_304_183_3,
        "negative z, Pfaff to 1/3",
    ),
    (
        0.5,
        0.3,
        1.7,
        -3.0,
        0.856_869_014_238_320_8,
        "negative z, Pfaff to 0.75",
    ),
    (
        1.25,
        2.75,
        3.1,
        -50.0,
        0.009_271_983_383_722_591,
        "large negative z",
    ),
    (-4.0, 2.5, 3.5, 0.97, 0.045_996_541_974_691_98, "polynomial"),
    (
        20.0,
        30.0,
        45.5,
        0.7,
        1_327_689.031_848_114,
        "larger parameters",
    ),
    (
        60.5,
        0.8,
        63.2,
        0.6,
        1.982_233_413_042_398_5,
        "large a, m = 1.9",
    ),
    (1.0, 2.0, 5.0, 1.0, 2.0, "Gauss's theorem at z = 1"),
    (0.3, -0.7, 150.3, 0.95, 0.998_671_019_279_563_1, "large c"),
    (
        100.25,
        0.75,
        101.0,
        0.6,
        1.971_928_606_844_075_4,
        "m = -100",
    ),
    (
        25.0,
        25.0,
        50.5,
        0.95,
        36_606_032_426.243_3,
        "large a, b near z = 1",
    ),
    (
        25.0,
        25.0,
        50.000_000_1,
        0.97,
        534_331_414_040.610_5,
        "large a, b, m = 1e-7",
    ),
    (
        2.19,
        -0.21,
        301.0,
        0.99,
        0.998_481_072_342_448_8,
        "BG/NBD x = 300 after Euler",
    ),
    (
        0.75,
        1.25,
        2.0,
        0.999_999,
        12.581_386_286_170_812,
        "m = 0, z = 1 - 1e-6",
    ),
];

#[test]
fn hyp2f1_matches_reference_values_to_twelve_digits() {
    for &(a, b, c, z, expected, what) in KNOWN {
        let got = hyp2f1(a, b, c, z).unwrap_or_else(|e| panic!("{what}: {e}"));
        let rel = ((got - expected) / expected).abs();
        assert!(
            rel < 1e-12,
            "{what}: 2F1({a},{b};{c};{z}) = {got}, expected {expected}"
        );
    }
}

#[test]
fn hyp2f1_reproduces_elementary_closed_forms() {
    // ln(1 − z) = −z ₂F₁(1, 1; 2; z) and (1 − z)^{−a} = ₂F₁(a, b; b; z), on both sides of ½.
    for z in [-0.9, -0.2, 0.3, 0.6, 0.9, 0.999] {
        let f = hyp2f1(1.0, 1.0, 2.0, z).unwrap();
        assert!((-z * f / (1.0 - z).ln() - 1.0).abs() < 1e-13, "z = {z}");
        let g = hyp2f1(0.37, 1.3, 1.3, z).unwrap();
        assert!((g / (1.0 - z).powf(-0.37) - 1.0).abs() < 1e-13, "z = {z}");
    }
}

#[test]
fn hyp2f1_is_continuous_across_the_series_switch_and_integer_m() {
    // Either side of z = ½ and of m = 2 the value must move by no more than the step.
    let below = hyp2f1(1.5, 2.5, 6.0, 0.5).unwrap();
    let above = hyp2f1(1.5, 2.5, 6.0, 0.5 + 1e-12).unwrap();
    assert!((above - below).abs() < 1e-11);
    let at = hyp2f1(1.5, 2.5, 6.0, 0.93).unwrap();
    let near = hyp2f1(1.5, 2.5, 6.0 + 1e-13, 0.93).unwrap();
    assert!((at - near).abs() < 1e-11 * at);
}

#[test]
fn hyp2f1_rejects_arguments_outside_its_domain() {
    assert!(matches!(
        hyp2f1(1.0, 1.0, 2.0, 1.5),
        Err(Hyp2f1Error::OutsideDomain { .. })
    ));
    assert!(matches!(
        hyp2f1(2.0, 3.0, 4.0, 1.0),
        Err(Hyp2f1Error::OutsideDomain { .. })
    ));
    assert!(matches!(
        hyp2f1(1.0, 1.0, -2.0, 0.3),
        Err(Hyp2f1Error::PoleInC { .. })
    ));
    assert!(matches!(
        hyp2f1(f64::NAN, 1.0, 2.0, 0.3),
        Err(Hyp2f1Error::NonFinite { .. })
    ));
}
