//! Located input errors, collected so that one run reports all of them.

use std::fmt;

/// One problem in the schema input, located by file and JSON pointer (or line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is: `schema/chat.json: /types/0/properties/3/type`, or `schema/chat.json:4:7`.
    pub location: String,
    /// Lowercase, no trailing period, names in backticks.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Every error found by a stage, one per line when displayed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// Records an error at `location`.
    pub fn push(&mut self, location: impl fmt::Display, message: impl Into<String>) {
        self.0.push(Error { location: location.to_string(), message: message.into() });
    }

    /// `Ok(value)` when nothing was recorded, the errors otherwise.
    pub fn finish<T>(self, value: T) -> Result<T, Errors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// A place in a schema file: the file's display name and a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// The file as shown to users, e.g. `schema/chat.json`.
    pub file: String,
    /// An RFC 6901 JSON pointer, e.g. `/types/0/properties/3`.
    pub pointer: String,
}

impl Origin {
    /// The pointer extended by one reference token.
    pub fn join(&self, token: impl fmt::Display) -> Origin {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Origin { file: self.file.clone(), pointer: format!("{}/{token}", self.pointer) }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{}: {pointer}", self.file)
    }
}
