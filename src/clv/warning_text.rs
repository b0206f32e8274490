//! The clv stage's typed outcomes as sentences for people (the manifest's warnings and
//! `crm-audit clv`), so no Rust debug text reaches a user. The report words them in its own
//! language from templates/i18n (`model.warn_*`).

use super::report::{ClvWarning, ModelChoiceReason, ModelKind};
use super::summary::SpendBasis;
use std::fmt;

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelKind::Bgnbd => "BG/NBD",
            ModelKind::ParetoNbd => "Pareto/NBD",
            ModelKind::GammaGamma => "Gamma-Gamma",
        })
    }
}

impl fmt::Display for ModelChoiceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelChoiceReason::Requested => "as the settings ask",
            ModelChoiceReason::BetterHoldoutFit => "the better fit in the holdout",
            ModelChoiceReason::DefaultWithoutHoldout => "the default without a holdout",
            ModelChoiceReason::OnlyModelFitted => "the only model that could be fitted",
        })
    }
}

impl fmt::Display for SpendBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpendBasis::Margin => "margin",
            SpendBasis::NetAmount => "net amount",
            SpendBasis::Mixed => "margin where the cost is known, net amount elsewhere",
        })
    }
}

impl fmt::Display for ClvWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClvWarning::TooFewRepeatCustomers {
                repeat_customers,
                minimum,
            } => write!(
                f,
                "only {repeat_customers} customers have repeat purchases (at least {minimum} are \
                 needed): no predictive model"
            ),
            ClvWarning::FitFailed { model } => {
                write!(f, "{model} could not be fitted on these data")
            }
            ClvWarning::NotConverged {
                model,
                gradient_norm,
            } => write!(
                f,
                "{model} did not fully converge (largest gradient {gradient_norm:.1e}); its \
                 estimates are the best found"
            ),
            ClvWarning::ParameterAtBound { model, parameters } => write!(
                f,
                "{model}: parameters {} ran to their bound; the data do not identify them",
                parameters.join(", ")
            ),
            ClvWarning::TooFewSpendCustomers { customers, minimum } => write!(
                f,
                "only {customers} repeat customers have a positive mean value (at least {minimum} \
                 are needed): every customer's expected value is the overall mean"
            ),
            ClvWarning::NonPositiveSpend { customers } => write!(
                f,
                "{customers} repeat customers with a mean value of zero or less were left out of \
                 the Gamma-Gamma fit"
            ),
            ClvWarning::InfiniteMeanSpend { q } => write!(
                f,
                "Gamma-Gamma fitted q = {q:.2} ≤ 1: customers without repeat purchases get the \
                 overall mean value"
            ),
            ClvWarning::MixedSpendBasis => f.write_str(
                "only some invoice lines carry a cost: values are margins where known, net \
                 amounts elsewhere",
            ),
            ClvWarning::PredictionFailed { model, customers } => write!(
                f,
                "{model}: predictions failed for {customers} customers; their figures are missing"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_read_as_sentences_without_debug_text() {
        let w = ClvWarning::NotConverged {
            model: ModelKind::GammaGamma,
            gradient_norm: 2.7e-5,
        };
        let text = w.to_string();
        assert_eq!(
            text,
            "Gamma-Gamma did not fully converge (largest gradient 2.7e-5); its estimates are the \
             best found"
        );
        assert!(!text.contains('{') && !text.contains("NotConverged"));
    }
}
