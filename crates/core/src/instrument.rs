//! Instrument specifications and order-parameter validation.
//!
//! An [`Instrument`] fixes the price scale (from the tick size) and quantity scale (from the lot
//! size) and the venue's limits. [`Instrument::check_order`] validates a price/quantity pair and
//! returns a typed [`Rejection`] naming the broken rule — a domain answer, not an error.

use std::fmt;

use crate::fixed::{FixedError, Notional, Price, Quantity, Rounding, MAX_SCALE};

/// Compact numeric identifier of an instrument inside one process (index into a registry).
pub type InstrumentId = u32;

/// The decimal strings an instrument is described by (as a venue publishes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentSpec {
    /// Venue symbol, e.g. `BTC-USDT`.
    pub symbol: String,
    /// Price increment, e.g. `"0.01"`; its decimal places set the price scale.
    pub tick_size: String,
    /// Quantity increment, e.g. `"0.00001"`; its decimal places set the quantity scale.
    pub lot_size: String,
    /// Smallest order quantity (defaults to one lot).
    pub min_qty: Option<String>,
    /// Largest order quantity (defaults to unlimited).
    pub max_qty: Option<String>,
    /// Smallest order notional in quote currency (defaults to zero).
    pub min_notional: Option<String>,
    /// Largest order notional in quote currency (defaults to unlimited).
    pub max_notional: Option<String>,
}

impl InstrumentSpec {
    /// A spec with only the symbol and the two increments: the smallest order is one lot and
    /// there is no other quantity or notional limit.
    pub fn unbounded(
        symbol: impl Into<String>,
        tick_size: impl Into<String>,
        lot_size: impl Into<String>,
    ) -> Self {
        Self {
            symbol: symbol.into(),
            tick_size: tick_size.into(),
            lot_size: lot_size.into(),
            min_qty: None,
            max_qty: None,
            min_notional: None,
            max_notional: None,
        }
    }
}

/// Why an [`InstrumentSpec`] is invalid; names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InstrumentError {
    /// A field could not be parsed.
    #[error("instrument field `{field}`: {source}")]
    Field {
        /// Field name as in the spec.
        field: &'static str,
        /// The parse failure.
        source: FixedError,
    },
    /// A field has a value outside its allowed range.
    #[error("instrument field `{field}`: {reason}")]
    Invalid {
        /// Field name as in the spec.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl InstrumentError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "ERR_INVALID_INSTRUMENT"
    }

    /// Which field is at fault.
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self {
            Self::Field { field, .. } | Self::Invalid { field, .. } => field,
        }
    }
}

/// Why a price or quantity is not acceptable for an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The value was built at another scale than the instrument's.
    WrongScale {
        /// `"price"` or `"quantity"`.
        what: &'static str,
        /// The instrument's scale.
        expected: u8,
        /// The value's scale.
        got: u8,
    },
    /// Price is zero or negative.
    NonPositivePrice(Price),
    /// Price is not a multiple of the tick size.
    OffTick {
        /// The price given.
        price: Price,
        /// The tick size.
        tick: Price,
    },
    /// Quantity is zero or negative.
    NonPositiveQuantity(Quantity),
    /// Quantity is not a multiple of the lot size.
    OffLot {
        /// The quantity given.
        qty: Quantity,
        /// The lot size.
        lot: Quantity,
    },
    /// Quantity is below the minimum.
    BelowMinQuantity {
        /// The quantity given.
        qty: Quantity,
        /// The minimum.
        min: Quantity,
    },
    /// Quantity is above the maximum.
    AboveMaxQuantity {
        /// The quantity given.
        qty: Quantity,
        /// The maximum.
        max: Quantity,
    },
    /// Notional is below the minimum.
    BelowMinNotional {
        /// The order notional.
        notional: Notional,
        /// The minimum.
        min: Notional,
    },
    /// Notional is above the maximum.
    AboveMaxNotional {
        /// The order notional.
        notional: Notional,
        /// The maximum.
        max: Notional,
    },
    /// Price × quantity does not fit the fixed-point range.
    NotionalOverflow,
}

impl Rejection {
    /// Stable machine-readable reason code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongScale { .. } => "WRONG_SCALE",
            Self::NonPositivePrice(_) => "NON_POSITIVE_PRICE",
            Self::OffTick { .. } => "OFF_TICK",
            Self::NonPositiveQuantity(_) => "NON_POSITIVE_QUANTITY",
            Self::OffLot { .. } => "OFF_LOT",
            Self::BelowMinQuantity { .. } => "BELOW_MIN_QUANTITY",
            Self::AboveMaxQuantity { .. } => "ABOVE_MAX_QUANTITY",
            Self::BelowMinNotional { .. } => "BELOW_MIN_NOTIONAL",
            Self::AboveMaxNotional { .. } => "ABOVE_MAX_NOTIONAL",
            Self::NotionalOverflow => "NOTIONAL_OVERFLOW",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongScale {
                what,
                expected,
                got,
            } => {
                write!(
                    f,
                    "{what} has {got} decimal places; this instrument uses {expected}"
                )
            }
            Self::NonPositivePrice(p) => write!(f, "price {p} must be positive"),
            Self::OffTick { price, tick } => {
                write!(f, "price {price} is not a multiple of the tick size {tick}")
            }
            Self::NonPositiveQuantity(q) => write!(f, "quantity {q} must be positive"),
            Self::OffLot { qty, lot } => {
                write!(f, "quantity {qty} is not a multiple of the lot size {lot}")
            }
            Self::BelowMinQuantity { qty, min } => {
                write!(f, "quantity {qty} is below the minimum {min}")
            }
            Self::AboveMaxQuantity { qty, max } => {
                write!(f, "quantity {qty} is above the maximum {max}")
            }
            Self::BelowMinNotional { notional, min } => {
                write!(f, "notional {notional} is below the minimum {min}")
            }
            Self::AboveMaxNotional { notional, max } => {
                write!(f, "notional {notional} is above the maximum {max}")
            }
            Self::NotionalOverflow => write!(f, "price × quantity overflows the fixed-point range"),
        }
    }
}

/// A validated instrument: scales and limits in fixed point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrument {
    symbol: String,
    tick: Price,
    lot: Quantity,
    min_qty: Quantity,
    max_qty: Option<Quantity>,
    min_notional: Notional,
    max_notional: Option<Notional>,
}

/// Largest price or quantity scale: their sum (the notional scale) must fit [`MAX_SCALE`].
pub const MAX_INSTRUMENT_SCALE: u8 = MAX_SCALE / 2;

impl Instrument {
    /// Validates a spec.
    ///
    /// # Errors
    /// [`InstrumentError`] naming the first bad field.
    pub fn new(spec: &InstrumentSpec) -> Result<Self, InstrumentError> {
        let field = |field: &'static str| {
            move |source: FixedError| InstrumentError::Field { field, source }
        };
        let invalid =
            |field: &'static str, reason: String| InstrumentError::Invalid { field, reason };
        if spec.symbol.trim().is_empty() {
            return Err(invalid("symbol", "must not be empty".into()));
        }
        let tick = Price::parse_auto(&spec.tick_size).map_err(field("tickSize"))?;
        let lot = Quantity::parse_auto(&spec.lot_size).map_err(field("lotSize"))?;
        if tick.scale() > MAX_INSTRUMENT_SCALE {
            return Err(invalid(
                "tickSize",
                format!("at most {MAX_INSTRUMENT_SCALE} decimal places"),
            ));
        }
        if lot.scale() > MAX_INSTRUMENT_SCALE {
            return Err(invalid(
                "lotSize",
                format!("at most {MAX_INSTRUMENT_SCALE} decimal places"),
            ));
        }
        if !tick.is_positive() {
            return Err(invalid("tickSize", format!("must be positive, got {tick}")));
        }
        if !lot.is_positive() {
            return Err(invalid("lotSize", format!("must be positive, got {lot}")));
        }
        let (ps, qs) = (tick.scale(), lot.scale());
        // Extra decimal places beyond the lot's scale are accepted only if they are zeros.
        let qty = |name: &'static str, text: &str| Quantity::parse(text, qs).map_err(field(name));
        let min_qty = match &spec.min_qty {
            Some(t) => qty("minQty", t)?,
            None => lot,
        };
        if !min_qty.is_positive() {
            return Err(invalid(
                "minQty",
                format!("must be positive, got {min_qty}"),
            ));
        }
        let max_qty = spec
            .max_qty
            .as_deref()
            .map(|t| qty("maxQty", t))
            .transpose()?;
        if let Some(max) = max_qty {
            if max.cmp_value(min_qty).is_lt() {
                return Err(invalid(
                    "maxQty",
                    format!("{max} is below minQty {min_qty}"),
                ));
            }
        }
        let ns = ps + qs;
        let notional =
            |name: &'static str, text: &str| Notional::parse(text, ns).map_err(field(name));
        let min_notional = match &spec.min_notional {
            Some(t) => notional("minNotional", t)?,
            None => Notional::zero(ns),
        };
        if min_notional.fixed().is_negative() {
            return Err(invalid(
                "minNotional",
                format!("must not be negative, got {min_notional}"),
            ));
        }
        let max_notional = spec
            .max_notional
            .as_deref()
            .map(|t| notional("maxNotional", t))
            .transpose()?;
        if let Some(max) = max_notional {
            if max.cmp_value(min_notional).is_lt() || !max.is_positive() {
                return Err(invalid(
                    "maxNotional",
                    format!("{max} must be positive and at least minNotional"),
                ));
            }
        }
        Ok(Self {
            symbol: spec.symbol.trim().to_owned(),
            tick,
            lot,
            min_qty,
            max_qty,
            min_notional,
            max_notional,
        })
    }

    /// Venue symbol.
    #[must_use]
    pub fn symbol(&self) -> &str {
        &self.symbol
    }
    /// Tick size.
    #[must_use]
    pub fn tick(&self) -> Price {
        self.tick
    }
    /// Lot size.
    #[must_use]
    pub fn lot(&self) -> Quantity {
        self.lot
    }
    /// Minimum order quantity.
    #[must_use]
    pub fn min_qty(&self) -> Quantity {
        self.min_qty
    }
    /// Maximum order quantity, if any.
    #[must_use]
    pub fn max_qty(&self) -> Option<Quantity> {
        self.max_qty
    }
    /// Minimum order notional.
    #[must_use]
    pub fn min_notional(&self) -> Notional {
        self.min_notional
    }
    /// Maximum order notional, if any.
    #[must_use]
    pub fn max_notional(&self) -> Option<Notional> {
        self.max_notional
    }
    /// Price scale (decimal places).
    #[must_use]
    pub fn price_scale(&self) -> u8 {
        self.tick.scale()
    }
    /// Quantity scale (decimal places).
    #[must_use]
    pub fn qty_scale(&self) -> u8 {
        self.lot.scale()
    }

    /// Parses a price at this instrument's scale (exact).
    ///
    /// # Errors
    /// As [`Price::parse`].
    pub fn price(&self, text: &str) -> Result<Price, FixedError> {
        Price::parse(text, self.price_scale())
    }

    /// Parses a quantity at this instrument's scale (exact).
    ///
    /// # Errors
    /// As [`Quantity::parse`].
    pub fn qty(&self, text: &str) -> Result<Quantity, FixedError> {
        Quantity::parse(text, self.qty_scale())
    }

    /// Validates a price alone.
    ///
    /// # Errors
    /// The [`Rejection`] for the first rule broken.
    pub fn check_price(&self, price: Price) -> Result<(), Rejection> {
        if price.scale() != self.price_scale() {
            return Err(Rejection::WrongScale {
                what: "price",
                expected: self.price_scale(),
                got: price.scale(),
            });
        }
        if !price.is_positive() {
            return Err(Rejection::NonPositivePrice(price));
        }
        if price.mantissa() % self.tick.mantissa() != 0 {
            return Err(Rejection::OffTick {
                price,
                tick: self.tick,
            });
        }
        Ok(())
    }

    /// Validates a quantity alone.
    ///
    /// # Errors
    /// The [`Rejection`] for the first rule broken.
    pub fn check_qty(&self, qty: Quantity) -> Result<(), Rejection> {
        if qty.scale() != self.qty_scale() {
            return Err(Rejection::WrongScale {
                what: "quantity",
                expected: self.qty_scale(),
                got: qty.scale(),
            });
        }
        if !qty.is_positive() {
            return Err(Rejection::NonPositiveQuantity(qty));
        }
        if qty.mantissa() % self.lot.mantissa() != 0 {
            return Err(Rejection::OffLot { qty, lot: self.lot });
        }
        if qty.mantissa() < self.min_qty.mantissa() {
            return Err(Rejection::BelowMinQuantity {
                qty,
                min: self.min_qty,
            });
        }
        if let Some(max) = self.max_qty {
            if qty.mantissa() > max.mantissa() {
                return Err(Rejection::AboveMaxQuantity { qty, max });
            }
        }
        Ok(())
    }

    /// Validates an order's price and quantity together (including notional limits).
    ///
    /// # Errors
    /// The [`Rejection`] for the first rule broken, price rules first.
    pub fn check_order(&self, price: Price, qty: Quantity) -> Result<Notional, Rejection> {
        self.check_price(price)?;
        self.check_qty(qty)?;
        let notional = price
            .checked_mul_qty(qty)
            .map_err(|_| Rejection::NotionalOverflow)?;
        if notional.mantissa() < self.min_notional.mantissa() {
            return Err(Rejection::BelowMinNotional {
                notional,
                min: self.min_notional,
            });
        }
        if let Some(max) = self.max_notional {
            if notional.mantissa() > max.mantissa() {
                return Err(Rejection::AboveMaxNotional { notional, max });
            }
        }
        Ok(notional)
    }

    /// Rounds a price to the tick grid.
    ///
    /// # Errors
    /// As [`Price::round_to_tick`], plus a scale mismatch.
    pub fn round_price(&self, price: Price, mode: Rounding) -> Result<Price, FixedError> {
        price.round_to_tick(self.tick, mode)
    }

    /// Rounds a quantity to the lot grid.
    ///
    /// # Errors
    /// As [`Quantity::round_to_lot`], plus a scale mismatch.
    pub fn round_qty(&self, qty: Quantity, mode: Rounding) -> Result<Quantity, FixedError> {
        qty.round_to_lot(self.lot, mode)
    }
}

impl Price {
    /// Parses and takes the scale from the text.
    ///
    /// # Errors
    /// As [`crate::fixed::Fixed::parse_auto`].
    pub fn parse_auto(text: &str) -> Result<Self, FixedError> {
        let f = crate::fixed::Fixed::parse_auto(text)?;
        Self::from_mantissa(f.mantissa(), f.scale())
    }
}

impl Quantity {
    /// Parses and takes the scale from the text.
    ///
    /// # Errors
    /// As [`crate::fixed::Fixed::parse_auto`].
    pub fn parse_auto(text: &str) -> Result<Self, FixedError> {
        let f = crate::fixed::Fixed::parse_auto(text)?;
        Self::from_mantissa(f.mantissa(), f.scale())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn btc() -> Instrument {
        Instrument::new(&InstrumentSpec {
            symbol: "BTC-USDT".into(),
            tick_size: "0.01".into(),
            lot_size: "0.00001".into(),
            min_qty: Some("0.0001".into()),
            max_qty: Some("100".into()),
            min_notional: Some("5".into()),
            max_notional: Some("1000000".into()),
        })
        .unwrap()
    }

    #[test]
    fn scales_come_from_tick_and_lot() {
        let i = btc();
        assert_eq!((i.price_scale(), i.qty_scale()), (2, 5));
        assert_eq!(i.min_notional().scale(), 7);
    }

    #[test]
    fn each_rule_has_its_reason() {
        let i = btc();
        let p = |s| i.price(s).unwrap();
        let q = |s| i.qty(s).unwrap();
        assert!(i.check_order(p("65000.10"), q("0.001")).is_ok());
        let code = |r: Result<Notional, Rejection>| r.unwrap_err().code();
        assert_eq!(
            code(i.check_order(Price::parse("65000.1", 1).unwrap(), q("0.001"))),
            "WRONG_SCALE"
        );
        assert_eq!(
            code(i.check_order(p("0"), q("0.001"))),
            "NON_POSITIVE_PRICE"
        );
        assert_eq!(
            code(i.check_order(p("-1"), q("0.001"))),
            "NON_POSITIVE_PRICE"
        );
        assert_eq!(
            code(i.check_order(p("65000.10"), q("0"))),
            "NON_POSITIVE_QUANTITY"
        );
        assert_eq!(
            code(i.check_order(p("65000.10"), q("-0.001"))),
            "NON_POSITIVE_QUANTITY"
        );
        assert_eq!(
            code(i.check_order(p("65000.10"), q("0.00005"))),
            "BELOW_MIN_QUANTITY"
        );
        assert_eq!(
            code(i.check_order(p("65000.10"), q("101"))),
            "ABOVE_MAX_QUANTITY"
        );
        assert_eq!(
            code(i.check_order(p("10.00"), q("0.0001"))),
            "BELOW_MIN_NOTIONAL"
        );
        assert_eq!(
            code(i.check_order(p("65000.10"), q("99"))),
            "ABOVE_MAX_NOTIONAL"
        );
        let coarse = Instrument::new(&InstrumentSpec::unbounded("X", "0.05", "0.10")).unwrap();
        let r = coarse
            .check_order(coarse.price("1.02").unwrap(), coarse.qty("1.00").unwrap())
            .unwrap_err();
        assert_eq!(
            r.to_string(),
            "price 1.02 is not a multiple of the tick size 0.05"
        );
        let r = coarse
            .check_order(coarse.price("1.05").unwrap(), coarse.qty("1.05").unwrap())
            .unwrap_err();
        assert_eq!(r.code(), "OFF_LOT");
    }

    #[test]
    fn bad_specs_name_the_field() {
        let base = InstrumentSpec::unbounded("X", "0.01", "1");
        let err = |f: fn(&mut InstrumentSpec)| {
            let mut s = base.clone();
            f(&mut s);
            Instrument::new(&s).unwrap_err().field()
        };
        assert_eq!(err(|s| s.tick_size = "0".into()), "tickSize");
        assert_eq!(err(|s| s.tick_size = "abc".into()), "tickSize");
        assert_eq!(err(|s| s.lot_size = "-1".into()), "lotSize");
        assert_eq!(err(|s| s.tick_size = "0.0000000001".into()), "tickSize");
        assert_eq!(err(|s| s.min_qty = Some("0.5".into())), "minQty");
        assert_eq!(err(|s| s.max_qty = Some("0".into())), "maxQty");
        assert_eq!(err(|s| s.min_notional = Some("-5".into())), "minNotional");
        assert_eq!(err(|s| s.symbol = "  ".into()), "symbol");
    }
}
