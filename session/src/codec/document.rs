//! The one reader of raftlab's versioned JSON documents (a run file, a scenario): the size
//! limit, then JSON, then `"format"` and `"version"`, then the document's own shape; and the
//! one check of the texts they carry (titles, captions). `FileError` and `ScenarioError` wrap
//! a `DocumentError` for what every document can get wrong and add their own cases.

use alloc::string::String;
#[cfg(feature = "json")]
use alloc::string::ToString;
use core::fmt;

/// What a kind of document is called, says and is limited to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// Its name in messages ("run file", "scenario").
    pub name: &'static str,
    /// The `"format"` field it must have.
    pub format: &'static str,
    /// The one `"version"` this build reads.
    pub version: u64,
    /// The largest text read, in bytes.
    pub bytes_max: usize,
    /// Who reads it, in the version message ("this page", "this build").
    pub reader: &'static str,
}

/// What any versioned document can get wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentError {
    /// Larger than its kind's `bytes_max`.
    TooLarge { bytes: usize },
    /// Not JSON, or JSON of the wrong shape: serde_json's message, with line and column.
    Json(String),
    /// JSON, but not this kind of document (no matching `"format"`).
    Foreign,
    /// A document of another version.
    Version(u64),
    /// A field is out of range or unreadable: which and why.
    Field(String),
}

impl DocumentError {
    /// The sentence the page shows for this error in a document of `kind`.
    pub fn describe(&self, kind: &Kind, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = kind.name;
        match self {
            DocumentError::TooLarge { bytes } => write!(
                f,
                "the {name} is {bytes} bytes; at most {} are read",
                kind.bytes_max
            ),
            DocumentError::Json(e) => write!(f, "the {name} is not valid: {e}"),
            DocumentError::Foreign => write!(
                f,
                "this is not a raftlab {name} (it has no \"format\": \"{}\")",
                kind.format
            ),
            DocumentError::Version(v) => write!(
                f,
                "the {name} is of version {v}; {} reads version {}",
                kind.reader, kind.version
            ),
            DocumentError::Field(e) => write!(f, "the {name} has {e}"),
        }
    }
}

/// A document's header: read first, so a foreign or newer document is named as such before
/// its shape is checked.
#[cfg(feature = "json")]
#[derive(serde::Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u64>,
}

/// `text` as a document of `kind` with the shape `T`, checked in order: size, JSON, format,
/// version, shape.
#[cfg(feature = "json")]
pub fn read<T: serde::de::DeserializeOwned>(kind: &Kind, text: &str) -> Result<T, DocumentError> {
    if text.len() > kind.bytes_max {
        return Err(DocumentError::TooLarge { bytes: text.len() });
    }
    let header: Header =
        serde_json::from_str(text).map_err(|e| DocumentError::Json(e.to_string()))?;
    if header.format.as_deref() != Some(kind.format) {
        return Err(DocumentError::Foreign);
    }
    match header.version {
        Some(v) if v == kind.version => {}
        Some(v) => return Err(DocumentError::Version(v)),
        None => return Err(DocumentError::Field(String::from("no \"version\""))),
    }
    serde_json::from_str(text).map_err(|e| DocumentError::Json(e.to_string()))
}

/// The one check of a text a document carries (a title, a caption): at least `chars_min`
/// and at most `chars_max` characters. The error is the count found.
pub fn check_text(text: &str, chars_min: usize, chars_max: usize) -> Result<(), usize> {
    let chars = text.chars().count();
    if chars < chars_min || chars > chars_max {
        return Err(chars);
    }
    Ok(())
}
