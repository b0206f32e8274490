//! Customer names and e-mail addresses: companies for business segments, people for consumers,
//! with the accents, apostrophes and commas real master data carries.

use super::customer::{CONSUMER, ENTERPRISE};
use super::vocab::Vocab;
use rand::Rng;

fn one<'a, R: Rng>(rng: &mut R, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Lower-case ASCII letters and digits only, for the local part and domain of an e-mail.
fn mail_part(s: &str) -> String {
    crate::config::slug(s).replace('-', "")
}

/// A (name, e-mail) pair for a customer of the segment.
pub(crate) fn draw<R: Rng>(rng: &mut R, segment: u8, v: &Vocab) -> (String, String) {
    let n = &v.names;
    if segment == CONSUMER {
        let first = one(rng, n.first);
        let mut name = first.to_string();
        let mut surnames = Vec::with_capacity(n.surnames_per_person);
        for _ in 0..n.surnames_per_person {
            let s = one(rng, n.surnames);
            name.push(' ');
            name.push_str(s);
            surnames.push(s);
        }
        let local = format!(
            "{}{}{}",
            mail_part(first).chars().next().unwrap_or('x'),
            mail_part(surnames[0]),
            rng.random_range(1..100)
        );
        return (name, format!("{local}@{}", one(rng, n.personal_domains)));
    }
    let surname = one(rng, n.surnames);
    let (name, domain) = if segment == ENTERPRISE {
        let pattern = one(rng, n.big_patterns);
        let name = pattern.replace("{}", surname);
        let head = pattern.split(['{', ',']).next().unwrap_or("");
        let domain = if head.trim().is_empty() {
            format!("{}group", mail_part(surname))
        } else {
            format!("{}{}", mail_part(head), mail_part(surname))
        };
        (name, domain)
    } else {
        let trade = one(rng, n.trades);
        let form = one(rng, n.forms);
        let core = if n.trade_first {
            format!("{trade} {surname}")
        } else {
            format!("{surname} {trade}")
        };
        let domain = mail_part(&core);
        (format!("{core}{form}"), domain)
    };
    let email = format!("{}@{domain}.{}", one(rng, n.mailboxes), n.company_tld);
    (name, email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::sample::customer::SMB;
    use crate::sample::rng::SampleRng;

    #[test]
    fn emails_are_plain_ascii_with_one_at_sign() {
        for lang in [Lang::Es, Lang::En] {
            let v = Vocab::of(lang);
            for i in 0..300 {
                let mut rng = SampleRng::stream(3, i);
                let (name, email) = draw(&mut rng, (i % 3) as u8, v);
                assert!(!name.is_empty());
                assert!(email.is_ascii(), "{email}");
                assert_eq!(email.matches('@').count(), 1, "{email}");
                assert!(!email.contains(".."), "{email}");
            }
        }
    }

    #[test]
    fn spanish_small_business_names_put_the_trade_first() {
        let v = Vocab::of(Lang::Es);
        let mut rng = SampleRng::stream(5, 0);
        let (name, _) = draw(&mut rng, SMB, v);
        assert!(v.names.trades.iter().any(|t| name.starts_with(t)), "{name}");
    }
}
