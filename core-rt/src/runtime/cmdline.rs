//! The boot command line → argv and environment. Words are split on blanks; '…' and "…" quote,
//! backslash escapes the next character. Leading `NAME=value` words set environment variables
//! (like env(1)); the rest become argv[1..]. argv[0] is always "bareflow".

use alloc::string::String;
use alloc::vec::Vec;

/// argv and the environment, parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    pub argv: Vec<String>,
    pub env: Vec<String>,
}

/// A malformed command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    UnterminatedQuote { column: usize },
    TrailingBackslash,
    NotUtf8,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::UnterminatedQuote { column } => write!(f, "unterminated quote opened at column {column}"),
            Error::TrailingBackslash => write!(f, "backslash at the end with nothing to escape"),
            Error::NotUtf8 => write!(f, "not valid UTF-8"),
        }
    }
}

/// Split the command line into words.
pub fn split(line: &str) -> Result<Vec<String>, Error> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<(char, usize)> = None;
    let mut chars = line.chars().enumerate();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some((q, _)), c) if c == q => quote = None,
            (Some(('"', _)), '\\') | (None, '\\') => {
                let (_, n) = chars.next().ok_or(Error::TrailingBackslash)?;
                cur.push(n);
                in_word = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some((c, i + 1));
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(core::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if let Some((_, column)) = quote {
        return Err(Error::UnterminatedQuote { column });
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            let mut cs = name.chars();
            cs.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Parse the raw command line.
pub fn parse(raw: &[u8]) -> Result<Parsed, Error> {
    let line = core::str::from_utf8(raw).map_err(|_| Error::NotUtf8)?;
    let words = split(line)?;
    let n_env = words.iter().take_while(|w| is_assignment(w)).count();
    let mut argv = Vec::with_capacity(words.len() - n_env + 1);
    argv.push(String::from("bareflow"));
    argv.extend(words[n_env..].iter().cloned());
    Ok(Parsed { argv, env: words[..n_env].to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| String::from(*x)).collect()
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(split("  a  b\tc ").unwrap(), s(&["a", "b", "c"]));
        assert_eq!(split(r#"run "hello world" 'it''s' a\ b"#).unwrap(), s(&["run", "hello world", "its", "a b"]));
        assert_eq!(split(r#""" x"#).unwrap(), s(&["", "x"]));
        assert_eq!(split(r#""a\"b""#).unwrap(), s(&["a\"b"]));
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert_eq!(split("demo 'oops"), Err(Error::UnterminatedQuote { column: 6 }));
        assert_eq!(split("demo \\"), Err(Error::TrailingBackslash));
        assert_eq!(parse(&[0xff, 0x20]), Err(Error::NotUtf8));
    }

    #[test]
    fn leading_assignments_are_environment() {
        let p = parse(b"RUST_BACKTRACE=1 X_2=a=b demo --exit 3 Y=1").unwrap();
        assert_eq!(p.env, s(&["RUST_BACKTRACE=1", "X_2=a=b"]));
        assert_eq!(p.argv, s(&["bareflow", "demo", "--exit", "3", "Y=1"]));
        assert_eq!(parse(b"").unwrap().argv, s(&["bareflow"]));
    }
}
