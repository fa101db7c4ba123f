//! Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`) in fixed point.

/// A parsed quantity in thousandths of a unit (milli-units), rounded up as
/// Kubernetes rounds (`0.1m` becomes `1m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Milli(pub i128);

impl Milli {
    /// The whole-unit value, rounded up (Kubernetes `Value()`).
    pub fn value(self) -> i128 {
        let q = self.0.div_euclid(1000);
        if self.0.rem_euclid(1000) != 0 {
            q + 1
        } else {
            q
        }
    }
    pub fn millis(self) -> i128 {
        self.0
    }
}

/// Significant digits kept exactly; finer digits only round the value up.
/// 20 digits times the largest binary suffix (2^60) fit an i128, and a value
/// that needs more than 20 digits at milli precision is over `i64::MAX` milli
/// (where upstream's `MilliValue` overflows too).
const KEPT_DIGITS: u32 = 20;

/// Parse a quantity string as upstream's `resource.ParseQuantity` does
/// (kubernetes/apimachinery `pkg/api/resource/quantity.go`), after trimming
/// whitespace as its `UnmarshalJSON` does, and return `ceil(q * 1000)`.
///
/// - `<signedNumber><suffix>`: a number is `1`, `1.5`, `1.` or `.5`, with an
///   optional sign; upstream's scanner also takes a bare sign or `.` as zero.
/// - suffixes: `Ki`…`Ei` (binary), `n u m "" k M G T P E` (decimal), or an
///   exponent `e`/`E` with an optional sign (`1e3`, `5E-2`).
/// - a binary-suffixed value is capped at 2^63-1, as upstream caps it.
/// - a non-zero value finer than a milli-unit rounds up (`0.1m` is `1m`);
///   a negative one (only invalid manifests have them) away from zero.
/// - upstream's scanner also reads a bare suffix (`Gi`, `m`) as zero.
///
/// `None` for malformed input, and for a value too large for day2's fixed
/// point (well beyond `i64::MAX` milli-units, where upstream's int64
/// accessors overflow).
pub fn parse(s: &str) -> Option<Milli> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (negative, rest) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let int_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (int_part, after) = rest.split_at(int_end);
    let (frac_part, suffix) = match after.strip_prefix('.') {
        Some(f) => {
            let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
            f.split_at(end)
        }
        None => ("", after),
    };
    // (binary multiplier, decimal exponent)
    let (bin, dec_exp): (i128, i64) = match suffix {
        "" => (1, 0),
        "n" => (1, -9),
        "u" => (1, -6),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1i128 << 40, 0),
        "Pi" => (1i128 << 50, 0),
        "Ei" => (1i128 << 60, 0),
        other => {
            let e = other
                .strip_prefix('e')
                .or_else(|| other.strip_prefix('E'))?;
            // strconv.ParseInt(…, 10, 32): an optional sign, then digits.
            (1, i64::from(e.parse::<i32>().ok()?))
        }
    };
    // The digits as mantissa · 10^dropped, keeping KEPT_DIGITS significant
    // ones; `sticky`: a dropped digit was not zero.
    let mut mantissa: i128 = 0;
    let mut significant = 0;
    let mut dropped: i64 = 0;
    let mut sticky = false;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        let d = i128::from(b - b'0');
        if significant == 0 && d == 0 {
            continue;
        }
        if significant == KEPT_DIGITS {
            dropped += 1;
            sticky |= d != 0;
            continue;
        }
        significant += 1;
        mantissa = mantissa * 10 + d;
    }
    if mantissa == 0 && !sticky {
        // Zero at any scale (`0e99`; upstream also reads `E36` as zero).
        return Some(Milli(0));
    }
    // milli = ceil((mantissa + sticky·ε) · bin · 10^exp)
    let exp = dropped - frac_part.len() as i64 + dec_exp + 3;
    let capped = || bin > 1;
    // Binary quantities are capped at 2^63-1 units (upstream's maxAllowed).
    const BINARY_CAP: i128 = i64::MAX as i128 * 1000;
    let m = match mantissa.checked_mul(bin) {
        Some(m) => m,
        None if capped() => BINARY_CAP,
        None => return None,
    };
    let v = if exp >= 0 {
        let scaled = u32::try_from(exp)
            .ok()
            .and_then(|e| 10i128.checked_pow(e))
            .and_then(|p| m.checked_mul(p));
        match scaled {
            // Digits dropped above the milli precision: too large to hold.
            Some(_) if sticky && capped() => BINARY_CAP,
            Some(_) if sticky => return None,
            Some(v) => v,
            None if capped() => BINARY_CAP,
            None => return None,
        }
    } else {
        match u32::try_from(-exp).ok().and_then(|e| 10i128.checked_pow(e)) {
            Some(d) => m / d + i128::from(sticky || m % d != 0),
            // Below 10^-38 milli-units: any non-zero value is 1m.
            None => i128::from(m != 0 || sticky),
        }
    };
    let v = if capped() { v.min(BINARY_CAP) } else { v };
    Some(Milli(if negative { -v } else { v }))
}

/// CPU in millicores.
pub fn cpu_millis(s: &str) -> Option<i64> {
    parse(s).and_then(|m| i64::try_from(m.0).ok())
}

/// Memory (or any byte-valued resource) in bytes, rounded up.
pub fn bytes(s: &str) -> Option<i64> {
    parse(s).and_then(|m| i64::try_from(m.value()).ok())
}

/// Human formatting of a byte count (`1.5Gi`).
pub fn format_bytes(b: i64) -> String {
    const UNITS: [(&str, i64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (u, size) in UNITS {
        if b.abs() >= size {
            let v = b as f64 / size as f64;
            return if (v - v.round()).abs() < 0.05 {
                format!("{}{u}", v.round() as i64)
            } else {
                format!("{v:.1}{u}")
            };
        }
    }
    format!("{b}")
}

/// Human formatting of millicores (`250m`, `2`).
pub fn format_cpu(m: i64) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubernetes_forms() {
        assert_eq!(cpu_millis("500m"), Some(500));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(cpu_millis("0.5"), Some(500));
        assert_eq!(cpu_millis("1.5"), Some(1500));
        assert_eq!(cpu_millis("0.1m"), Some(1), "rounded up like Kubernetes");
        assert_eq!(bytes("1Gi"), Some(1 << 30));
        assert_eq!(bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(bytes("128974848"), Some(128_974_848));
        assert_eq!(bytes("129e6"), Some(129_000_000));
        assert_eq!(bytes("129M"), Some(129_000_000));
        assert_eq!(bytes("123Mi"), Some(123 * (1 << 20)));
        assert_eq!(bytes("1k"), Some(1000));
        assert_eq!(cpu_millis("-1"), Some(-1000));
    }

    #[test]
    fn rejects_garbage() {
        // kubernetes/apimachinery pkg/api/resource/quantity_test.go
        // TestQuantityParse's `invalid` list, trimmed as UnmarshalJSON trims.
        for bad in [
            "",
            "abc",
            "1..2",
            "1Gb",
            "1.1.M",
            "1+1.0M",
            "0.1mi",
            "0.1am",
            "aoeu",
            ".5i",
            "1i",
            "-3.01i",
            "-3.01e-",
            "1e",
            "1e2147483648",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        // Too large for day2's fixed point (upstream's MilliValue overflows).
        assert_eq!(parse(&"9".repeat(31)), None);
        assert_eq!(parse("1e99"), None);
        assert_eq!(
            parse(&format!("{}1", "0".repeat(40))),
            Some(Milli(1000)),
            "leading zeros"
        );
        assert_eq!(parse("007.50m"), Some(Milli(8)), "7.5m rounds up to 8m");
    }

    #[test]
    fn upstream_corner_cases() {
        // metrics-server reports CPU in nanocores, some tools in microcores.
        assert_eq!(cpu_millis("250000000n"), Some(250));
        assert_eq!(cpu_millis("1500u"), Some(2), "1.5m rounds up");
        assert_eq!(cpu_millis("3.001n"), Some(1));
        // upstream's scanner reads a bare sign, a bare `.` or a bare suffix as zero
        // (TestParseQuantityString: `.` and `-.` parse).
        for zero in [".", "-.", "+", "-", "Gi", "m", "e3", "E36", "0e99"] {
            assert_eq!(parse(zero), Some(Milli(0)), "{zero}");
        }
        assert_eq!(parse("1.G"), Some(Milli(1_000_000_000_000)));
        assert_eq!(parse("1.3E+6"), Some(Milli(1_300_000_000)));
        // Binary quantities are capped at 2^63-1 (TestQuantityParse: "9Ei").
        assert_eq!(bytes("9Ei"), Some(i64::MAX));
        assert_eq!(bytes("9223372036854775807Ki"), Some(i64::MAX));
        // Finer than 10^-38 and with more than 20 digits: still rounded up.
        assert_eq!(parse("1e-40"), Some(Milli(1)));
        assert_eq!(
            parse("1.0000000000000000000000000000001"),
            Some(Milli(1001))
        );
        assert_eq!(parse("0.00000012345"), Some(Milli(1)));
    }

    #[test]
    fn formats() {
        assert_eq!(format_bytes(1 << 30), "1Gi");
        assert_eq!(format_bytes(3 << 29), "1.5Gi");
        assert_eq!(format_cpu(1500), "1500m");
        assert_eq!(format_cpu(2000), "2");
    }
}
