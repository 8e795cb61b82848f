//! The views' JSON text, which `lib.rs` hands to `JSON.parse`: a small serde serializer in
//! place of serde-wasm-bindgen, whose object-by-object building (a JS call per field) cost
//! the page's wasm module far more code (README, "Weight"). What JavaScript gets is what
//! `serde_wasm_bindgen::Serializer::json_compatible()` gave: `null` for `None` and `()`,
//! maps as plain objects, bytes as arrays of numbers, enums externally tagged, and integers
//! beyond 2^53 refused (a JavaScript number cannot hold them).
//!
//! Numbers with a fraction (a timer's progress, a drop rate) are written with 9 decimals at
//! most, by integer arithmetic: the module carries no float formatting.

use core::fmt::{self, Write as _};
use serde::ser::{self, Serialize};

/// 2^53 - 1: the largest integer a JavaScript number holds exactly.
const SAFE_INTEGER_MAX: u64 = (1 << 53) - 1;
/// Decimals kept of a number with a fraction.
const FRACTION_DIGITS: u32 = 9;

/// `value` as JSON text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> core::result::Result<String, Error> {
    let mut out = String::new();
    value.serialize(Json { out: &mut out })?;
    Ok(out)
}

/// Why a value has no JSON form here.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ser::StdError for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let mut s = String::new();
        let _ = write!(s, "{msg}");
        Error(s)
    }
}

type Result<T = ()> = core::result::Result<T, Error>;

struct Json<'a> {
    out: &'a mut String,
}

fn unsigned(out: &mut String, v: u64) -> Result {
    if v > SAFE_INTEGER_MAX {
        return Err(ser::Error::custom(format_args!(
            "{v} can't be represented as a JavaScript number"
        )));
    }
    let _ = write!(out, "{v}");
    Ok(())
}

fn signed(out: &mut String, v: i64) -> Result {
    if v < 0 {
        out.push('-');
    }
    unsigned(out, v.unsigned_abs())
}

/// A finite number: whole ones exactly, others to `FRACTION_DIGITS` decimals. NaN and the
/// infinities are `null`, as JSON has no such numbers.
fn float(out: &mut String, v: f64) -> Result {
    if !v.is_finite() {
        out.push_str("null");
        return Ok(());
    }
    if v < 0.0 {
        out.push('-');
    }
    let a = if v < 0.0 { -v } else { v };
    if a > SAFE_INTEGER_MAX as f64 {
        return Err(ser::Error::custom(
            "a number beyond 2^53 can't be written without float formatting",
        ));
    }
    let scale = 10u64.pow(FRACTION_DIGITS);
    let whole = a as u64;
    let mut frac = ((a - whole as f64) * scale as f64 + 0.5) as u64;
    let mut whole = whole;
    if frac >= scale {
        whole += 1;
        frac -= scale;
    }
    let _ = write!(out, "{whole}");
    if frac != 0 {
        let mut digits = FRACTION_DIGITS as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{frac:0digits$}");
    }
    Ok(())
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An array, object or enum variant being written.
struct Compound<'a> {
    out: &'a mut String,
    first: bool,
    /// Closing text: "]", "}", or "]}" / "}}" for a variant.
    close: &'static str,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        self.comma();
        string(self.out, key);
        self.out.push(':');
        value.serialize(Json { out: self.out })
    }
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.comma();
        value.serialize(Json { out: self.out })
    }
    fn end(self) -> Result {
        self.out.push_str(self.close);
        Ok(())
    }
}

impl<'a> Json<'a> {
    fn open(self, open: &str, close: &'static str) -> Compound<'a> {
        self.out.push_str(open);
        Compound {
            out: self.out,
            first: true,
            close,
        }
    }
    /// `{"variant":` + what follows + `}`.
    fn variant(self, variant: &str, open: &str, close: &'static str) -> Compound<'a> {
        self.out.push('{');
        string(self.out, variant);
        self.out.push(':');
        self.open(open, close)
    }
}

impl<'a> ser::Serializer for Json<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        signed(self.out, v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        signed(self.out, v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        signed(self.out, v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        signed(self.out, v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        unsigned(self.out, v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        unsigned(self.out, v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        unsigned(self.out, v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        unsigned(self.out, v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        float(self.out, v.into())
    }
    fn serialize_f64(self, v: f64) -> Result {
        float(self.out, v)
    }
    fn serialize_char(self, v: char) -> Result {
        let mut b = [0; 4];
        string(self.out, v.encode_utf8(&mut b));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        let mut seq = self.open("[", "]");
        for b in v {
            seq.element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.out.push('{');
        string(self.out, variant);
        self.out.push(':');
        value.serialize(Json { out: self.out })?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>> {
        Ok(self.variant(variant, "[", "]}"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>> {
        Ok(self.variant(variant, "{", "}}"))
    }
}

/// Arrays: sequences, tuples, tuple structs and tuple variants.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                Compound::end(self)
            }
        }
    )*};
}
elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Objects: structs and struct variants.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
                self.field(key, value)
            }
            fn end(self) -> Result {
                Compound::end(self)
            }
        }
    )*};
}
fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.comma();
        key.serialize(Key { out: self.out })?;
        self.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(Json { out: self.out })
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

/// A map key: an object's keys are strings (integers are written as their digits).
struct Key<'a> {
    out: &'a mut String,
}

fn not_a_key() -> Error {
    ser::Error::custom("a map key must be a string or an integer")
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result {
        string(self.out, v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.out.push('"');
        unsigned(self.out, v)?;
        self.out.push('"');
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.out.push('"');
        signed(self.out, v)?;
        self.out.push('"');
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_char(self, v: char) -> Result {
        let mut b = [0; 4];
        string(self.out, v.encode_utf8(&mut b));
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result {
        Err(not_a_key())
    }
    fn serialize_f32(self, _v: f32) -> Result {
        Err(not_a_key())
    }
    fn serialize_f64(self, _v: f64) -> Result {
        Err(not_a_key())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> Result {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(not_a_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(not_a_key())
    }
}

#[cfg(test)]
mod tests {
    use super::to_string;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct View {
        node_id: u32,
        name: &'static str,
        missing: Option<u64>,
        progress: f64,
        drop_rate: f64,
        kinds: Vec<Kind>,
        fields: BTreeMap<String, i64>,
        pair: (u8, bool),
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
    }

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Newtype(u64),
        Tuple(u8, u8),
        Struct { at_ms: u64 },
    }

    #[test]
    fn views_become_the_json_serde_wasm_bindgen_json_compatible_gave() {
        let v = View {
            node_id: 3,
            name: "say \"hi\"\n\\ \u{1} ünïcode",
            missing: None,
            progress: 0.25,
            drop_rate: 0.1,
            kinds: vec![
                Kind::Plain,
                Kind::Newtype(7),
                Kind::Tuple(1, 2),
                Kind::Struct { at_ms: 9 },
            ],
            fields: [("b".to_string(), -2), ("a".to_string(), 1)]
                .into_iter()
                .collect(),
            pair: (5, true),
            skipped: None,
        };
        let text = to_string(&v).unwrap();
        let expected = r#"{"nodeId":3,"name":"say \"hi\"\n\\ \u0001 ünïcode","missing":null,"progress":0.25,"dropRate":0.1,"kinds":["Plain",{"Newtype":7},{"Tuple":[1,2]},{"Struct":{"at_ms":9}}],"fields":{"a":1,"b":-2},"pair":[5,true]}"#;
        assert_eq!(text, expected);
        // It is JSON, and reads back to the same value.
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "say \"hi\"\n\\ \u{1} ünïcode");
        assert_eq!(back["progress"], 0.25);
    }

    #[test]
    fn numbers_are_written_exactly_when_whole_and_to_nine_decimals_otherwise() {
        for (x, text) in [
            (0.0, "0"),
            (2.0, "2"),
            (-3.0, "-3"),
            (0.001, "0.001"),
            (1.0 / 3.0, "0.333333333"),
            (0.9999999999, "1"),
            (-0.5, "-0.5"),
            (9_007_199_254_740_991.0, "9007199254740991"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
        ] {
            assert_eq!(to_string(&x).unwrap(), text, "{x}");
        }
        assert!(to_string(&1e300).is_err());
    }

    #[test]
    fn integers_beyond_2_to_the_53_are_refused_as_serde_wasm_bindgen_refused_them() {
        assert_eq!(to_string(&((1u64 << 53) - 1)).unwrap(), "9007199254740991");
        let e = to_string(&(1u64 << 53)).unwrap_err().to_string();
        assert!(
            e.contains("can't be represented as a JavaScript number"),
            "{e}"
        );
        assert!(to_string(&i64::MIN).is_err());
        assert_eq!(
            to_string(&-(((1i64) << 53) - 1)).unwrap(),
            "-9007199254740991"
        );
    }
}
