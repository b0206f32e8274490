//! What every part of the generator shares: language, vocabulary, calendar, the catalogue by
//! category, and how customer numbers become customer ids.

use super::calendar::Calendar;
use super::numfmt;
use super::vocab::Vocab;
use crate::domain::Lang;
use chrono::NaiveDate;

/// First English customer id; 18 digits, beyond f64's exact integers, so an ingest that reads ids
/// as numbers corrupts them visibly.
const EN_ID_BASE: u64 = 301_000_000_000_000_000;
/// Step between English ids, so they do not look sequential.
const EN_ID_STEP: u64 = 1_009;

/// The fixed context of one generated client.
#[derive(Debug)]
pub(crate) struct World {
    /// Style of the exports.
    pub(crate) lang: Lang,
    /// Words of that language.
    pub(crate) v: &'static Vocab,
    /// The simulated history.
    pub(crate) cal: Calendar,
    /// Product indices per category.
    pub(crate) by_category: Vec<Vec<u16>>,
    /// Number of customers in the master data.
    pub(crate) customers: u32,
    /// Random seed.
    pub(crate) seed: u64,
    /// Steady business (strong seasonality): even acquisitions, no dropout.
    pub(crate) steady: bool,
    id_width: usize,
}

/// The strong monthly pattern of the seasonal check client, January first: a summer peak at
/// four times the winter trough.
const STRONG_MONTHS: [f64; 12] = [0.4, 0.5, 0.7, 0.9, 1.1, 1.4, 1.6, 1.6, 1.2, 0.9, 0.6, 0.4];

impl World {
    /// The context of a client of `customers` customers whose history ends `end`.
    pub(crate) fn new(lang: Lang, customers: u32, seed: u64, end: NaiveDate) -> World {
        let v = Vocab::of(lang);
        let cal = Calendar::new(end, &v.month_factor, &v.weekday_factor);
        let mut by_category = vec![Vec::new(); v.categories.len()];
        for (i, p) in v.products.iter().enumerate() {
            by_category[p.category as usize].push(i as u16);
        }
        // Room for the unknown customer codes the mess injection adds above the last customer.
        let largest = customers as u64 + super::mess::ORPHAN_OFFSET as u64 + 100;
        let id_width = largest.to_string().len().max(6);
        World {
            lang,
            v,
            cal,
            by_category,
            customers,
            seed,
            steady: false,
            id_width,
        }
    }

    /// The same world with `s`'s purchase pattern and population (see [`super::Seasonality`]).
    pub(crate) fn with_seasonality(mut self, s: super::Seasonality) -> World {
        if s == super::Seasonality::Strong {
            let end = self.cal.date(self.cal.days() - 1);
            self.cal = Calendar::new(end, &STRONG_MONTHS, &self.v.weekday_factor);
            self.steady = true;
        }
        self
    }

    /// Appends the customer id of a customer number: `000123` (Spanish ERP, zero-padded text)
    /// or an 18-digit CRM record id.
    pub(crate) fn push_customer_id(&self, buf: &mut Vec<u8>, number: u32) {
        match self.lang {
            Lang::Es => numfmt::push_padded(buf, number as u64, self.id_width),
            Lang::En => numfmt::push_u64(buf, EN_ID_BASE + number as u64 * EN_ID_STEP),
        }
    }

    /// The customer id as a string (for spreadsheets).
    pub(crate) fn customer_id(&self, number: u32) -> String {
        let mut buf = Vec::with_capacity(20);
        self.push_customer_id(&mut buf, number);
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()
    }

    #[test]
    fn spanish_ids_keep_leading_zeros() {
        let w = World::new(Lang::Es, 3000, 1, end());
        assert_eq!(w.customer_id(123), "000123");
    }

    #[test]
    fn spanish_ids_widen_for_a_million_customers() {
        let w = World::new(Lang::Es, 1_000_000, 1, end());
        assert_eq!(w.customer_id(123), "0000123");
    }

    #[test]
    fn english_ids_have_18_digits() {
        let w = World::new(Lang::En, 3000, 1, end());
        // 301000000000000000 + 2 * 1009 = 301000000000002018.
        assert_eq!(w.customer_id(2), "301000000000002018");
    }
}
