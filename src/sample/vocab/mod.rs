//! The words a sample client's exports are written in: segments, regions, products, complaint
//! categories, people and comments, one set per language. Data only; the simulation refers to
//! them by index so both languages share one process.

mod en;
mod es;

use crate::domain::Lang;

/// One article of the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Product {
    /// Name as the ERP prints it (some contain `,`, `"` or non-ASCII characters on purpose).
    pub(crate) name: &'static str,
    /// Index into [`Vocab::categories`].
    pub(crate) category: u8,
    /// List price in cents.
    pub(crate) price_cents: i64,
    /// Cost as a share of the net price, in per mille (550–800).
    pub(crate) cost_permille: i64,
}

/// How customer names and e-mails are built.
#[derive(Debug)]
pub(crate) struct Names {
    /// Given names of consumers.
    pub(crate) first: &'static [&'static str],
    /// Surnames (also used in company names).
    pub(crate) surnames: &'static [&'static str],
    /// Surnames per consumer (two in Spain).
    pub(crate) surnames_per_person: usize,
    /// Trades of small companies ("Reformas", "Bistro").
    pub(crate) trades: &'static [&'static str],
    /// Whether the trade comes before the surname ("Reformas Núñez") or after ("Hudson Bistro").
    pub(crate) trade_first: bool,
    /// Legal-form suffixes of small companies, with their leading punctuation.
    pub(crate) forms: &'static [&'static str],
    /// Large-account name patterns; `{}` is replaced by a surname.
    pub(crate) big_patterns: &'static [&'static str],
    /// Mail providers of consumers.
    pub(crate) personal_domains: &'static [&'static str],
    /// Top-level domain of company e-mails.
    pub(crate) company_tld: &'static str,
    /// Mailbox names of company e-mails.
    pub(crate) mailboxes: &'static [&'static str],
}

/// Everything language-specific about a sample client.
#[derive(Debug)]
pub(crate) struct Vocab {
    /// Client name when `--name` is not given.
    pub(crate) client_name: &'static str,
    /// `prepared_by` written into audit.toml.
    pub(crate) prepared_by: &'static str,
    /// ISO currency code.
    pub(crate) currency: &'static str,
    /// Consumer, small business, large account (in that order).
    pub(crate) segments: [&'static str; 3],
    /// Sales regions.
    pub(crate) regions: &'static [&'static str],
    /// Acquisition channels, with their typical cost in cents.
    pub(crate) acquisition: &'static [(&'static str, i64)],
    /// Account managers; manager `i` covers region `i % regions`.
    pub(crate) managers: &'static [&'static str],
    /// Key-account managers of large accounts.
    pub(crate) key_account_managers: &'static [&'static str],
    /// Customer-service agents.
    pub(crate) service_agents: &'static [&'static str],
    /// Accounts-receivable staff.
    pub(crate) billing_staff: &'static [&'static str],
    /// Contact channels: phone, e-mail, visit/meeting, chat/WhatsApp, web.
    pub(crate) contact_channels: [&'static str; 5],
    /// Contact types: sales, service, follow-up, billing.
    pub(crate) contact_types: [&'static str; 4],
    /// Outcomes per contact type.
    pub(crate) outcomes: [&'static [&'static str]; 4],
    /// Product categories (families).
    pub(crate) categories: &'static [&'static str],
    /// The catalogue.
    pub(crate) products: &'static [Product],
    /// Complaint categories: delivery, defective product, billing, treatment, returns.
    pub(crate) complaint_categories: [&'static str; 5],
    /// Channels complaints arrive through.
    pub(crate) complaint_channels: [&'static str; 4],
    /// Severities, low to critical.
    pub(crate) severities: [&'static str; 4],
    /// Complaint status: open, closed.
    pub(crate) status: [&'static str; 2],
    /// Survey comments of detractors, passives and promoters.
    pub(crate) comments: [&'static [&'static str]; 3],
    /// Name building.
    pub(crate) names: Names,
    /// Purchase seasonality by month, January first.
    pub(crate) month_factor: [f64; 12],
    /// Purchase seasonality by weekday, Monday first.
    pub(crate) weekday_factor: [f64; 7],
}

impl Vocab {
    /// The vocabulary of a language.
    pub(crate) fn of(lang: Lang) -> &'static Vocab {
        match lang {
            Lang::Es => &es::ES,
            Lang::En => &en::EN,
        }
    }

    /// All employees in one list (managers, key-account managers, service, billing), the
    /// index space of [`crate::sample::chunk::Interaction::employee`].
    pub(crate) fn employee(&self, index: u8) -> &'static str {
        let mut i = index as usize;
        for list in [
            self.managers,
            self.key_account_managers,
            self.service_agents,
            self.billing_staff,
        ] {
            if i < list.len() {
                return list[i];
            }
            i -= list.len();
        }
        self.managers[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_product_has_a_category_and_a_cost_between_55_and_80_per_cent() {
        for lang in [Lang::Es, Lang::En] {
            let v = Vocab::of(lang);
            for p in v.products {
                assert!((p.category as usize) < v.categories.len(), "{}", p.name);
                assert!((550..=800).contains(&p.cost_permille), "{}", p.name);
                assert!(p.price_cents > 0, "{}", p.name);
            }
        }
    }

    #[test]
    fn every_category_has_products() {
        for lang in [Lang::Es, Lang::En] {
            let v = Vocab::of(lang);
            for c in 0..v.categories.len() {
                assert!(
                    v.products.iter().any(|p| p.category as usize == c),
                    "{}",
                    v.categories[c]
                );
            }
        }
    }

    #[test]
    fn spanish_vocabulary_fits_windows_1252() {
        let v = Vocab::of(Lang::Es);
        let mut all: Vec<&str> = v.products.iter().map(|p| p.name).collect();
        all.extend(v.comments.iter().flat_map(|c| c.iter().copied()));
        all.extend(v.names.surnames.iter().copied());
        all.extend(v.names.first.iter().copied());
        for text in all {
            let (_, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            assert!(!unmappable, "{text}");
        }
    }
}
