//! Reading the committed CSV fixtures (no dependencies: a header row, comma-separated
//! numbers, empty or `NA` for missing).

use std::collections::HashMap;

pub const SETS: [&str; 2] = ["ttrc", "sp500"];

pub fn path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Columns of a CSV file by header name.
pub struct Table {
    pub cols: HashMap<String, Vec<f64>>,
}

impl Table {
    pub fn read(name: &str) -> Table {
        let text = std::fs::read_to_string(path(name))
            .unwrap_or_else(|e| panic!("cannot read fixture {name}: {e}"));
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .expect("header")
            .split(',')
            .map(|s| s.trim().to_owned())
            .collect();
        let mut data: Vec<Vec<f64>> = vec![Vec::new(); header.len()];
        for line in lines.filter(|l| !l.trim().is_empty()) {
            for (k, cell) in line.split(',').enumerate() {
                let c = cell.trim();
                let v = if c.is_empty() || c == "NA" {
                    f64::NAN
                } else {
                    // Dates and other text columns read as NaN; only numbers are compared.
                    c.parse::<f64>().unwrap_or(f64::NAN)
                };
                data[k].push(v);
            }
        }
        Table {
            cols: header.into_iter().zip(data).collect(),
        }
    }

    pub fn col(&self, name: &str) -> &[f64] {
        self.cols
            .get(name)
            .unwrap_or_else(|| panic!("fixture has no column {name}"))
    }
}

/// The bars of a data set.
pub struct Bars {
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

impl Bars {
    pub fn read(set: &str) -> Bars {
        let t = Table::read(&format!("bars_{set}.csv"));
        Bars {
            open: t.col("open").to_vec(),
            high: t.col("high").to_vec(),
            low: t.col("low").to_vec(),
            close: t.col("close").to_vec(),
            volume: t.col("volume").to_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.close.len()
    }

    pub fn mean_close(&self) -> f64 {
        self.close.iter().sum::<f64>() / self.len() as f64
    }

    pub fn mean_volume(&self) -> f64 {
        self.volume.iter().sum::<f64>() / self.len() as f64
    }
}
