//! A program that cannot read its own private key or certificate from the
//! files it was given, in the spellings of the libraries that say so:
//!
//! - Go's `crypto/x509`, when a key is in another encoding than the parser
//!   called: `x509: failed to parse private key (use ParsePKCS8PrivateKey
//!   instead for this key format)` (and `ParsePKCS1PrivateKey`,
//!   `ParseECPrivateKey`), `x509: failed to parse EC private key (use …)`
//!   (`crypto/x509/pkcs1.go`, `pkcs8.go`, `sec1.go`);
//! - programs that check the PEM block's type themselves, as Linkerd's
//!   identity does: `unsupported block type: 'PRIVATE KEY'`;
//! - Java's `PKCS8EncodedKeySpec` given a PKCS#1 key: `algid parse error,
//!   not a sequence`;
//! - Go's `crypto/tls`: `tls: failed to find any PEM data in key input`
//!   (or `certificate input`), `tls: private key does not match public
//!   key`, `tls: failed to parse private key` (`crypto/tls/tls.go`);
//! - OpenSSL: `PEM routines … no start line`.

/// How a private key is written, in cert-manager's words
/// (`spec.privateKey.encoding`): PKCS#1 is `RSA PRIVATE KEY` (and SEC 1's
/// `EC PRIVATE KEY` for an ECDSA key), PKCS#8 is `PRIVATE KEY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Pkcs1,
    Pkcs8,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Pkcs1 => "PKCS1",
            Encoding::Pkcs8 => "PKCS8",
        }
    }
}

/// Why the key or certificate could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// The key is in one encoding and the program reads only the other:
    /// the encoding it reads.
    Encoding(Encoding),
    /// The file holds no PEM block of what was asked (empty, or another file).
    NoPem,
    /// The key is not the certificate's.
    Mismatch,
    /// The key does not parse, for a reason the line does not say.
    Unparsable,
}

impl Unreadable {
    pub fn describe(self) -> String {
        match self {
            Unreadable::Encoding(e) => format!(
                "its private key is not {} encoded, the only encoding it reads",
                e.as_str()
            ),
            Unreadable::NoPem => "its key or certificate file holds no PEM data".to_owned(),
            Unreadable::Mismatch => "its private key is not the certificate's".to_owned(),
            Unreadable::Unparsable => "its private key does not parse".to_owned(),
        }
    }
}

/// What the line says of a key or certificate the program could not read.
pub fn unreadable(line: &str) -> Option<Unreadable> {
    // Go's parsers name the one that would have read the key.
    if let Some((_, rest)) = line.split_once("(use Parse") {
        let wants = if rest.starts_with("PKCS8PrivateKey") {
            // The program called the PKCS#1 or EC parser.
            Encoding::Pkcs1
        } else if rest.starts_with("PKCS1PrivateKey") || rest.starts_with("ECPrivateKey") {
            Encoding::Pkcs8
        } else {
            return None;
        };
        return line
            .contains("x509: failed to parse")
            .then_some(Unreadable::Encoding(wants));
    }
    if let Some((_, rest)) = line.split_once("unsupported block type: ") {
        let block = rest.trim_start_matches(['\'', '"']);
        if block.starts_with("PRIVATE KEY") {
            return Some(Unreadable::Encoding(Encoding::Pkcs1));
        }
        if block.starts_with("RSA PRIVATE KEY") || block.starts_with("EC PRIVATE KEY") {
            return Some(Unreadable::Encoding(Encoding::Pkcs8));
        }
        return None;
    }
    if line.contains("algid parse error, not a sequence") {
        return Some(Unreadable::Encoding(Encoding::Pkcs8));
    }
    if line.contains("tls: failed to find any PEM data")
        || (line.contains("PEM routines") && line.contains("no start line"))
    {
        return Some(Unreadable::NoPem);
    }
    if line.contains("tls: private key does not match public key") {
        return Some(Unreadable::Mismatch);
    }
    if line.contains("tls: failed to parse private key") {
        return Some(Unreadable::Unparsable);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_the_program_reads_is_the_one_its_parser_was_not_given() {
        // linkerd/website#793: Linkerd 2.8 reads PKCS#1 only.
        assert_eq!(
            unreadable(
                "level=fatal msg=\"Failed to initialize identity service: failed to read CA from disk: unsupported block type: 'PRIVATE KEY'\""
            ),
            Some(Unreadable::Encoding(Encoding::Pkcs1))
        );
        assert_eq!(
            unreadable(
                "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"
            ),
            Some(Unreadable::Encoding(Encoding::Pkcs8))
        );
        assert_eq!(
            unreadable(
                "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
            ),
            Some(Unreadable::Encoding(Encoding::Pkcs1))
        );
        assert_eq!(
            unreadable(
                "java.security.InvalidKeyException: IOException : algid parse error, not a sequence"
            ),
            Some(Unreadable::Encoding(Encoding::Pkcs8))
        );
    }

    #[test]
    fn empty_and_mismatched_files_are_told_apart() {
        assert_eq!(
            unreadable("open server: tls: failed to find any PEM data in key input"),
            Some(Unreadable::NoPem)
        );
        assert_eq!(
            unreadable("tls: private key does not match public key"),
            Some(Unreadable::Mismatch)
        );
        assert_eq!(
            unreadable("x509: certificate signed by unknown authority"),
            None
        );
        assert_eq!(
            unreadable("unsupported block type: 'CERTIFICATE REQUEST'"),
            None
        );
    }
}
