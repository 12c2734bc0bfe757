//! Positions, P&L, fees and VWAPs against `scripts/refs/oms/pnl.py` (Python `fractions`,
//! exact), fixture `tests/fixtures/pnl_reference.json`. Exact equality of decimal strings.

use serde_json::Value;
use tachyon_core::{Notional, Quantity, Timestamp};
use tachyon_oms::{
    AllowAll, ClientOrderId, Liquidity, Oms, OmsConfig, OrderRequest, Side, VenueEvent,
};

fn fixture() -> Value {
    let p = format!(
        "{}/tests/fixtures/pnl_reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("field {k}"))
}

#[test]
fn positions_pnl_fees_and_vwap_match_the_python_reference() {
    let f = fixture();
    assert_eq!(f["meta"]["scales"]["price"], 2);
    let cases = f["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 7);
    let mut trade = 0u64;
    for (ci, c) in cases.iter().enumerate() {
        let mut oms = Oms::new(Box::new(AllowAll), OmsConfig::default());
        oms.add_instrument(crate::btc_unlimited());
        let i = oms.instrument(0).expect("instrument").clone();
        for (oi, o) in c["orders"].as_array().expect("orders").iter().enumerate() {
            let side = if str_of(o, "side") == "buy" {
                Side::Buy
            } else {
                Side::Sell
            };
            let req = OrderRequest::market(
                ClientOrderId::new(&format!("c{ci}o{oi}")).expect("id"),
                0,
                side,
                i.qty(str_of(o, "filled")).expect("qty"),
            );
            let id = oms
                .submit(&req, Timestamp::from_nanos(1))
                .expect("submit")
                .order_id;
            let mut fee_sum = 0i64;
            for fl in o["fills"].as_array().expect("fills") {
                trade += 1;
                let fee = Notional::parse(str_of(fl, "fee"), 5)
                    .expect("fee")
                    .mantissa();
                fee_sum += fee;
                oms.on_venue_event(&VenueEvent::Fill {
                    order_id: id,
                    trade_id: trade,
                    price: i.price(str_of(fl, "price")).expect("px").mantissa(),
                    qty: i.qty(str_of(fl, "qty")).expect("qty").mantissa(),
                    fee,
                    liquidity: Liquidity::Taker,
                    ts: Timestamp::from_nanos(2),
                })
                .unwrap_or_else(|e| panic!("case {ci} order {oi}: {e}"));
            }
            let ord = oms.order(id).expect("order");
            let vwap = tachyon_core::Price::from_mantissa(ord.avg_px().expect("filled"), 2)
                .expect("price")
                .to_string();
            assert_eq!(vwap, str_of(o, "vwap"), "case {ci} order {oi} VWAP");
            assert_eq!(ord.fees, fee_sum);
            assert_eq!(
                Quantity::from_mantissa(ord.filled, 3)
                    .expect("q")
                    .to_string(),
                str_of(o, "filled")
            );
        }
        let p = oms.position(0).expect("position");
        let ctx = format!("case {ci}");
        assert_eq!(p.qty().to_string(), str_of(c, "position"), "{ctx} position");
        assert_eq!(
            p.cost_basis().to_string(),
            str_of(c, "cost_basis"),
            "{ctx} basis"
        );
        assert_eq!(
            p.realized().to_string(),
            str_of(c, "realized"),
            "{ctx} realized"
        );
        assert_eq!(p.fees().to_string(), str_of(c, "fees"), "{ctx} fees");
        assert_eq!(p.volume().to_string(), str_of(c, "volume"), "{ctx} volume");
        assert_eq!(
            p.avg_entry().map(|x| x.to_string()).as_deref(),
            c["avg_entry"].as_str(),
            "{ctx} avg entry"
        );
        let mark = i.price(str_of(c, "mark")).expect("mark");
        assert_eq!(
            p.unrealized(mark).expect("unrealized").to_string(),
            str_of(c, "unrealized"),
            "{ctx} unrealized"
        );
    }
}
