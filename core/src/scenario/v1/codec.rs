//! The hand-written JSON codec of [`super`] (`scenario::v1`): a reader that walks one parsed JSON tree and a
//! writer that prints serde_json's compact or pretty layout, with no serde derive in between.
//!
//! Why not derive: serde's derived visitors are monomorphised once per deserializer type, and the internally
//! tagged enums of the format (`kind`, `type`, `action`) buffer their content, so everything under them was
//! compiled twice (for serde_json's reader and for serde's private `ContentDeserializer`). Here the text is
//! parsed ONCE into a [`serde_json::Value`] through one small visitor (`Tree`, capped arrays, serde_json's
//! recursion limit), and each type is read from that tree by plain functions. The derives stay in `v1.rs`
//! under the `serde-oracle` feature (on in core's tests) as the reference the differential tests compare with.
//!
//! The reader accepts exactly what the derive accepts (`deny_unknown_fields`, defaults, renames, aliases,
//! internally tagged enums, integer ranges, `null` for an absent option), with the deliberate differences
//! docs/scenario.md lists: a key repeated in one object is refused, an object written as an array of its
//! fields is refused, a unit enum written `{"name": null}` is refused, and arrays other than `nodes`,
//! `edges` and `faults` hold at most [`ARRAY_CAP`]` - 1` elements.

use super::*;
use crate::scenario::ScenarioError;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Every JSON array keeps at most this many elements while parsing; the rest are skipped without allocating
/// (the largest per-field cap: `MAX_FAULTS + 1`).
pub const ARRAY_CAP: usize = MAX_FAULTS + 1;

// ---------------------------------------------------------------------------------------------------------
// Parsing text into a capped tree.

/// Parses JSON text into a tree, keeping at most [`ARRAY_CAP`] elements of any array and refusing a key
/// repeated in one object. Syntax errors keep serde_json's line and column.
pub fn parse_tree(text: &str) -> Result<Value, ScenarioError> {
    let mut path = String::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Tree { path: &mut path }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    result.map_err(|e| {
        let message = crate::scenario::strip_position(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => ScenarioError::Schema { path, message },
            _ => ScenarioError::Syntax {
                line: e.line(),
                column: e.column(),
                message,
            },
        }
    })
}

/// The one visitor of the codec: a JSON value as a [`Value`], tracking the path for a duplicate-key error.
struct Tree<'p> {
    path: &'p mut String,
}

impl<'de> DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tree<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        let base = self.path.len();
        while out.len() < ARRAY_CAP {
            push_index(self.path, out.len());
            match seq.next_element_seed(Tree { path: self.path })? {
                Some(v) => out.push(v),
                None => {
                    self.path.truncate(base);
                    return Ok(Value::Array(out));
                }
            }
            self.path.truncate(base);
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let base = self.path.len();
        while let Some(key) = map.next_key::<String>()? {
            push_key(self.path, &key);
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let v = map.next_value_seed(Tree { path: self.path })?;
            self.path.truncate(base);
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

fn push_index(path: &mut String, i: usize) {
    use fmt::Write;
    let _ = write!(path, "[{i}]");
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

// ---------------------------------------------------------------------------------------------------------
// Reading: errors and the path of the value being read.
//
// The readers do not return `Result`: the first error is recorded in the path's sink and every reader goes on
// with a placeholder value (what it reads from `null`), so no reader needs drop-and-return code for each field
// it has built. [`read`] returns the recorded error, if any, instead of the value.

/// A schema error: where, and serde's wording of what.
#[derive(Debug)]
pub struct Bad {
    pub path: String,
    pub message: String,
}

impl From<Bad> for ScenarioError {
    fn from(b: Bad) -> Self {
        ScenarioError::Schema {
            path: b.path,
            message: b.message,
        }
    }
}

/// Where the first error of a read is kept.
#[derive(Default)]
struct Errors(std::cell::Cell<Option<Box<Bad>>>);

/// Where a value sits in the document, built on the stack as the reader descends; rendered only on error.
pub struct Path<'a> {
    up: Option<&'a Path<'a>>,
    key: &'a str,
    index: usize,
    /// Below an internally tagged enum. serde buffers such a value and reads it back through its private
    /// `ContentDeserializer`, which also takes a nested enum's tag as a variant index (`"type": 0`); at the
    /// top level serde_json does not.
    buffered: bool,
    errors: &'a Errors,
}

impl<'a> Path<'a> {
    fn root(errors: &'a Errors) -> Path<'a> {
        Path {
            up: None,
            key: "",
            index: 0,
            buffered: false,
            errors,
        }
    }
    fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            up: Some(self),
            key,
            index: 0,
            buffered: self.buffered,
            errors: self.errors,
        }
    }
    fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            up: Some(self),
            key: "",
            index,
            buffered: self.buffered,
            errors: self.errors,
        }
    }
    fn render(&self, out: &mut String) {
        let Some(up) = self.up else { return };
        up.render(out);
        if self.key.is_empty() {
            push_index(out, self.index);
        } else {
            push_key(out, self.key);
        }
    }
    /// Whether an error has been recorded already (later ones are not).
    fn failed(&self) -> bool {
        let e = self.errors.0.take();
        let failed = e.is_some();
        self.errors.0.set(e);
        failed
    }
    /// Records an error at this path, unless one came first.
    fn fail(&self, message: fmt::Arguments) {
        if self.failed() {
            return;
        }
        let mut path = String::new();
        self.render(&mut path);
        self.errors.0.set(Some(Box::new(Bad {
            path,
            message: message.to_string(),
        })));
    }
    fn invalid_type(&self, v: &Value, expected: &str) {
        if !self.failed() {
            self.fail(format_args!("invalid type: {}, expected {expected}", unexpected(v)));
        }
    }
}

/// serde_json's description of a value in an "invalid type" message.
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                format!("integer `{u}`")
            } else if let Some(i) = n.as_i64() {
                format!("integer `{i}`")
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                let mut s = f.to_string();
                if f.is_finite() && !s.contains(['.', 'e', 'E']) {
                    s.push_str(".0");
                }
                format!("floating point `{s}`")
            }
        }
        // Not `{s:?}`: the web bundle is built with `-Zfmt-debug=none`, which leaves Debug output empty.
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// serde's list of what was expected: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".into(),
        [a] => format!("`{a}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", list.join(", "))
        }
    }
}

/// A type the codec reads from a JSON tree and writes as JSON text.
pub trait Json: Sized {
    /// Reads the value at `p`; on error, records it in `p`'s sink and returns a placeholder.
    fn read(v: &Value, p: &Path) -> Self;
    fn write(&self, w: &mut Writer);
}

/// An object being read: its members (none when the value was not an object), its path, and the tag member
/// (of an internally tagged enum) to skip.
pub(crate) struct Obj<'a> {
    map: Option<&'a Map<String, Value>>,
    path: &'a Path<'a>,
    tag: Option<&'static str>,
}

impl<'a> Obj<'a> {
    /// The path of member `key`: buffered below a tagged enum's tag.
    fn child<'k>(&'k self, key: &'k str) -> Path<'k> {
        Path {
            up: Some(self.path),
            key,
            index: 0,
            buffered: self.path.buffered || self.tag.is_some(),
            errors: self.path.errors,
        }
    }
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(key))
    }
    /// The object at `v`, refusing members not in `fields` (`deny_unknown_fields`).
    pub(crate) fn new(v: &'a Value, path: &'a Path<'a>, what: &str, fields: &[&str]) -> Obj<'a> {
        let map = match v {
            Value::Object(map) => Some(map),
            _ => {
                path.invalid_type(v, what);
                None
            }
        };
        let o = Obj { map, path, tag: None };
        o.deny(fields);
        o
    }
    pub(crate) fn deny(&self, fields: &[&str]) {
        for k in self.map.into_iter().flat_map(|m| m.keys()) {
            if Some(k.as_str()) != self.tag && !fields.contains(&k.as_str()) {
                if fields.is_empty() {
                    self.path.fail(format_args!("unknown field `{k}`, there are no fields"));
                } else {
                    self.path
                        .fail(format_args!("unknown field `{k}`, expected {}", one_of(fields)));
                }
                return;
            }
        }
    }
    /// A required member.
    pub(crate) fn req<T: Json>(&self, key: &str) -> T {
        match self.get(key) {
            Some(v) => T::read(v, &self.child(key)),
            None => {
                self.path.fail(format_args!("missing field `{key}`"));
                T::read(&Value::Null, self.path)
            }
        }
    }
    /// An optional member: absent or `null` is `None`.
    pub(crate) fn opt<T: Json>(&self, key: &str) -> Option<T> {
        match self.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(T::read(v, &self.child(key))),
        }
    }
    /// A member with a default, computed only when absent (`null` is not absent here, as in serde).
    pub(crate) fn or_else<T: Json>(&self, key: &str, default: impl FnOnce() -> T) -> T {
        match self.get(key) {
            None => default(),
            Some(v) => T::read(v, &self.child(key)),
        }
    }
    /// An array member keeping at most `limit + 1` elements (validation reports the excess).
    pub(crate) fn capped<T: Json>(&self, key: &str, limit: usize) -> Option<Vec<T>> {
        let v = self.get(key)?;
        let p = self.child(key);
        match v {
            Value::Array(items) => Some(
                items
                    .iter()
                    .take(limit + 1)
                    .enumerate()
                    .map(|(i, x)| T::read(x, &p.index(i)))
                    .collect(),
            ),
            _ => {
                p.invalid_type(v, "an array");
                Some(Vec::new())
            }
        }
    }
    /// [`Obj::capped`] for a required member.
    pub(crate) fn capped_req<T: Json>(&self, key: &str, limit: usize) -> Vec<T> {
        self.capped(key, limit).unwrap_or_else(|| {
            self.path.fail(format_args!("missing field `{key}`"));
            Vec::new()
        })
    }
}

/// The variant of an internally tagged enum, by name, and the object cursor over the other members (variant
/// 0 over no members when the value is not one of the enum's).
pub(crate) fn tagged<'a>(
    v: &'a Value,
    path: &'a Path<'a>,
    tag: &'static str,
    what: &str,
    names: &[&str],
) -> (usize, Obj<'a>) {
    let none = Obj {
        map: None,
        path,
        tag: Some(tag),
    };
    let Value::Object(map) = v else {
        path.invalid_type(v, what);
        return (0, none);
    };
    let Some(t) = map.get(tag) else {
        path.fail(format_args!("missing field `{tag}`"));
        return (0, none);
    };
    let tp = path.key(tag);
    let i = match t {
        Value::String(s) => match names.iter().position(|n| n == s) {
            Some(i) => i,
            None => {
                tp.fail(format_args!("unknown variant `{s}`, expected {}", one_of(names)));
                return (0, none);
            }
        },
        Value::Number(n) if path.buffered && n.is_u64() => {
            let i = n.as_u64().unwrap_or(u64::MAX);
            match usize::try_from(i) {
                Ok(i) if i < names.len() => i,
                _ => {
                    tp.fail(format_args!(
                        "invalid value: integer `{i}`, expected variant index 0 <= i < {}",
                        names.len()
                    ));
                    return (0, none);
                }
            }
        }
        _ => {
            tp.invalid_type(t, "variant identifier");
            return (0, none);
        }
    };
    (
        i,
        Obj {
            map: Some(map),
            path,
            tag: Some(tag),
        },
    )
}

/// A unit-only enum written as its variant's name (variant 0 after an error).
pub(crate) fn unit_variant(v: &Value, p: &Path, what: &str, names: &[&str], aliases: &[(&str, usize)]) -> usize {
    match v {
        Value::String(s) => match names.iter().position(|n| n == s) {
            Some(i) => i,
            None => match aliases.iter().find(|(a, _)| a == s) {
                Some(&(_, i)) => i,
                None => {
                    p.fail(format_args!("unknown variant `{s}`, expected {}", one_of(names)));
                    0
                }
            },
        },
        _ => {
            p.invalid_type(v, what);
            0
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Writing.

/// JSON text in serde_json's compact or pretty layout: the same punctuation, newlines and two-space indent as
/// its `CompactFormatter` and `PrettyFormatter` (whose `has_value` flag this mirrors, so empty containers print
/// `{}` and `[]`); the tests compare the bytes.
pub struct Writer {
    out: Vec<u8>,
    pretty: bool,
    indent: usize,
    /// The next member or element is the first of its container.
    first: bool,
    /// serde_json's `PrettyFormatter::has_value`: a value was ended since the last container opened.
    has_value: bool,
}

impl Writer {
    pub fn new(pretty: bool) -> Writer {
        Writer {
            out: Vec::with_capacity(256),
            pretty,
            indent: 0,
            first: true,
            has_value: false,
        }
    }
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
    fn newline(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.indent {
            self.out.extend_from_slice(b"  ");
        }
    }
    fn open(&mut self, c: u8) {
        self.indent += 1;
        self.has_value = false;
        self.first = true;
        self.out.push(c);
    }
    fn close(&mut self, c: u8) {
        self.indent -= 1;
        if self.pretty && self.has_value {
            self.newline();
        }
        self.out.push(c);
        self.first = false;
    }
    pub(crate) fn begin_object(&mut self) {
        self.open(b'{');
    }
    pub(crate) fn end_object(&mut self) {
        self.close(b'}');
    }
    fn begin_array(&mut self) {
        self.open(b'[');
    }
    fn end_array(&mut self) {
        self.close(b']');
    }
    /// The separator before a member or element.
    fn separate(&mut self) {
        let first = std::mem::replace(&mut self.first, false);
        if !first {
            self.out.push(b',');
        }
        if self.pretty {
            self.newline();
        }
    }
    /// Starts an array element.
    fn element(&mut self) {
        self.separate();
    }
    /// Ends an array element.
    fn end_element(&mut self) {
        self.end_value();
    }
    /// Starts an object member: its key and the separator.
    fn key(&mut self, key: &str) {
        self.separate();
        self.str(key);
        self.out.extend_from_slice(if self.pretty { b": " } else { b":" });
    }
    /// Ends an object member (or array element).
    fn end_value(&mut self) {
        self.has_value = true;
        self.first = false;
    }
    /// A string literal, escaped exactly as serde_json escapes it: `"`, `\\`, and control characters
    /// (`\b \f \n \r \t` by name, the rest as `\u00xx`).
    pub(crate) fn str(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push(b'"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let named: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                0x0c => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[start..i]);
            if named.is_empty() {
                self.out.extend_from_slice(b"\\u00");
                self.out.push(HEX[usize::from(b >> 4)]);
                self.out.push(HEX[usize::from(b & 0xf)]);
            } else {
                self.out.extend_from_slice(named);
            }
            start = i + 1;
        }
        self.out.extend_from_slice(&bytes[start..]);
        self.out.push(b'"');
    }
    fn f64(&mut self, x: f64) {
        let _ = if x.is_finite() {
            CompactFormatter.write_f64(&mut self.out, x)
        } else {
            CompactFormatter.write_null(&mut self.out)
        };
    }
    /// A member `key: value`.
    pub(crate) fn field<T: Json>(&mut self, key: &str, value: &T) {
        self.key(key);
        value.write(self);
        self.end_value();
    }
    /// A member written only when present.
    pub(crate) fn field_opt<T: Json>(&mut self, key: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.field(key, v);
        }
    }
    /// The tag member of an internally tagged enum.
    pub(crate) fn tag(&mut self, tag: &str, name: &str) {
        self.key(tag);
        self.str(name);
        self.end_value();
    }
}

// ---------------------------------------------------------------------------------------------------------
// Primitives and containers.

impl Json for f64 {
    fn read(v: &Value, p: &Path) -> f64 {
        match v {
            Value::Number(n) => n.as_f64().unwrap_or(0.0),
            _ => {
                p.invalid_type(v, "f64");
                0.0
            }
        }
    }
    fn write(&self, w: &mut Writer) {
        w.f64(*self);
    }
}

/// An unsigned integer no larger than `max`: floats and negatives are refused as serde refuses them.
fn read_uint(v: &Value, p: &Path, max: u64, what: &str) -> u64 {
    if let Value::Number(n) = v {
        if let Some(u) = n.as_u64() {
            if u <= max {
                return u;
            }
            p.fail(format_args!("invalid value: integer `{u}`, expected {what}"));
            return 0;
        }
        if let Some(i) = n.as_i64() {
            p.fail(format_args!("invalid value: integer `{i}`, expected {what}"));
            return 0;
        }
    }
    p.invalid_type(v, what);
    0
}

impl Json for u64 {
    fn read(v: &Value, p: &Path) -> u64 {
        read_uint(v, p, u64::MAX, "u64")
    }
    fn write(&self, w: &mut Writer) {
        let _ = CompactFormatter.write_u64(&mut w.out, *self);
    }
}

impl Json for u32 {
    fn read(v: &Value, p: &Path) -> u32 {
        read_uint(v, p, u64::from(u32::MAX), "u32") as u32
    }
    fn write(&self, w: &mut Writer) {
        let _ = CompactFormatter.write_u32(&mut w.out, *self);
    }
}

impl Json for bool {
    fn read(v: &Value, p: &Path) -> bool {
        match v {
            Value::Bool(b) => *b,
            _ => {
                p.invalid_type(v, "a boolean");
                false
            }
        }
    }
    fn write(&self, w: &mut Writer) {
        let _ = CompactFormatter.write_bool(&mut w.out, *self);
    }
}

impl Json for String {
    fn read(v: &Value, p: &Path) -> String {
        match v {
            Value::String(s) => s.clone(),
            _ => {
                p.invalid_type(v, "a string");
                String::new()
            }
        }
    }
    fn write(&self, w: &mut Writer) {
        w.str(self);
    }
}

impl<T: Json> Json for Vec<T> {
    fn read(v: &Value, p: &Path) -> Vec<T> {
        match v {
            Value::Array(items) => {
                if items.len() >= ARRAY_CAP {
                    p.fail(format_args!("more than {} elements", ARRAY_CAP - 1));
                    return Vec::new();
                }
                items.iter().enumerate().map(|(i, x)| T::read(x, &p.index(i))).collect()
            }
            _ => {
                p.invalid_type(v, "a sequence");
                Vec::new()
            }
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_array();
        for x in self {
            w.element();
            x.write(w);
            w.end_element();
        }
        w.end_array();
    }
}

/// Any JSON value as it stands in a document, written as serde_json writes it (for messages that quote a
/// document), without serde_json's `Display` and the `io` machinery behind it.
impl Json for Value {
    fn read(v: &Value, _: &Path) -> Value {
        v.clone()
    }
    fn write(&self, w: &mut Writer) {
        match self {
            Value::Null => {
                let _ = CompactFormatter.write_null(&mut w.out);
            }
            Value::Bool(b) => b.write(w),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u.write(w),
                (None, Some(i)) => {
                    let _ = CompactFormatter.write_i64(&mut w.out, i);
                }
                _ => w.f64(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => w.str(s),
            Value::Array(items) => items.write(w),
            Value::Object(map) => {
                w.begin_object();
                for (k, x) in map {
                    w.field(k, x);
                }
                w.end_object();
            }
        }
    }
}

impl Json for BTreeMap<RequestClass, Size> {
    fn read(v: &Value, p: &Path) -> Self {
        let mut out = BTreeMap::new();
        let Value::Object(map) = v else {
            p.invalid_type(v, "a map");
            return out;
        };
        for (k, x) in map {
            let class = RequestClass::read(&Value::String(k.clone()), p);
            out.insert(class, Size::read(x, &p.key(k)));
        }
        out
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        for (k, x) in self {
            w.key(RequestClass::NAMES[*k as usize]);
            x.write(w);
            w.end_value();
        }
        w.end_object();
    }
}

// ---------------------------------------------------------------------------------------------------------
// Unit enums.

macro_rules! unit_enum {
    ($ty:ident, [$($v:ident = $name:literal),* $(,)?] $(, alias $alias:literal => $ai:expr)?) => {
        impl $ty {
            /// The variants' names as the JSON writes them, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name),*];
            const ALL: &'static [$ty] = &[$($ty::$v),*];
        }
        impl $crate::scenario::v1::codec::Json for $ty {
            fn read(v: &serde_json::Value, p: &$crate::scenario::v1::codec::Path) -> $ty {
                Self::ALL[$crate::scenario::v1::codec::unit_variant(v, p, concat!("enum ", stringify!($ty)), Self::NAMES, &[$(($alias, $ai))?])]
            }
            fn write(&self, w: &mut $crate::scenario::v1::codec::Writer) {
                let i = Self::ALL.iter().position(|x| x == self).unwrap_or(0);
                w.str(Self::NAMES[i]);
            }
        }
    };
}
pub(crate) use unit_enum;

/// Declares a unit-only enum of the format once: each variant with its JSON name (and at most one alias, after
/// `|`), its docs and attributes. The macro writes the enum, the serde oracle's attributes and [`unit_enum!`].
macro_rules! json_enum {
    ($(#[$m:meta])* pub enum $ty:ident {
        $($(#[$vm:meta])* $v:ident = $name:literal $(| $alias:literal)?,)+
    }) => {
        $(#[$m])*
        #[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
        pub enum $ty {
            $($(#[$vm])*
            #[cfg_attr(feature = "serde-oracle", serde(rename = $name $(, alias = $alias)?))]
            $v,)+
        }
        $crate::scenario::v1::codec::unit_enum!($ty, [$($v = $name),+] $($(, alias $alias => $ty::$v as usize)?)+);
    };
}
pub(crate) use json_enum;

// ---------------------------------------------------------------------------------------------------------
// Structs. Each is declared once, in `v1`, by [`json_spec!`]: its members with their types, docs and modes;
// the macro writes the struct, the serde oracle's attributes and the codec's reader and writer from that.

/// Declares a struct of the format from one list of its members, in order, each with how it reads and writes:
/// - `req`: required;
/// - `opt`: an `Option`, not written when `None` (the oracle's `default, skip_serializing_if = "Option::is_none"`);
/// - `or(default)`: `default` when absent (the oracle's `default`);
/// - `list(limit)`: an array keeping at most `limit + 1` elements (validation reports the excess), empty when
///   absent (`default`); `list_req(limit)`: the same, required;
/// - `… skip_if pred`: not written when `pred(&member)`; `… or_blank`: not written when [`Blank`](super::Blank).
///
/// A member whose oracle attribute is not the one its mode implies (a default function, a `skip_if`) names it
/// after `=>`: `serde(default = "one")`. The struct gets the oracle's derives and `deny_unknown_fields`, and
/// [`Json`] through [`json_struct!`].
macro_rules! json_spec {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $crate::scenario::v1::codec::json_spec!(@munch [$(#[$m])*] $name [] [] $($body)*);
    };
    (@munch $a:tt $n:ident [$($out:tt)*] [$($tab:tt)*]
        $(#[$fm:meta])* pub $f:ident: $ty:ty = $mode:ident $(($arg:expr))? $(skip_if $skip:path)?
        => serde($($o:tt)*), $($rest:tt)*) => {
        $crate::scenario::v1::codec::json_spec!(@munch $a $n
            [$($out)* $(#[$fm])* #[cfg_attr(feature = "serde-oracle", serde($($o)*))] pub $f: $ty,]
            [$($tab)* $f: $mode $(($arg))? $(skip_if $skip)?,] $($rest)*);
    };
    (@munch $a:tt $n:ident [$($out:tt)*] [$($tab:tt)*]
        $(#[$fm:meta])* pub $f:ident: $ty:ty = $mode:ident($arg:expr) or_blank, $($rest:tt)*) => {
        $crate::scenario::v1::codec::json_spec!(@munch $a $n
            [$($out)* $(#[$fm])*
             #[cfg_attr(feature = "serde-oracle", serde(default, skip_serializing_if = "Blank::is_blank"))]
             pub $f: $ty,]
            [$($tab)* $f: $mode($arg) skip_if $crate::scenario::v1::Blank::is_blank,] $($rest)*);
    };
    (@munch $a:tt $n:ident [$($out:tt)*] [$($tab:tt)*] $(#[$fm:meta])* pub $f:ident: $ty:ty = opt, $($rest:tt)*) => {
        $crate::scenario::v1::codec::json_spec!(@munch $a $n
            [$($out)* $(#[$fm])*
             #[cfg_attr(feature = "serde-oracle", serde(default, skip_serializing_if = "Option::is_none"))]
             pub $f: $ty,]
            [$($tab)* $f: opt,] $($rest)*);
    };
    (@munch $a:tt $n:ident [$($out:tt)*] [$($tab:tt)*]
        $(#[$fm:meta])* pub $f:ident: $ty:ty = req, $($rest:tt)*) => {
        $crate::scenario::v1::codec::json_spec!(@munch $a $n [$($out)* $(#[$fm])* pub $f: $ty,] [$($tab)* $f: req,]
            $($rest)*);
    };
    (@munch $a:tt $n:ident [$($out:tt)*] [$($tab:tt)*]
        $(#[$fm:meta])* pub $f:ident: $ty:ty = list_req($arg:expr), $($rest:tt)*) => {
        $crate::scenario::v1::codec::json_spec!(@munch $a $n [$($out)* $(#[$fm])* pub $f: $ty,]
            [$($tab)* $f: list_req($arg),] $($rest)*);
    };
    (@munch $a:tt $n:ident [$($out:tt)*] [$($tab:tt)*]
        $(#[$fm:meta])* pub $f:ident: $ty:ty = $mode:ident($arg:expr), $($rest:tt)*) => {
        $crate::scenario::v1::codec::json_spec!(@munch $a $n
            [$($out)* $(#[$fm])* #[cfg_attr(feature = "serde-oracle", serde(default))] pub $f: $ty,]
            [$($tab)* $f: $mode($arg),] $($rest)*);
    };
    (@munch [$(#[$m:meta])*] $n:ident [$($out:tt)*] [$($tab:tt)*]) => {
        $(#[$m])*
        #[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde-oracle", serde(deny_unknown_fields))]
        pub struct $n { $($out)* }
        $crate::scenario::v1::codec::json_struct!($n { $($tab)* });
    };
}
pub(crate) use json_spec;

/// Implements [`Json`] for a struct from one table of its members, in declaration order, each named once with
/// how it reads and writes (the serde attribute it stands for, on `v1`'s oracle derive, in brackets):
/// - `req`: required;
/// - `opt`: an `Option`, not written when `None` (`default, skip_serializing_if = "Option::is_none"`);
/// - `or(default)`: `default` when absent (`default = "…"`);
/// - `list(limit)`: an array keeping at most `limit + 1` elements (validation reports the excess), empty when
///   absent; `list_req(limit)`: the same, required;
/// - `… skip_if pred`: not written when `pred(&member)` (`skip_serializing_if = "…"`).
macro_rules! json_struct {
    ($ty:ident { $($field:ident: $mode:ident $(($arg:expr))? $(skip_if $skip:path)?),+ $(,)? }) => {
        impl $ty {
            pub(crate) const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];
            pub(crate) fn from_obj(o: &$crate::scenario::v1::codec::Obj) -> $ty {
                $ty {
                    $($field: $crate::scenario::v1::codec::read_member!(o, $field, $mode $(($arg))?)),+
                }
            }
            pub(crate) fn write_fields(&self, w: &mut $crate::scenario::v1::codec::Writer) {
                $($crate::scenario::v1::codec::write_member!(w, self, $field, $mode $(, skip_if $skip)?);)+
            }
        }
        impl $crate::scenario::v1::codec::Json for $ty {
            fn read(v: &serde_json::Value, p: &$crate::scenario::v1::codec::Path) -> $ty {
                let o = $crate::scenario::v1::codec::Obj::new(v, p, concat!("struct ", stringify!($ty)), Self::FIELDS);
                Self::from_obj(&o)
            }
            fn write(&self, w: &mut $crate::scenario::v1::codec::Writer) {
                w.begin_object();
                self.write_fields(w);
                w.end_object();
            }
        }
    };
}

/// How [`json_struct!`] reads one member (see there).
macro_rules! read_member {
    ($o:ident, $f:ident, req) => {
        $o.req(stringify!($f))
    };
    ($o:ident, $f:ident, opt) => {
        $o.opt(stringify!($f))
    };
    ($o:ident, $f:ident, or($default:expr)) => {
        $o.or_else(stringify!($f), || $default)
    };
    ($o:ident, $f:ident, list($limit:expr)) => {
        $o.capped(stringify!($f), $limit).unwrap_or_default()
    };
    ($o:ident, $f:ident, list_req($limit:expr)) => {
        $o.capped_req(stringify!($f), $limit)
    };
}

/// How [`json_struct!`] writes one member (see there).
macro_rules! write_member {
    ($w:ident, $s:ident, $f:ident, $mode:ident, skip_if $skip:path) => {
        if !$skip(&$s.$f) {
            $crate::scenario::v1::codec::write_member!($w, $s, $f, $mode);
        }
    };
    ($w:ident, $s:ident, $f:ident, opt) => {
        $w.field_opt(stringify!($f), &$s.$f)
    };
    ($w:ident, $s:ident, $f:ident, $mode:ident) => {
        $w.field(stringify!($f), &$s.$f)
    };
}
pub(crate) use {json_struct, read_member, write_member};

// ---------------------------------------------------------------------------------------------------------
// Internally tagged enums. Their struct variants accept unknown members (the derive has no
// `deny_unknown_fields` on them); newtype variants are their struct's rules.

const DISTS: &[&str] = &["constant", "exponential", "uniform", "log_normal", "pareto"];

impl Json for Dist {
    fn read(v: &Value, p: &Path) -> Dist {
        let (i, o) = tagged(v, p, "type", "internally tagged enum Dist", DISTS);
        match i {
            0 => Dist::Constant { ms: o.req("ms") },
            1 => Dist::Exponential {
                mean_ms: o.req("mean_ms"),
            },
            2 => Dist::Uniform {
                min_ms: o.req("min_ms"),
                max_ms: o.req("max_ms"),
            },
            3 => Dist::LogNormal {
                median_ms: o.req("median_ms"),
                sigma: o.req("sigma"),
            },
            _ => Dist::Pareto {
                min_ms: o.req("min_ms"),
                alpha: o.req("alpha"),
            },
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        match self {
            Dist::Constant { ms } => {
                w.tag("type", DISTS[0]);
                w.field("ms", ms);
            }
            Dist::Exponential { mean_ms } => {
                w.tag("type", DISTS[1]);
                w.field("mean_ms", mean_ms);
            }
            Dist::Uniform { min_ms, max_ms } => {
                w.tag("type", DISTS[2]);
                w.field("min_ms", min_ms);
                w.field("max_ms", max_ms);
            }
            Dist::LogNormal { median_ms, sigma } => {
                w.tag("type", DISTS[3]);
                w.field("median_ms", median_ms);
                w.field("sigma", sigma);
            }
            Dist::Pareto { min_ms, alpha } => {
                w.tag("type", DISTS[4]);
                w.field("min_ms", min_ms);
                w.field("alpha", alpha);
            }
        }
        w.end_object();
    }
}

const SIZES: &[&str] = &["constant", "uniform", "log_normal"];

impl Json for Size {
    fn read(v: &Value, p: &Path) -> Size {
        let (i, o) = tagged(v, p, "type", "internally tagged enum Size", SIZES);
        match i {
            0 => Size::Constant { bytes: o.req("bytes") },
            1 => Size::Uniform {
                min_bytes: o.req("min_bytes"),
                max_bytes: o.req("max_bytes"),
            },
            _ => Size::LogNormal {
                median_bytes: o.req("median_bytes"),
                sigma: o.req("sigma"),
            },
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        match self {
            Size::Constant { bytes } => {
                w.tag("type", SIZES[0]);
                w.field("bytes", bytes);
            }
            Size::Uniform { min_bytes, max_bytes } => {
                w.tag("type", SIZES[1]);
                w.field("min_bytes", min_bytes);
                w.field("max_bytes", max_bytes);
            }
            Size::LogNormal { median_bytes, sigma } => {
                w.tag("type", SIZES[2]);
                w.field("median_bytes", median_bytes);
                w.field("sigma", sigma);
            }
        }
        w.end_object();
    }
}

const ARRIVALS: &[&str] = &["constant", "poisson", "on_off", "spike", "ramp"];

impl Json for Arrival {
    fn read(v: &Value, p: &Path) -> Arrival {
        let (i, o) = tagged(v, p, "type", "internally tagged enum Arrival", ARRIVALS);
        match i {
            0 => Arrival::Constant {
                rate_rps: o.req("rate_rps"),
            },
            1 => Arrival::Poisson {
                rate_rps: o.req("rate_rps"),
            },
            2 => Arrival::OnOff {
                rate_rps: o.req("rate_rps"),
                on_ms: o.req("on_ms"),
                off_ms: o.req("off_ms"),
            },
            3 => Arrival::Spike {
                base_rps: o.req("base_rps"),
                spike_rps: o.req("spike_rps"),
                at_ms: o.req("at_ms"),
                duration_ms: o.req("duration_ms"),
            },
            _ => Arrival::Ramp {
                from_rps: o.req("from_rps"),
                to_rps: o.req("to_rps"),
                over_ms: o.req("over_ms"),
            },
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        match self {
            Arrival::Constant { rate_rps } => {
                w.tag("type", ARRIVALS[0]);
                w.field("rate_rps", rate_rps);
            }
            Arrival::Poisson { rate_rps } => {
                w.tag("type", ARRIVALS[1]);
                w.field("rate_rps", rate_rps);
            }
            Arrival::OnOff {
                rate_rps,
                on_ms,
                off_ms,
            } => {
                w.tag("type", ARRIVALS[2]);
                w.field("rate_rps", rate_rps);
                w.field("on_ms", on_ms);
                w.field("off_ms", off_ms);
            }
            Arrival::Spike {
                base_rps,
                spike_rps,
                at_ms,
                duration_ms,
            } => {
                w.tag("type", ARRIVALS[3]);
                w.field("base_rps", base_rps);
                w.field("spike_rps", spike_rps);
                w.field("at_ms", at_ms);
                w.field("duration_ms", duration_ms);
            }
            Arrival::Ramp {
                from_rps,
                to_rps,
                over_ms,
            } => {
                w.tag("type", ARRIVALS[4]);
                w.field("from_rps", from_rps);
                w.field("to_rps", to_rps);
                w.field("over_ms", over_ms);
            }
        }
        w.end_object();
    }
}

const KEYS: &[&str] = &["uniform", "zipf", "hotspot", "sequential"];

impl Json for Keys {
    fn read(v: &Value, p: &Path) -> Keys {
        let (i, o) = tagged(v, p, "type", "internally tagged enum Keys", KEYS);
        match i {
            0 => Keys::Uniform { count: o.req("count") },
            1 => Keys::Zipf {
                count: o.req("count"),
                alpha: o.req("alpha"),
            },
            2 => Keys::Hotspot {
                count: o.req("count"),
                hot_keys: o.req("hot_keys"),
                hot_traffic: o.req("hot_traffic"),
            },
            // A unit variant: serde ignores every other member.
            _ => Keys::Sequential,
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        match self {
            Keys::Uniform { count } => {
                w.tag("type", KEYS[0]);
                w.field("count", count);
            }
            Keys::Zipf { count, alpha } => {
                w.tag("type", KEYS[1]);
                w.field("count", count);
                w.field("alpha", alpha);
            }
            Keys::Hotspot {
                count,
                hot_keys,
                hot_traffic,
            } => {
                w.tag("type", KEYS[2]);
                w.field("count", count);
                w.field("hot_keys", hot_keys);
                w.field("hot_traffic", hot_traffic);
            }
            Keys::Sequential => w.tag("type", KEYS[3]),
        }
        w.end_object();
    }
}

const FAULTS: &[&str] = &[
    "crash",
    "recover",
    "set_rate",
    "set_latency",
    "set_loss",
    "add_shard",
    "remove_shard",
    "partition",
    "heal",
    "scale",
    "resize",
];

impl Json for Fault {
    fn read(v: &Value, p: &Path) -> Fault {
        let (i, o) = tagged(v, p, "action", "internally tagged enum Fault", FAULTS);
        match i {
            0 => Fault::Crash {
                at_ms: o.req("at_ms"),
                node: o.req("node"),
            },
            1 => Fault::Recover {
                at_ms: o.req("at_ms"),
                node: o.req("node"),
            },
            2 => Fault::SetRate {
                at_ms: o.req("at_ms"),
                node: o.req("node"),
                rate_rps: o.req("rate_rps"),
            },
            3 => Fault::SetLatency {
                at_ms: o.req("at_ms"),
                from: o.req("from"),
                to: o.req("to"),
                latency: o.req("latency"),
            },
            4 => Fault::SetLoss {
                at_ms: o.req("at_ms"),
                from: o.req("from"),
                to: o.req("to"),
                loss: o.req("loss"),
            },
            5 => Fault::AddShard {
                at_ms: o.req("at_ms"),
                router: o.req("router"),
                shard: o.req("shard"),
            },
            6 => Fault::RemoveShard {
                at_ms: o.req("at_ms"),
                router: o.req("router"),
                shard: o.req("shard"),
            },
            7 => Fault::Partition {
                at_ms: o.req("at_ms"),
                groups: o.req("groups"),
            },
            8 => Fault::Heal { at_ms: o.req("at_ms") },
            9 => Fault::Scale {
                at_ms: o.req("at_ms"),
                node: o.req("node"),
                desired: o.req("desired"),
            },
            _ => Fault::Resize {
                at_ms: o.req("at_ms"),
                node: o.req("node"),
                size: o.req("size"),
                restart_ms: o.opt("restart_ms"),
            },
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        match self {
            Fault::Crash { at_ms, node } | Fault::Recover { at_ms, node } => {
                w.tag(
                    "action",
                    FAULTS[if matches!(self, Fault::Crash { .. }) { 0 } else { 1 }],
                );
                w.field("at_ms", at_ms);
                w.field("node", node);
            }
            Fault::SetRate { at_ms, node, rate_rps } => {
                w.tag("action", FAULTS[2]);
                w.field("at_ms", at_ms);
                w.field("node", node);
                w.field("rate_rps", rate_rps);
            }
            Fault::SetLatency {
                at_ms,
                from,
                to,
                latency,
            } => {
                w.tag("action", FAULTS[3]);
                w.field("at_ms", at_ms);
                w.field("from", from);
                w.field("to", to);
                w.field("latency", latency);
            }
            Fault::SetLoss { at_ms, from, to, loss } => {
                w.tag("action", FAULTS[4]);
                w.field("at_ms", at_ms);
                w.field("from", from);
                w.field("to", to);
                w.field("loss", loss);
            }
            Fault::AddShard { at_ms, router, shard } | Fault::RemoveShard { at_ms, router, shard } => {
                w.tag(
                    "action",
                    FAULTS[if matches!(self, Fault::AddShard { .. }) { 5 } else { 6 }],
                );
                w.field("at_ms", at_ms);
                w.field("router", router);
                w.field("shard", shard);
            }
            Fault::Partition { at_ms, groups } => {
                w.tag("action", FAULTS[7]);
                w.field("at_ms", at_ms);
                w.field("groups", groups);
            }
            Fault::Heal { at_ms } => {
                w.tag("action", FAULTS[8]);
                w.field("at_ms", at_ms);
            }
            Fault::Scale { at_ms, node, desired } => {
                w.tag("action", FAULTS[9]);
                w.field("at_ms", at_ms);
                w.field("node", node);
                w.field("desired", desired);
            }
            Fault::Resize {
                at_ms,
                node,
                size,
                restart_ms,
            } => {
                w.tag("action", FAULTS[10]);
                w.field("at_ms", at_ms);
                w.field("node", node);
                w.field("size", size);
                if let Some(r) = restart_ms {
                    w.field("restart_ms", r);
                }
            }
        }
        w.end_object();
    }
}

// ---------------------------------------------------------------------------------------------------------
// Entry points.

/// Reads any codec type from a JSON tree (the document root).
pub fn read<T: Json>(v: &Value) -> Result<T, ScenarioError> {
    let errors = Errors::default();
    let x = T::read(v, &Path::root(&errors));
    match errors.0.take() {
        Some(bad) => Err(ScenarioError::from(*bad)),
        None => Ok(x),
    }
}

/// Writes any codec type as JSON text, compact or pretty. Not inlined: one copy per type, however many
/// callers.
#[inline(never)]
pub fn write<T: Json>(x: &T, pretty: bool) -> Vec<u8> {
    let mut w = Writer::new(pretty);
    x.write(&mut w);
    w.finish()
}
