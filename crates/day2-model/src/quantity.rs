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

/// Parse a quantity string. Returns `None` for malformed input.
pub fn parse(s: &str) -> Option<Milli> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (sign, rest) = match s.as_bytes()[0] {
        b'-' => (-1i128, &s[1..]),
        b'+' => (1, &s[1..]),
        _ => (1, s),
    };
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (num, suffix) = rest.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    // mantissa * 10^-scale, from at most 30 significant digits (no
    // allocation: quantities are read for every container of every pod).
    let mut mantissa: i128 = 0;
    let mut significant = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        let d = i128::from(b.wrapping_sub(b'0'));
        if d > 9 {
            return None;
        }
        if significant == 0 && d == 0 {
            continue;
        }
        significant += 1;
        if significant > 30 {
            return None;
        }
        mantissa = mantissa * 10 + d;
    }
    let mut scale: i32 = frac_part.len() as i32;
    // (binary multiplier, decimal exponent)
    let (bin, dec_exp): (i128, i32) = match suffix {
        "" => (1, 0),
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
            let exp: i32 = e.parse().ok()?;
            if exp.abs() > 30 {
                return None;
            }
            (1, exp)
        }
    };
    // value in milli = mantissa * bin * 10^(dec_exp + 3 - scale)
    scale -= dec_exp + 3;
    let mut v = mantissa.checked_mul(bin)?;
    if scale <= 0 {
        v = v.checked_mul(10i128.checked_pow((-scale) as u32)?)?;
    } else {
        let d = 10i128.checked_pow(scale as u32)?;
        let q = v / d;
        v = if v % d != 0 { q + 1 } else { q };
    }
    Some(Milli(sign * v))
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
        for bad in ["", "abc", "1..2", "1Gb", "Gi", ".", "1e99"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        // More than 30 significant digits is refused; leading zeros do not count.
        assert_eq!(parse(&"9".repeat(31)), None);
        assert_eq!(
            parse(&format!("{}1", "0".repeat(40))),
            Some(Milli(1000)),
            "leading zeros"
        );
        assert_eq!(parse("007.50m"), Some(Milli(8)), "7.5m rounds up to 8m");
    }

    #[test]
    fn formats() {
        assert_eq!(format_bytes(1 << 30), "1Gi");
        assert_eq!(format_bytes(3 << 29), "1.5Gi");
        assert_eq!(format_cpu(1500), "1500m");
        assert_eq!(format_cpu(2000), "2");
    }
}
