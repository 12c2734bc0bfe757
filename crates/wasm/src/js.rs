//! The JavaScript side of the boundary, in one place: coded errors (the twin of
//! `native/src/error.rs`), reading option objects (the twin of napi's `#[napi(object)]`
//! conversions) and building result objects.
//!
//! Conventions mirror napi-rs so the TypeScript layer sees the same values from either backend:
//! `undefined` and `null` are "absent"; a `u32` field is ECMAScript `ToUint32` of a number (as
//! `napi_get_value_uint32`); `Vec<f64>` results are plain arrays, typed-array results are typed
//! arrays. A field of the wrong JS type is `ERR_INVALID_ARG` naming the field.

use std::fmt::Display;

use js_sys::{Array, Float64Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Result of every export that can throw: the error is a JS `Error` with a string `code`.
pub type Result<T> = std::result::Result<T, JsValue>;

/// A JS `Error` whose `code` is `code`.
pub fn error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&e, &JsValue::from_str("code"), &JsValue::from_str(code));
    e.into()
}

/// A misuse of the API detected in the facade (bad argument shape or range).
pub fn invalid_arg(message: impl AsRef<str>) -> JsValue {
    error("ERR_INVALID_ARG", message.as_ref())
}

/// napi refuses anything but a `Float64Array` before the call; a facade taking
/// `&Float64Array` gets whatever JS passed, and a plain array or object would reach js-sys's
/// `set`, which throws in the middle of the call and leaves the handle borrowed (and its state
/// advanced): check first.
pub fn f64_array(a: &Float64Array, name: &str) -> Result<()> {
    if a.is_instance_of::<Float64Array>() {
        Ok(())
    } else {
        Err(invalid_arg(format!("{name} must be a Float64Array")))
    }
}

/// An error with a stable code (every kernel error type).
pub trait Coded: Display {
    /// The stable code.
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),* $(,)?) => {
        $(impl Coded for $t {
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
        })*
    };
}

coded!(
    tachyon_indicators::IndicatorError,
    tachyon_indicators::InputError,
    tachyon_signals::SignalError,
    tachyon_riskmath::SizingError,
    tachyon_riskmath::VarError,
    tachyon_models::ModelError,
    tachyon_stats::StatsError,
);

/// The JS error for a coded kernel error.
pub fn to_js(e: &impl Coded) -> JsValue {
    error(e.code(), &e.to_string())
}

/// Converts `Result<T, E: Coded>` into a facade [`Result`].
pub trait OrThrow<T> {
    /// Maps the error through [`to_js`].
    ///
    /// # Errors
    /// The mapped error.
    fn or_throw(self) -> Result<T>;
}

impl<T, E: Coded> OrThrow<T> for std::result::Result<T, E> {
    #[inline]
    fn or_throw(self) -> Result<T> {
        self.map_err(|e| to_js(&e))
    }
}

/// ECMAScript `ToUint32` of a number (what napi's `u32` conversion does).
pub fn to_uint32(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    let t = x.trunc() % 4_294_967_296.0;
    let t = if t < 0.0 { t + 4_294_967_296.0 } else { t };
    t as u32
}

/// A JS number that must be an integer exactly representable in a double.
///
/// # Errors
/// `ERR_INVALID_ARG` naming `what` for NaN, ±∞, fractions or unsafe integers.
pub fn safe_integer(x: f64, what: &str) -> Result<i64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !x.is_finite() || x.fract() != 0.0 || x.abs() > MAX_SAFE {
        return Err(invalid_arg(format!(
            "{what} must be a safe integer, got {x}"
        )));
    }
    Ok(x as i64)
}

/// A finite JS number.
///
/// # Errors
/// `ERR_INVALID_ARG` naming `what` for NaN or ±∞.
pub fn finite(x: f64, what: &str) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(invalid_arg(format!(
            "{what} must be a finite number, got {x}"
        )))
    }
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// Reads the fields of a JS options object (`what` names it in errors).
#[derive(Debug, Clone)]
pub struct Opts {
    obj: JsValue,
    what: String,
}

impl Opts {
    /// A required options object.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if `v` is not an object.
    pub fn required(v: &JsValue, what: &str) -> Result<Self> {
        if !v.is_object() {
            return Err(invalid_arg(format!("{what} must be an object")));
        }
        Ok(Self {
            obj: v.clone(),
            what: what.to_owned(),
        })
    }

    /// An optional options object: `undefined`/`null` reads as an empty object.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if `v` is present but not an object.
    pub fn optional(v: &JsValue, what: &str) -> Result<Self> {
        if absent(v) {
            return Ok(Self {
                obj: Object::new().into(),
                what: what.to_owned(),
            });
        }
        Self::required(v, what)
    }

    fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.what)
    }

    /// The raw field, `None` when absent.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if the getter throws.
    pub fn value(&self, key: &str) -> Result<Option<JsValue>> {
        let v = Reflect::get(&self.obj, &JsValue::from_str(key))
            .map_err(|_| invalid_arg(format!("cannot read {}", self.name(key))))?;
        Ok(if absent(&v) { None } else { Some(v) })
    }

    /// An optional number.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for a value that is not a number.
    pub fn f64(&self, key: &str) -> Result<Option<f64>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| invalid_arg(format!("{} must be a number", self.name(key)))),
        }
    }

    /// A required number.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if absent or not a number.
    pub fn req_f64(&self, key: &str) -> Result<f64> {
        self.f64(key)?
            .ok_or_else(|| invalid_arg(format!("{} is required", self.name(key))))
    }

    /// An optional `u32` (`ToUint32` of a number, as napi).
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for a value that is not a number.
    pub fn u32(&self, key: &str) -> Result<Option<u32>> {
        Ok(self.f64(key)?.map(to_uint32))
    }

    /// A required `u32`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if absent or not a number.
    pub fn req_u32(&self, key: &str) -> Result<u32> {
        Ok(to_uint32(self.req_f64(key)?))
    }

    /// An optional boolean.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for a value that is not a boolean.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| invalid_arg(format!("{} must be a boolean", self.name(key)))),
        }
    }

    /// An optional string.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for a value that is not a string.
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| invalid_arg(format!("{} must be a string", self.name(key)))),
        }
    }

    /// A required string.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if absent or not a string.
    pub fn req_string(&self, key: &str) -> Result<String> {
        self.string(key)?
            .ok_or_else(|| invalid_arg(format!("{} is required", self.name(key))))
    }

    /// An optional string from a fixed set (a napi `string_enum`): the index in `names`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for any other value.
    pub fn one_of(&self, key: &str, names: &[&str]) -> Result<Option<usize>> {
        match self.string(key)? {
            None => Ok(None),
            Some(s) => names.iter().position(|n| *n == s).map(Some).ok_or_else(|| {
                invalid_arg(format!(
                    "{} must be one of {}, got {s:?}",
                    self.name(key),
                    names.join(", ")
                ))
            }),
        }
    }

    /// An optional list of numbers (an array or a typed array).
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for anything else.
    pub fn f64s(&self, key: &str) -> Result<Option<Vec<f64>>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => f64s(&v, &self.name(key)).map(Some),
        }
    }

    /// A required list of numbers.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if absent or not a list of numbers.
    pub fn req_f64s(&self, key: &str) -> Result<Vec<f64>> {
        self.f64s(key)?
            .ok_or_else(|| invalid_arg(format!("{} is required", self.name(key))))
    }

    /// An optional array of values.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for a value that is not an array.
    pub fn list(&self, key: &str) -> Result<Option<Vec<JsValue>>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) if Array::is_array(&v) => Ok(Some(Array::from(&v).to_vec())),
            Some(_) => Err(invalid_arg(format!("{} must be an array", self.name(key)))),
        }
    }

    /// A required array of values.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` if absent or not an array.
    pub fn req_list(&self, key: &str) -> Result<Vec<JsValue>> {
        self.list(key)?
            .ok_or_else(|| invalid_arg(format!("{} is required", self.name(key))))
    }

    /// An optional nested options object.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` for a value that is not an object.
    pub fn obj(&self, key: &str) -> Result<Option<Opts>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => Opts::required(&v, &self.name(key)).map(Some),
        }
    }
}

/// A list of numbers from a JS array or typed array.
///
/// # Errors
/// `ERR_INVALID_ARG` naming `what` for anything else.
pub fn f64s(v: &JsValue, what: &str) -> Result<Vec<f64>> {
    if let Some(t) = v.dyn_ref::<Float64Array>() {
        return Ok(t.to_vec());
    }
    if !Array::is_array(v) {
        return Err(invalid_arg(format!("{what} must be an array of numbers")));
    }
    Array::from(v)
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_f64()
                .ok_or_else(|| invalid_arg(format!("{what}[{i}] must be a number")))
        })
        .collect()
}

/// Builds a plain JS result object.
#[derive(Debug)]
pub struct Out(Object);

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

impl Out {
    /// An empty object.
    pub fn new() -> Self {
        Self(Object::new())
    }

    /// Sets `key` to any value.
    #[must_use]
    pub fn set(self, key: &str, v: impl Into<JsValue>) -> Self {
        // Defining a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &v.into());
        self
    }

    /// Sets `key` when `v` is `Some` (napi omits `None` fields of an object).
    #[must_use]
    pub fn opt<T: Into<JsValue>>(self, key: &str, v: Option<T>) -> Self {
        match v {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// Sets `key` to an already converted value when there is one.
    #[must_use]
    pub fn opt_value(self, key: &str, v: Option<JsValue>) -> Self {
        self.opt(key, v)
    }

    /// Sets `key` to a plain array of numbers (what napi makes of a `Vec<f64>`).
    #[must_use]
    pub fn numbers(self, key: &str, v: &[f64]) -> Self {
        self.set(key, numbers(v))
    }

    /// Sets `key` to a plain array of strings.
    #[must_use]
    pub fn strings<S: AsRef<str>>(self, key: &str, v: &[S]) -> Self {
        self.set(key, strings(v))
    }

    /// Sets `key` to a `Float64Array` (a copy).
    #[must_use]
    pub fn float64(self, key: &str, v: &[f64]) -> Self {
        self.set(key, Float64Array::from(v))
    }

    /// The object.
    pub fn build(self) -> JsValue {
        self.0.into()
    }
}

/// A plain JS array of numbers.
pub fn numbers(v: &[f64]) -> JsValue {
    // One copy into a typed array, then `Array.from`: two boundary crossings, not one per item.
    Array::from(&Float64Array::from(v).into()).into()
}

/// A plain JS array of strings.
pub fn strings<S: AsRef<str>>(v: &[S]) -> JsValue {
    let a = Array::new_with_length(v.len() as u32);
    for (i, s) in v.iter().enumerate() {
        a.set(i as u32, JsValue::from_str(s.as_ref()));
    }
    a.into()
}
